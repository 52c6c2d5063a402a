/**
 * Bug zoo, near miss: ok-norm-after-masking (the corrected twin of norm-before-masking).
 *
 * A motion classifier: a padded track (20 steps x 16 features, padded with 0) is masked FIRST,
 * then standardised by the user's own mask-aware layer, then summarised by an LSTM.
 *
 *   track -> track_mask (masking, maskValue 0) -> track_norm (MaskedStandardize) -> motion (LSTM 64) -> label
 *
 * Correct: the mask is made from the raw values, where padding still equals 0. The scaling layer
 * changes padded steps too, but it passes the mask on (`supportsMasking = true`, values per step,
 * time axis untouched), so the LSTM still skips them.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const CLASSES = 6;
const MEAN = 0.5;
const STD = 0.29;

/** (x - mean) / std with dataset statistics; a per-step op, so the mask stays valid. */
export class MaskedStandardize extends tf.layers.Layer {
  static className = 'MaskedStandardize';
  readonly mean: number;
  readonly std: number;

  constructor(config: { mean: number; std: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.mean = config.mean;
    this.std = config.std;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.div(tf.sub(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.mean), this.std));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.mean, std: this.std };
  }
}
tf.serialization.registerClass(MaskedStandardize);

export default function buildMotionClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'track_mask' }).apply(track);
  const scaled = new MaskedStandardize({ mean: MEAN, std: STD, name: 'track_norm' }).apply(masked);
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(scaled);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(motion) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: label, name: 'motion_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
