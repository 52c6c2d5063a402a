/**
 * Bug zoo: pyramid-keeps-mask.
 *
 * A gesture classifier with a pyramidal listener (as in Listen, Attend and Spell): a padded
 * sequence of sensor frames (20 steps x 16 features, padded with 0 at the end) is masked, every
 * two neighbouring steps are merged into one (halving the time axis), read by a small LSTM, and
 * classified by a pretrained classifier head (a nested model).
 *
 *   frames -> frames_mask (masking) -> pyramid (PairSteps: [20, 16] -> [10, 32]) -> listener (LSTM 16) -> classifier
 *
 * BUG: PairSteps halves the time axis but sets `supportsMasking = true` with the default
 * `computeMask`, so the 20-step mask goes on unchanged. tfjs raises no error: the LSTM reads the
 * first 10 entries of the 20-step mask, so for a short gesture it treats merged padding steps as
 * real, and for pre-padded input it skips the real steps altogether.
 * Caught by: `masking`, at `pyramid`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const GESTURES = 6;

/** Merges every two neighbouring time steps into one: [batch, t, f] -> [batch, t / 2, 2 f]. */
export class PairSteps extends tf.layers.Layer {
  static className = 'PairSteps';

  constructor(config: { name?: string } = {}) {
    super(config);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, steps, features] = inputShape as tf.Shape;
    return [batch ?? null, steps == null ? null : Math.floor(steps / 2), features == null ? null : features * 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [batch, steps, features] = x.shape;
      return tf.reshape(x, [batch, Math.floor(steps / 2), features * 2]);
    });
  }
}
tf.serialization.registerClass(PairSteps);

/** A pretrained classifier head, applied as one layer. */
function buildClassifier(): tf.Sequential {
  return tf.sequential({
    name: 'classifier',
    layers: [
      tf.layers.dense({ inputShape: [16], units: 32, activation: 'relu', name: 'classifier_hidden' }),
      tf.layers.dense({ units: GESTURES, activation: 'softmax', name: 'classifier_out' }),
    ],
  });
}

export default function buildGestureClassifier(): tf.LayersModel {
  const frames = tf.input({ shape: [STEPS, FEATURES], name: 'frames' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'frames_mask' }).apply(frames);
  const paired = new PairSteps({ name: 'pyramid' }).apply(masked);
  const listened = tf.layers.lstm({ units: 16, name: 'listener' }).apply(paired) as tf.SymbolicTensor;
  const gesture = buildClassifier().apply(listened) as tf.SymbolicTensor;
  const model = tf.model({ inputs: frames, outputs: gesture, name: 'gesture_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
