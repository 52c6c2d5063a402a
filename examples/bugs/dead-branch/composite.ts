/**
 * Bug zoo: dead-branch.
 *
 * A motion classifier that should also use the object's static metadata: the track goes through
 * an LSTM, the metadata through a dense layer, the two are joined, and a head classifies.
 *
 *   track -> motion (LSTM 64) --------------------------------> label
 *   meta  -> meta_proj -> join (with motion)   (never used)
 *
 * BUG: the head is applied to `motion` instead of `joined`. The metadata branch is built, the
 * model still takes `meta` as an input, and nothing fails, but `meta` influences no output and
 * its weights never train.
 * Caught by: `input-relevance`, at `meta`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const CLASSES = 6;

export default function buildMotionClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const meta = tf.input({ shape: [8], name: 'meta' });
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(track) as tf.SymbolicTensor;
  const metaFeatures = tf.layers.dense({ units: 32, activation: 'relu', name: 'meta_proj' }).apply(meta) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'join' }).apply([motion, metaFeatures]) as tf.SymbolicTensor;
  // Meant: .apply(joined).
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(motion) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [track, meta], outputs: label, name: 'motion_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
