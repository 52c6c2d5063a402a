/**
 * Bug zoo: avgpool-over-padding.
 *
 * An activity classifier: a padded sequence of accelerometer features (20 steps x 16, padded with
 * 0 at the end) is masked, encoded step by step by an LSTM, averaged over time, and classified.
 *
 *   accel -> accel_mask (masking) -> encoder (LSTM 64, sequences) -> pool (globalAveragePooling1d) -> head (Dense 256) -> label
 *
 * BUG: tfjs's GlobalAveragePooling1D ignores the mask: padded steps are averaged in (a masked
 * LSTM step repeats the previous output, so the last real step is counted once per padded step,
 * and with pre-padding zeros are). The average, and the prediction, depend on the padding.
 * Caught by: `masking`, at `pool`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const ACTIVITIES = 6;

export default function buildActivityClassifier(): tf.LayersModel {
  const accel = tf.input({ shape: [STEPS, FEATURES], name: 'accel' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'accel_mask' }).apply(accel);
  const encoded = tf.layers.lstm({ units: 64, returnSequences: true, name: 'encoder' }).apply(masked);
  const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(encoded);
  const hidden = tf.layers.dense({ units: 256, activation: 'relu', name: 'head' }).apply(pooled);
  const label = tf.layers.dense({ units: ACTIVITIES, activation: 'softmax', name: 'label' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: accel, outputs: label, name: 'activity_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
