/**
 * Bug zoo, near miss: ok-reverse-with-mask (the corrected twin of reverse-keeps-mask).
 *
 * An intent classifier with a hand-made backward pass: token ids (24 steps, padded with id 0)
 * are embedded with `maskZero` and encoded by an LSTM; the user's own layer reverses the encoder
 * states in time, and a second LSTM summarises them from the last word to the first.
 *
 *   tokens -> embed (Embedding, maskZero) -> encoder (LSTM 64, sequences)
 *          -> reverse_time (ReverseTime) -> backward (LSTM 32) -> intent
 *
 * Correct: ReverseTime reverses the mask with the values (its own `computeMask`), so the backward
 * LSTM skips exactly the padded states, wherever the padding was.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const VOCAB = 500;
const INTENTS = 8;

/** Reverses the time axis (axis 1), and the mask with it. */
export class ReverseTime extends tf.layers.Layer {
  static className = 'ReverseTime';

  constructor(config: { name?: string } = {}) {
    super(config);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.reverse(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, 1));
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const m = Array.isArray(mask) ? mask[0] : mask;
    // tfjs's own layers return null for "no mask"; the declared type does not say so.
    return (m ? tf.reverse(m, 1) : null) as tf.Tensor;
  }
}
tf.serialization.registerClass(ReverseTime);

export default function buildIntentClassifier(): tf.LayersModel {
  const tokens = tf.input({ shape: [STEPS], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 32, maskZero: true, name: 'embed' }).apply(tokens);
  const states = tf.layers.lstm({ units: 64, returnSequences: true, name: 'encoder' }).apply(embedded);
  const reversed = new ReverseTime({ name: 'reverse_time' }).apply(states);
  const summary = tf.layers.lstm({ units: 32, name: 'backward' }).apply(reversed);
  const intent = tf.layers.dense({ units: INTENTS, activation: 'softmax', name: 'intent' }).apply(summary) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: intent, name: 'intent_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
