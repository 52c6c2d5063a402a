/**
 * Bug zoo: norm-before-masking.
 *
 * A motion classifier: a padded track of 2-D object features (20 steps x 16 features, padded
 * with 0) is standardised with the dataset's mean and spread, masked, summarised by an LSTM and
 * classified.
 *
 *   track -> track_norm (rescaling) -> track_norm_mask (masking, maskValue 0) -> motion (LSTM 64) -> label
 *
 * BUG: the standardisation runs BEFORE the Masking layer. A padded step of zeros becomes
 * -mean/std, no longer equals maskValue 0, so nothing is masked: the LSTM reads every padded
 * step as real motion, and the summary depends on how much padding a track got.
 * Caught by: `masking`, at `track_norm` (the scaling layer; its output feeds the mask).
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const CLASSES = 6;
/** Dataset statistics of the raw features (the same for every feature here, for brevity). */
const MEAN = 0.5;
const STD = 0.29;

export default function buildMotionClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const scaled = tf.layers.rescaling({ scale: 1 / STD, offset: -MEAN / STD, name: 'track_norm' }).apply(track);
  const masked = tf.layers.masking({ maskValue: 0, name: 'track_norm_mask' }).apply(scaled);
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(masked);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(motion) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: label, name: 'motion_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
