/**
 * Bug zoo: nested-encoder-no-maskzero (near miss: ok-nested-text-encoder).
 *
 * A review classifier on token ids of any length, padded with 0 after the text: a nested text
 * encoder (a Sequential of an Embedding and a bidirectional LSTM) reads them, a softmax head rates.
 *
 *   ids [null] -> encoder (Sequential: Embedding, Bidirectional LSTM) -> hidden -> rating
 *
 * Bug: the Embedding has no maskZero, so nothing masks the padding: the LSTM reads the padded
 * steps as real tokens and the rating depends on how much padding follows the text.
 * Expected: masking reports that nothing masks the padding of the ids (at ids -> encoder).
 */
import * as tf from '@tensorflow/tfjs';

export const mini = { inputs: { ids: { int: [0, 8000], pad: 0, padding: 'post' } } };

export default function buildReviewClassifier(): tf.LayersModel {
  const ids = tf.input({ shape: [null], dtype: 'int32', name: 'ids' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.embedding({ inputDim: 8000, outputDim: 64, maskZero: false, inputShape: [null], name: 'embed' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 96 }) as tf.RNN, name: 'context' }),
    ],
  });
  const encoded = encoder.apply(ids) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(encoded) as tf.SymbolicTensor;
  const rating = tf.layers.dense({ units: 5, activation: 'softmax', name: 'rating' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: rating, name: 'review_classifier' });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return model;
}
