/**
 * Bug zoo: pool-over-nested-mask (near miss: ok-nested-mask-no-hint).
 *
 * A sentiment classifier on token ids padded with 0 to 24 steps: a nested text encoder (a
 * Sequential of an Embedding with maskZero and a bidirectional LSTM returning every step) reads
 * them, the steps are averaged and a sigmoid head scores. No hint says the ids are padded: the
 * Embedding's maskZero inside the encoder does.
 *
 *   ids [24] -> encoder (Sequential: Embedding maskZero, Bidirectional LSTM, every step) -> pool -> hidden -> score
 *
 * Bug: globalAveragePooling1d ignores the mask in tfjs: the padded steps' outputs are averaged in,
 * so the score depends on how much padding follows the text.
 * Expected: masking reports a change at real steps after pool when the padding moves.
 */
import * as tf from '@tensorflow/tfjs';

export default function buildSentiment(): tf.LayersModel {
  const ids = tf.input({ shape: [24], dtype: 'int32', name: 'ids' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.embedding({ inputDim: 3000, outputDim: 32, maskZero: true, inputShape: [24], name: 'embed' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 64, returnSequences: true }) as tf.RNN, name: 'context' }),
    ],
  });
  const steps = encoder.apply(ids) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(steps) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden' }).apply(pooled) as tf.SymbolicTensor;
  const score = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'score' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: score, name: 'sentiment' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
