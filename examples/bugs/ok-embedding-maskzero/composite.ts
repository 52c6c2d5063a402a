/**
 * Bug zoo, near miss: ok-embedding-maskzero (the corrected twin of embedding-no-maskzero).
 *
 * A review sentiment model: token ids (24 steps; real ids are 1..499, the batch is padded with
 * id 0) are embedded and read by an LSTM.
 *
 *   review -> embed (Embedding 500 x 32, maskZero) -> encoder (LSTM 64) -> sentiment (sigmoid)
 *
 * Correct: `maskZero: true` makes id 0 padding: the Embedding emits a mask and the LSTM skips
 * padded steps, so the sentiment does not depend on the padding.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const VOCAB = 500;

/** Real ids are 1..499 (0 is padding: the Embedding's maskZero tells the tool). */
export const mini = { inputs: { review: { int: [1, VOCAB] } } };

export default function buildSentimentModel(): tf.LayersModel {
  const review = tf.input({ shape: [STEPS], dtype: 'int32', name: 'review' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 32, maskZero: true, name: 'embed' }).apply(review);
  const encoded = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(embedded);
  const sentiment = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'sentiment' }).apply(encoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: review, outputs: sentiment, name: 'sentiment' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
