/**
 * Bug zoo, near miss: ok-pad-mask-from-ids (the corrected twin of padded-ids-one-side).
 *
 * The same headline classifier, padded at the end with id 0 to 40 steps, masks the padding
 * itself: no Keras mask, but the user's own layer takes the ids beside the conv features and
 * averages the features over the steps whose id is not 0.
 *
 *   words -> embed (Embedding 3000 x 64) -> ngrams (Conv1D 128, 'valid' 1) -> mean_of_words (MeanOfWords, reads words) -> topic (softmax)
 *
 * Correct: padded steps are weighted 0 and the mean divides by the real steps, so whatever the
 * padded steps hold, the topic does not change.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 40;
const VOCAB = 3000;

/** Real ids are 1..2999; the pipeline pads at the end with 0. */
export const mini = { inputs: { words: { int: [1, VOCAB], pad: 0, padding: 'post' } } };

/** Mean of [batch, steps, width] features over the steps whose id ([batch, steps]) is not 0. */
export class MeanOfWords extends tf.layers.Layer {
  static className = 'MeanOfWords';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const features = (inputShape as tf.Shape[])[1] as tf.Shape;
    return [features[0] ?? null, features[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [ids, features] = inputs as [tf.Tensor2D, tf.Tensor3D];
      const real = tf.cast(tf.notEqual(ids, 0), 'float32').expandDims(-1);
      return tf.div(tf.sum(tf.mul(features, real), 1), tf.maximum(tf.sum(real, 1), 1));
    });
  }
}
tf.serialization.registerClass(MeanOfWords);

export default function buildHeadlineClassifier(): tf.LayersModel {
  const words = tf.input({ shape: [STEPS], dtype: 'int32', name: 'words' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 64, name: 'embed' }).apply(words);
  // A kernel of 1: each step's features are its own word's (a wider kernel would read the padding next to the last word).
  const ngrams = tf.layers.conv1d({ filters: 128, kernelSize: 1, activation: 'relu', name: 'ngrams' }).apply(embedded);
  const mean = new MeanOfWords({ name: 'mean_of_words' }).apply([words, ngrams as tf.SymbolicTensor]);
  const topic = tf.layers.dense({ units: 4, activation: 'softmax', name: 'topic' }).apply(mean) as tf.SymbolicTensor;
  const model = tf.model({ inputs: words, outputs: topic, name: 'headline_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
