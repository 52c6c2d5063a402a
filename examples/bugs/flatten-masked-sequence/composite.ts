/**
 * Bug zoo: flatten-masked-sequence.
 *
 * A keystroke-dynamics classifier: a padded sequence of keystroke timings (20 steps x 16, padded
 * with 0) is masked and encoded by an LSTM; all its states are flattened into one vector for a
 * dense head.
 *
 *   keys -> keys_mask (masking) -> encoder (LSTM 64, sequences) -> flat (flatten) -> head (Dense 32) -> label
 *
 * BUG: Flatten ignores the mask: the head sees every step's state, the padded ones included (the
 * last real state repeated, or zeros with pre-padding), and at a different position for every
 * length of padding. The prediction depends on where and how much the sequence was padded.
 * Caught by: `masking`, at `flat`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const USERS = 8;

export default function buildKeystrokeClassifier(): tf.LayersModel {
  const keys = tf.input({ shape: [STEPS, FEATURES], name: 'keys' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'keys_mask' }).apply(keys);
  const states = tf.layers.lstm({ units: 64, returnSequences: true, name: 'encoder' }).apply(masked);
  const flat = tf.layers.flatten({ name: 'flat' }).apply(states);
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'head' }).apply(flat);
  const label = tf.layers.dense({ units: USERS, activation: 'softmax', name: 'label' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: keys, outputs: label, name: 'keystroke_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
