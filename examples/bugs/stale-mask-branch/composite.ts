/**
 * Bug zoo: stale-mask-branch.
 *
 * A pedestrian-intent model with two sequence inputs of the same length: the track (20 steps,
 * padded with 0 where the object was not yet seen) is masked and read by one LSTM; the ego
 * vehicle's own motion (always 20 real steps, nothing padded, no mask) is read by another; the two
 * summaries are joined and classified.
 *
 *   ego   -> ego_rnn (LSTM 64) -------------------------+
 *                                                       +-> join [ego first] -> intent
 *   track -> track_mask (masking) -> motion (LSTM 64) --+
 *
 * BUG (tfjs's, triggered by the wiring): tfjs's graph executor hands the last mask it saw on to
 * every later layer. With the join listing the ego summary first, tfjs runs track_mask before
 * ego_rnn, so `ego_rnn` receives track_mask's mask although its own input carries none: it skips
 * the ego steps where the TRACK was padded, and the intent changes with the track's padding.
 * Keras would give ego_rnn no mask. (Joining [motion, egoMotion] instead happens to hide it: the
 * order of the merge's inputs decides tfjs's execution order, not the order of model inputs.)
 * Caught by: `mask-provenance` (error: it changes the output), at `ego_rnn`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const INTENTS = 3;

export default function buildIntentModel(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const ego = tf.input({ shape: [STEPS, FEATURES], name: 'ego' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'track_mask' }).apply(track);
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(masked) as tf.SymbolicTensor;
  const egoMotion = tf.layers.lstm({ units: 64, name: 'ego_rnn' }).apply(ego) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'join' }).apply([egoMotion, motion]);
  const intent = tf.layers.dense({ units: INTENTS, activation: 'softmax', name: 'intent' }).apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [track, ego], outputs: intent, name: 'intent_model' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
