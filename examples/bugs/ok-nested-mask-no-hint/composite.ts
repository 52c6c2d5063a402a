/**
 * Bug zoo near miss: ok-nested-mask-no-hint (of pool-over-nested-mask).
 *
 * The same sentiment classifier, but the encoder's LSTM returns its last state: the mask made by
 * the Embedding inside the encoder is read by the LSTM inside it, so the padding changes nothing.
 * No hint says the ids are padded; the Embedding's maskZero, inside the nested model, does.
 *
 *   ids [24] -> encoder (Sequential: Embedding maskZero, Bidirectional LSTM, last state) -> hidden -> score
 *
 * Not a bug. Expected: no error from any check (masking runs: the padding is known).
 */
import * as tf from '@tensorflow/tfjs';

export default function buildSentiment(): tf.LayersModel {
  const ids = tf.input({ shape: [24], dtype: 'int32', name: 'ids' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.embedding({ inputDim: 3000, outputDim: 32, maskZero: true, inputShape: [24], name: 'embed' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 64 }) as tf.RNN, name: 'context' }),
    ],
  });
  const state = encoder.apply(ids) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden' }).apply(state) as tf.SymbolicTensor;
  const score = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'score' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: score, name: 'sentiment' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
