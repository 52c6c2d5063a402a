/**
 * Bug zoo, near miss: ok-relu-default-bias (the corrected twin of dead-relu).
 *
 * A gesture classifier for a smart-watch: an IMU window (20 steps, 12 channels) is summarised by
 * an LSTM, squeezed through a small ReLU bottleneck, and classified into 6 gestures.
 *
 *   imu -> encoder (LSTM 64) -> bottleneck (Dense 32, relu) -> gesture (Dense 6, softmax)
 *
 * Correct: the bottleneck keeps the default bias (zeros), so with its Glorot kernel about half of
 * its ReLU units are active on a given input, and which ones depends on the input.
 * Expected: no error from any check, and no `activation-health` warning.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const CHANNELS = 12;
const GESTURES = 6;

export default function buildGestureClassifier(): tf.LayersModel {
  const imu = tf.input({ shape: [STEPS, CHANNELS], name: 'imu' });
  const encoded = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(imu);
  const squeezed = tf.layers.dense({ units: 32, activation: 'relu', name: 'bottleneck' }).apply(encoded);
  const gesture = tf.layers.dense({ units: GESTURES, activation: 'softmax', name: 'gesture' }).apply(squeezed) as tf.SymbolicTensor;
  const model = tf.model({ inputs: imu, outputs: gesture, name: 'gesture_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
