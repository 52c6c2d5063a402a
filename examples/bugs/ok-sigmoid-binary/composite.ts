/**
 * Bug zoo, near miss: ok-sigmoid-binary (the corrected twin of softmax-one-unit).
 *
 * A fall detector for a wrist-worn sensor: a window of IMU readings (20 steps, 12 channels) is
 * summarised by an LSTM, and a one-unit head gives the probability that the window holds a fall.
 *
 *   imu -> encoder (LSTM 64) -> fall (Dense 1, sigmoid)
 *
 * Correct: the single output unit uses `activation: 'sigmoid'`, a probability in (0, 1) that
 * matches binaryCrossentropy.
 * Expected: no error from any check, and no `output-activation` warning.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const CHANNELS = 12;

export default function buildFallDetector(): tf.LayersModel {
  const imu = tf.input({ shape: [STEPS, CHANNELS], name: 'imu' });
  const encoded = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(imu);
  const fall = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'fall' }).apply(encoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: imu, outputs: fall, name: 'fall_detector' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}
