/**
 * Bug zoo: batch-stat-norm.
 *
 * A motion classifier whose raw features have wildly different scales: the user's own layer
 * standardises them before the LSTM.
 *
 *   track -> standardize (Standardize) -> motion (LSTM 64) -> label
 *
 * BUG: Standardize takes the mean and variance over the batch and time axes of whatever batch it
 * gets, also at inference (a hand-made batch norm without running statistics). A sample's
 * prediction then depends on the other samples it is batched with, and a sample served alone is
 * normalised by its own statistics.
 * Caught by: `batch-independence`, at `standardize`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const CLASSES = 6;

/** (x - mean) / std per feature. */
export class Standardize extends tf.layers.Layer {
  static className = 'Standardize';

  constructor(config: { name?: string } = {}) {
    super(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      // Statistics of this batch (axis 0) and all its steps (axis 1).
      const { mean, variance } = tf.moments(x, [0, 1], true);
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    });
  }
}
tf.serialization.registerClass(Standardize);

export default function buildMotionClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const standardized = new Standardize({ name: 'standardize' }).apply(track);
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(standardized);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(motion) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: label, name: 'motion_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
