/**
 * Bug zoo: dead-relu.
 *
 * A gesture classifier for a smart-watch: an IMU window (20 steps, 12 channels) is summarised by
 * an LSTM, squeezed through a small ReLU bottleneck, and classified into 6 gestures.
 *
 *   imu -> encoder (LSTM 64) -> bottleneck (Dense 32, relu) -> gesture (Dense 6, softmax)
 *
 * BUG: the bottleneck's `biasInitializer` is `constant({ value: -20 })`, a misread config (the
 * value was meant for something else). The encoder's summary is in [-1, 1], so each pre-activation
 * is at most 64 x 0.25 - 20 < 0: every ReLU unit outputs 0 on any input, the head sees a constant,
 * and no gradient reaches the bottleneck or the encoder, so the model never trains.
 * Caught by: `activation-health` (warning), at `bottleneck`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const CHANNELS = 12;
const GESTURES = 6;

export default function buildGestureClassifier(): tf.LayersModel {
  const imu = tf.input({ shape: [STEPS, CHANNELS], name: 'imu' });
  const encoded = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(imu);
  const squeezed = tf.layers
    .dense({ units: 32, activation: 'relu', biasInitializer: tf.initializers.constant({ value: -20 }), name: 'bottleneck' })
    .apply(encoded);
  const gesture = tf.layers.dense({ units: GESTURES, activation: 'softmax', name: 'gesture' }).apply(squeezed) as tf.SymbolicTensor;
  const model = tf.model({ inputs: imu, outputs: gesture, name: 'gesture_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
