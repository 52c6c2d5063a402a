/**
 * Bug zoo, near miss: ok-causal-attention (the corrected twin of decoder-peeks-attention).
 *
 * A next-value forecaster for a sensor series: each step (8 features) is projected, mixed with the
 * earlier steps by the user's own causal self-attention, read by an LSTM, and a dense layer
 * predicts the next value at every step.
 *
 *   series -> step_proj (Dense 32) -> dec_attn (CausalSelfAttention) -> decoder (LSTM 64, sequences) -> next_value
 *
 * Correct: the attention scores of keys after the query are set to -1e9 before the softmax (a
 * lower-triangular mask), so step t only mixes steps 0..t, and the LSTM runs forwards.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const FEATURES = 8;

/** The prediction at step t may only use steps 0..t of the series. */
export const mini = { inputs: { series: { causal: true } } };

/** softmax(q k^T / sqrt(d) + causal mask) v, with q = k = v = x (parameter-free). */
export class CausalSelfAttention extends tf.layers.Layer {
  static className = 'CausalSelfAttention';

  constructor(config: { name?: string } = {}) {
    super(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const steps = x.shape[1];
      const scores = tf.div(tf.matMul(x, x, false, true), Math.sqrt(x.shape[2]));
      const allowed = tf.linalg.bandPart(tf.ones([steps, steps]), -1, 0); // 1 where key <= query
      const masked = tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9));
      return tf.matMul(tf.softmax(masked, -1), x);
    });
  }
}
tf.serialization.registerClass(CausalSelfAttention);

export default function buildForecaster(): tf.LayersModel {
  const series = tf.input({ shape: [STEPS, FEATURES], name: 'series' });
  const projected = tf.layers.dense({ units: 32, activation: 'tanh', name: 'step_proj' }).apply(series);
  const attended = new CausalSelfAttention({ name: 'dec_attn' }).apply(projected);
  const decoded = tf.layers.lstm({ units: 64, returnSequences: true, name: 'decoder' }).apply(attended);
  const next = tf.layers.dense({ units: 1, name: 'next_value' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: series, outputs: next, name: 'forecaster' });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
