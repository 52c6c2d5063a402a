/**
 * Bug zoo, near miss: ok-masked-attention (the corrected twin of attention-ignores-mask).
 *
 * A question classifier: token ids (24 steps, padded with id 0) are embedded with `maskZero`,
 * encoded by an LSTM, mixed by the user's own dot-product self-attention over the LSTM states,
 * and summarised by a second LSTM.
 *
 *   tokens -> embed (Embedding, maskZero) -> encoder (LSTM 64, sequences)
 *          -> self_attention (MaskedSelfAttention) -> summary (LSTM 32) -> label
 *
 * Correct: MaskedSelfAttention reads the mask it receives and gives padded keys a score of -1e9
 * before the softmax, so real steps attend to real steps only; it passes the mask on.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const VOCAB = 500;
const CLASSES = 4;

/** softmax(x x^T / sqrt(d) + key mask) x over the time axis (parameter-free). */
export class MaskedSelfAttention extends tf.layers.Layer {
  static className = 'MaskedSelfAttention';

  constructor(config: { name?: string } = {}) {
    super(config);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: tf.Tensor }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      let scores = tf.div(tf.matMul(x, x, false, true), Math.sqrt(x.shape[2]));
      if (kwargs.mask) {
        const keys = tf.cast(kwargs.mask, 'float32').expandDims(1); // [batch, 1, steps]
        scores = tf.add(scores, tf.mul(tf.sub(1, keys), -1e9));
      }
      return tf.matMul(tf.softmax(scores, -1), x);
    });
  }
}
tf.serialization.registerClass(MaskedSelfAttention);

export default function buildQuestionClassifier(): tf.LayersModel {
  const tokens = tf.input({ shape: [STEPS], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 32, maskZero: true, name: 'embed' }).apply(tokens);
  const states = tf.layers.lstm({ units: 64, returnSequences: true, name: 'encoder' }).apply(embedded);
  const attended = new MaskedSelfAttention({ name: 'self_attention' }).apply(states);
  const summary = tf.layers.lstm({ units: 32, name: 'summary' }).apply(attended);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(summary) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: label, name: 'question_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
