/**
 * Bug zoo, near miss: ok-seq2seq-states (the corrected twin of stale-mask-into-decoder).
 *
 * A date translator ("3 March 2021" -> "2021-03-03"), encoder-decoder: the encoder LSTM returns
 * its final states (returnState), which start the decoder LSTM (initialState); the decoder reads
 * the target shifted right (teacher forcing) and a softmax over the output characters follows.
 *
 *   source -> enc_embed -> encoder (returnState) -> [h, c]
 *   target_in -> dec_embed -> decoder (initialState [h, c]) -> chars
 *
 * Correct: the source is fixed-length and unpadded, so no mask exists to go astray.
 * Expected: no error from any check (both LSTMs keep their states in the twin).
 */
import * as tf from '@tensorflow/tfjs';

const SOURCE_CHARS = 40;
const TARGET_CHARS = 13;

export const mini = { inputs: { target_in: { int: [1, TARGET_CHARS], causal: true } } };

export default function buildDateTranslator(): tf.LayersModel {
  const source = tf.input({ shape: [12], dtype: 'int32', name: 'source' });
  const targetIn = tf.input({ shape: [10], dtype: 'int32', name: 'target_in' });
  const encEmbed = tf.layers.embedding({ inputDim: SOURCE_CHARS, outputDim: 32, name: 'enc_embed' }).apply(source) as tf.SymbolicTensor;
  const [, h, c] = tf.layers.lstm({ units: 128, returnState: true, name: 'encoder' }).apply(encEmbed) as tf.SymbolicTensor[];
  const decEmbed = tf.layers.embedding({ inputDim: TARGET_CHARS, outputDim: 32, name: 'dec_embed' }).apply(targetIn) as tf.SymbolicTensor;
  const decoded = tf.layers.lstm({ units: 128, returnSequences: true, name: 'decoder' }).apply(decEmbed, { initialState: [h!, c!] }) as tf.SymbolicTensor;
  const chars = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: TARGET_CHARS, activation: 'softmax' }), name: 'chars' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [source, targetIn], outputs: chars, name: 'date_translator' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
