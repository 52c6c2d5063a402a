/**
 * Bug zoo: sigmoid-categorical.
 *
 * A flower classifier (5 species, one per photo): a small CNN reads 16 x 16 RGB crops, global
 * average pooling summarises the feature map, and a dense head scores the species. Labels are
 * one-hot.
 *
 *   photo -> conv1 (Conv2D 16) -> pool1 -> conv2 (Conv2D 80) -> pool2 -> gap -> species (Dense 5, sigmoid)
 *
 * BUG: the head uses `activation: 'sigmoid'` (copied from a multi-label model) under
 * `categoricalCrossentropy`. The five outputs are independent and do not sum to 1; tfjs's
 * categoricalCrossentropy quietly renormalises them, so the loss sees only their ratios and the
 * scores the app shows are not probabilities. One species per photo wants 'softmax'.
 * Caught by: `output-activation`, at `species`.
 */
import * as tf from '@tensorflow/tfjs';

const SIZE = 16;
const SPECIES = 5;

export default function buildFlowerClassifier(): tf.LayersModel {
  const photo = tf.input({ shape: [SIZE, SIZE, 3], name: 'photo' });
  const c1 = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }).apply(photo);
  const p1 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(c1);
  const c2 = tf.layers.conv2d({ filters: 80, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }).apply(p1);
  const p2 = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(c2);
  const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(p2);
  const species = tf.layers.dense({ units: SPECIES, activation: 'sigmoid', name: 'species' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: photo, outputs: species, name: 'flower_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
