/**
 * Bug zoo, near miss: ok-categorical-feature (the corrected twin of dead-branch).
 *
 * Store sales: a weekday (7 classes, an id into a small embedding) beside 24 numeric features.
 *
 *   weekday -> day (Embedding 7 x 4) -> flatten --+
 *   features -------------------------------------+-- joined -> hidden -> sales
 *
 * Correct: both inputs reach the output. (Drawing other values for a 7-class input must really
 * give other classes: a second draw of the same class would make the weekday look irrelevant.)
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

export const mini = { inputs: { weekday: { int: [0, 7] } } };

export default function buildSalesModel(): tf.LayersModel {
  const weekday = tf.input({ shape: [1], dtype: 'int32', name: 'weekday' });
  const features = tf.input({ shape: [24], name: 'features' });
  const day = tf.layers.embedding({ inputDim: 7, outputDim: 4, name: 'day' }).apply(weekday) as tf.SymbolicTensor;
  const dayVec = tf.layers.flatten({ name: 'day_vec' }).apply(day) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'joined' }).apply([dayVec, features]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 512, activation: 'relu', name: 'hidden' }).apply(joined) as tf.SymbolicTensor;
  const sales = tf.layers.dense({ units: 1, name: 'sales' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [weekday, features], outputs: sales, name: 'sales' });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
