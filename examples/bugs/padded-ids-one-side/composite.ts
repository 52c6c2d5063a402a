/**
 * Bug zoo: padded-ids-one-side.
 *
 * A headline classifier in the style of tfjs-examples' sentiment CNN: token ids padded at the
 * end to a fixed 40 steps, embedded, read by an n-gram conv and max-pooled over time.
 *
 *   words -> embed (Embedding 3000 x 64) -> ngrams (Conv1D 128, 'same') -> pool (global max) -> topic (softmax)
 *
 * BUG: the data is padded with id 0 but nothing masks it (no maskZero, no mask of the user's
 * own): every padded step is embedded like a word, read by the conv and can win the max-pool.
 * With a fixed length and one padding side the same headline always gets the same padding, so
 * only perturbing the padded steps shows it.
 * Caught by: `masking`, at input `words`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 40;
const VOCAB = 3000;

/** Real ids are 1..2999; the pipeline pads at the end with 0. */
export const mini = { inputs: { words: { int: [1, VOCAB], pad: 0, padding: 'post' } } };

export default function buildHeadlineClassifier(): tf.LayersModel {
  const words = tf.input({ shape: [STEPS], dtype: 'int32', name: 'words' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 64, name: 'embed' }).apply(words);
  const ngrams = tf.layers.conv1d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu', name: 'ngrams' }).apply(embedded);
  const pooled = tf.layers.globalMaxPooling1d({ name: 'pool' }).apply(ngrams);
  const topic = tf.layers.dense({ units: 4, activation: 'softmax', name: 'topic' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: words, outputs: topic, name: 'headline_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
