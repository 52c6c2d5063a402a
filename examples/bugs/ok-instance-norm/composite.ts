/**
 * Bug zoo, near miss: ok-instance-norm (the corrected twin of batch-stat-norm).
 *
 * A motion classifier whose raw features have wildly different scales: the user's own layer
 * standardises each track by its own statistics before the LSTM.
 *
 *   track -> standardize (InstanceStandardize) -> motion (LSTM 64) -> label
 *
 * Correct: the mean and variance are taken over the time axis of each sample (axis 1) only, never
 * over the batch, so a track gets the same prediction alone or in any batch.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const CLASSES = 6;

/** (x - mean) / std per sample and feature, over time. */
export class InstanceStandardize extends tf.layers.Layer {
  static className = 'InstanceStandardize';

  constructor(config: { name?: string } = {}) {
    super(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const { mean, variance } = tf.moments(x, 1, true);
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    });
  }
}
tf.serialization.registerClass(InstanceStandardize);

export default function buildMotionClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const standardized = new InstanceStandardize({ name: 'standardize' }).apply(track);
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(standardized);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(motion) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: label, name: 'motion_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
