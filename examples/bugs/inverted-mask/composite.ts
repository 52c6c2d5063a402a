/**
 * Bug zoo: inverted-mask.
 *
 * A vehicle-manoeuvre classifier: object tracks (20 steps, 16 features, zero-padded where the
 * object was not seen) go through the user's own masking layer, which marks the padded steps for
 * the LSTM to skip; the LSTM summary is classified into 4 manoeuvres.
 *
 *   track -> pad_mask (PadMask) -> motion (LSTM 64) -> manoeuvre
 *
 * BUG: PadMask's `computeMask` returns `tf.equal(tf.sum(tf.abs(x), -1), 0)`, true at the PADDED
 * steps (a Keras mask is true where a step is real; the right test is `notEqual`). The mask is
 * inverted: the LSTM steps through the padding and holds its states still on every real step, so
 * the summary of a fully observed track is the initial state and the manoeuvre ignores the data.
 * Caught by: `sequence-states`, at `motion`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const MANOEUVRES = 4;

/** Tracks are padded with all-zero steps where the object was not seen. */
export const mini = { inputs: { track: { pad: 0 } } };

/** Passes the values through and masks the all-zero (padded) steps. */
export class PadMask extends tf.layers.Layer {
  static className = 'PadMask';

  constructor(config: { name?: string } = {}) {
    super(config);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      // True where the step is all zeros, i.e. at the padding: inverted (should be tf.notEqual).
      return tf.equal(tf.sum(tf.abs(x), -1), 0);
    });
  }
}
tf.serialization.registerClass(PadMask);

export default function buildManoeuvreClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const masked = new PadMask({ name: 'pad_mask' }).apply(track);
  const summary = tf.layers.lstm({ units: 64, name: 'motion' }).apply(masked);
  const manoeuvre = tf.layers.dense({ units: MANOEUVRES, activation: 'softmax', name: 'manoeuvre' }).apply(summary) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: manoeuvre, name: 'manoeuvre_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
