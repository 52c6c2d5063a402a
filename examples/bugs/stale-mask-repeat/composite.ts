/**
 * Bug zoo: stale-mask-repeat.
 *
 * A sequence autoencoder for anomaly detection on tracks: the masked track (20 steps x 16,
 * padded with 0 at the end) is encoded by an LSTM into one code, the code is repeated 20 times,
 * and a decoder LSTM reconstructs the track in reverse order (last step first, as in Srivastava
 * et al.'s LSTM autoencoders).
 *
 *   track -> track_mask (masking) -> encoder (LSTM 64) -> repeat (repeatVector 20)
 *         -> decoder (LSTM 64, sequences, goBackwards) -> recon (Dense 16 per step)
 *
 * BUG (tfjs's, triggered by the wiring): the encoder (no returnSequences) and repeatVector drop
 * the mask under Keras rules, but tfjs's executor still hands track_mask's mask to the decoder.
 * Running backwards, the decoder now skips the padded tail instead of running through it, so it
 * reaches the real steps from another state: the reconstruction of the real steps is not what
 * the decoder computes in Keras (or in training code that calls it directly), and it changes with
 * the padding.
 * Caught by: `mask-provenance` (error: it changes the output), at `decoder`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;

export default function buildTrackAutoencoder(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'track_mask' }).apply(track);
  const code = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(masked);
  const repeated = tf.layers.repeatVector({ n: STEPS, name: 'repeat' }).apply(code);
  const decoded = tf.layers.lstm({ units: 64, returnSequences: true, goBackwards: true, name: 'decoder' }).apply(repeated);
  const recon = tf.layers.dense({ units: FEATURES, name: 'recon' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: recon, name: 'track_autoencoder' });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
