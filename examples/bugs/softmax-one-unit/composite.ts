/**
 * Bug zoo: softmax-one-unit.
 *
 * A fall detector for a wrist-worn sensor: a window of IMU readings (20 steps, 12 channels) is
 * summarised by an LSTM, and a one-unit head gives the probability that the window holds a fall.
 *
 *   imu -> encoder (LSTM 64) -> fall (Dense 1, softmax)
 *
 * BUG: the head uses `activation: 'softmax'` on a single unit (a multi-class head cut down to one
 * output). A softmax over one logit is exp(z) / exp(z) = 1, so every window is a fall with
 * probability exactly 1.0, whatever the sensor says; binaryCrossentropy against 0/1 labels has a
 * zero gradient through it, so the model never learns. (One unit wants 'sigmoid'.)
 * Caught by: `output-activation`, at `fall`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const CHANNELS = 12;

export default function buildFallDetector(): tf.LayersModel {
  const imu = tf.input({ shape: [STEPS, CHANNELS], name: 'imu' });
  const encoded = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(imu);
  const fall = tf.layers.dense({ units: 1, activation: 'softmax', name: 'fall' }).apply(encoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: imu, outputs: fall, name: 'fall_detector' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}
