/**
 * Bug zoo, near miss: ok-small-classifier (the corrected twin of softmax-one-unit).
 *
 * A small churn classifier on 20 customer features, the kind of model most Stack Overflow
 * questions are about: two small dense layers and a sigmoid output. Nothing in it is expensive.
 *
 *   features -> dense (32, relu) -> dense (16, relu) -> churn (1, sigmoid)
 *
 * Correct: one sigmoid unit under binaryCrossentropy.
 * Expected: no error from any check (with nothing to stub, the model is checked as it is).
 */
import * as tf from '@tensorflow/tfjs';

export default function buildChurnClassifier(): tf.LayersModel {
  const model = tf.sequential({ name: 'churn_classifier' });
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [20], name: 'first' }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'second' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'churn' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
