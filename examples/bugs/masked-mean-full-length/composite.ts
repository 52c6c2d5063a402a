/**
 * Bug zoo: masked-mean-full-length.
 *
 * A variable-length activity classifier: accelerometer sequences of any length (padded with 0 to
 * the longest in the batch) are masked, encoded by an LSTM, and averaged over the real steps by
 * the user's own masked-mean layer.
 *
 *   accel -> accel_mask (masking) -> encoder (LSTM 64, sequences) -> masked_mean (MaskedMean) -> head (Dense 256) -> label
 *
 * BUG: MaskedMean zeroes the padded steps correctly but divides by the full (padded) length
 * instead of the number of real steps. The same recording gives a smaller mean, and another
 * label, when it is batched with a longer one.
 * Caught by: `masking` (the same content with more padding), at `masked_mean`.
 */
import * as tf from '@tensorflow/tfjs';

const FEATURES = 16;
const ACTIVITIES = 6;

/** Batches are padded at the end, to the longest recording in the batch. */
export const mini = { inputs: { accel: { padding: 'post' } } };

/** Mean over the real (unmasked) steps of [batch, steps, width]. */
export class MaskedMean extends tf.layers.Layer {
  static className = 'MaskedMean';

  constructor(config: { name?: string } = {}) {
    super(config);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override computeMask(): tf.Tensor {
    // No time axis left, so no mask (tfjs's own layers return null; the declared type does not say so).
    return null as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: tf.Tensor }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const mask = kwargs.mask ? tf.cast(kwargs.mask, 'float32').expandDims(-1) : tf.onesLike(x.slice([0, 0, 0], [-1, -1, 1]));
      const summed = tf.sum(tf.mul(x, mask), 1);
      // Divides by every step, padded ones included: should be tf.sum(mask, 1).
      return tf.div(summed, x.shape[1]);
    });
  }
}
tf.serialization.registerClass(MaskedMean);

export default function buildActivityClassifier(): tf.LayersModel {
  const accel = tf.input({ shape: [null, FEATURES], name: 'accel' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'accel_mask' }).apply(accel);
  const states = tf.layers.lstm({ units: 64, returnSequences: true, name: 'encoder' }).apply(masked);
  const mean = new MaskedMean({ name: 'masked_mean' }).apply(states);
  const hidden = tf.layers.dense({ units: 256, activation: 'relu', name: 'head' }).apply(mean);
  const label = tf.layers.dense({ units: ACTIVITIES, activation: 'softmax', name: 'label' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: accel, outputs: label, name: 'activity_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
