/**
 * Bug zoo: decoder-peeks-attention.
 *
 * A next-value forecaster for a sensor series: each step (8 features) is projected, mixed with the
 * other steps by the user's own dot-product self-attention, read by an LSTM, and a dense layer
 * predicts the next value at every step (trained with the series shifted by one as the target).
 *
 *   series -> step_proj (Dense 32) -> dec_attn (DotSelfAttention) -> decoder (LSTM 64, sequences) -> next_value
 *
 * BUG: the self-attention has no causal mask: step t attends to steps after t, which hold the
 * very values it is asked to predict. Training loss drops to near zero, and the model is useless
 * when it must forecast (the future is not there yet).
 * Caught by: `causality` (series is hinted `causal: true`), at `dec_attn`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const FEATURES = 8;

/** The prediction at step t may only use steps 0..t of the series. */
export const mini = { inputs: { series: { causal: true } } };

/** softmax(q k^T / sqrt(d)) v over the time axis, with q = k = v = x (parameter-free). */
export class DotSelfAttention extends tf.layers.Layer {
  static className = 'DotSelfAttention';

  constructor(config: { name?: string } = {}) {
    super(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const scores = tf.div(tf.matMul(x, x, false, true), Math.sqrt(x.shape[2]));
      // Missing: a lower-triangular mask on `scores` (keys after the query set to -Infinity).
      return tf.matMul(tf.softmax(scores, -1), x);
    });
  }
}
tf.serialization.registerClass(DotSelfAttention);

export default function buildForecaster(): tf.LayersModel {
  const series = tf.input({ shape: [STEPS, FEATURES], name: 'series' });
  const projected = tf.layers.dense({ units: 32, activation: 'tanh', name: 'step_proj' }).apply(series);
  const attended = new DotSelfAttention({ name: 'dec_attn' }).apply(projected);
  const decoded = tf.layers.lstm({ units: 64, returnSequences: true, name: 'decoder' }).apply(attended);
  const next = tf.layers.dense({ units: 1, name: 'next_value' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: series, outputs: next, name: 'forecaster' });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
