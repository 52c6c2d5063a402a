/**
 * Bug zoo, near miss: ok-mask-not-equal (the corrected twin of inverted-mask).
 *
 * A vehicle-manoeuvre classifier: object tracks (20 steps, 16 features, zero-padded where the
 * object was not seen) go through the user's own masking layer, which marks the padded steps for
 * the LSTM to skip; the LSTM summary is classified into 4 manoeuvres.
 *
 *   track -> pad_mask (PadMask) -> motion (LSTM 64) -> manoeuvre
 *
 * Correct: PadMask's `computeMask` returns `tf.notEqual(tf.sum(tf.abs(x), -1), 0)`, true at the
 * real steps, so the LSTM steps through the track and holds its states on the padding only.
 * Expected: no error from any check, and no `sequence-states` warning.
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
      // True where the step has any non-zero feature, i.e. at the real steps.
      return tf.notEqual(tf.sum(tf.abs(x), -1), 0);
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
