/**
 * Bug zoo: embedding-no-maskzero.
 *
 * A review sentiment model: token ids (24 steps; real ids are 1..499, the batch is padded with
 * id 0) are embedded and read by an LSTM.
 *
 *   review -> embed (Embedding 500 x 32) -> encoder (LSTM 64) -> sentiment (sigmoid)
 *
 * BUG: the Embedding has no `maskZero: true`, so nothing is masked: padding id 0 is embedded
 * like a word and the LSTM reads every padded step. The sentiment of a short review depends on
 * how much padding its batch needed.
 * Caught by: `masking`, at `embed`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const VOCAB = 500;

/** Real ids are 1..499; the data pipeline pads with 0 (the model does not know it). */
export const mini = { inputs: { review: { int: [1, VOCAB], pad: 0 } } };

export default function buildSentimentModel(): tf.LayersModel {
  const review = tf.input({ shape: [STEPS], dtype: 'int32', name: 'review' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 32, name: 'embed' }).apply(review);
  const encoded = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(embedded);
  const sentiment = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'sentiment' }).apply(encoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: review, outputs: sentiment, name: 'sentiment' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
