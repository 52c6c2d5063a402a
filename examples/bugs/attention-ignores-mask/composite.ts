/**
 * Bug zoo: attention-ignores-mask.
 *
 * A question classifier: token ids (24 steps, padded with id 0) are embedded with `maskZero`,
 * encoded by an LSTM, mixed by the user's own dot-product self-attention over the LSTM states,
 * and summarised by a second LSTM.
 *
 *   tokens -> embed (Embedding, maskZero) -> encoder (LSTM 64, sequences)
 *          -> self_attention (DotSelfAttention) -> summary (LSTM 32) -> label
 *
 * BUG: DotSelfAttention passes the mask on (`supportsMasking = true`) but ignores it in its own
 * softmax: every real step also attends to the padded steps (whose LSTM states are the last real
 * state repeated, or zeros with pre-padding). The attended states, and the label, depend on how
 * much padding the batch has.
 * Caught by: `masking`, at `self_attention`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const VOCAB = 500;
const CLASSES = 4;

/** softmax(x x^T / sqrt(d)) x over the time axis (parameter-free). */
export class DotSelfAttention extends tf.layers.Layer {
  static className = 'DotSelfAttention';

  constructor(config: { name?: string } = {}) {
    super(config);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const width = x.shape[2];
      const scores = tf.div(tf.matMul(x, x, false, true), Math.sqrt(width));
      // Meant to be masked here: scores of padded keys should be -Infinity before the softmax.
      const weights = tf.softmax(scores, -1);
      return tf.matMul(weights, x);
    });
  }
}
tf.serialization.registerClass(DotSelfAttention);

export default function buildQuestionClassifier(): tf.LayersModel {
  const tokens = tf.input({ shape: [STEPS], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 32, maskZero: true, name: 'embed' }).apply(tokens);
  const states = tf.layers.lstm({ units: 64, returnSequences: true, name: 'encoder' }).apply(embedded);
  const attended = new DotSelfAttention({ name: 'self_attention' }).apply(states);
  const summary = tf.layers.lstm({ units: 32, name: 'summary' }).apply(attended);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(summary) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: label, name: 'question_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
