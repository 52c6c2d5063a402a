/**
 * Bug zoo: stale-mask-into-decoder (near miss: ok-seq2seq-states).
 *
 * A date translator, encoder-decoder, whose source sentences are now padded with 0 (maskZero on
 * the encoder's embedding): the encoder LSTM returns its final states, which start the decoder.
 *
 *   source (0-padded) -> enc_embed (maskZero) -> encoder (returnState) -> [h, c]
 *   target_in -> dec_embed -> decoder (initialState [h, c]) -> chars
 *
 * Bug: tfjs's graph executor hands the last mask it saw to every later layer: the decoder gets the
 * encoder's source mask, so it skips target steps wherever the source was padded (Keras would give
 * it none). The decoder's output depends on how the source was padded.
 * Expected: mask-provenance reports the decoder receiving the mask made by 'enc_embed'.
 */
import * as tf from '@tensorflow/tfjs';

const SOURCE_CHARS = 40;
const TARGET_CHARS = 13;

export const mini = { inputs: { target_in: { int: [1, TARGET_CHARS], causal: true } } };

export default function buildDateTranslator(): tf.LayersModel {
  const source = tf.input({ shape: [12], dtype: 'int32', name: 'source' });
  const targetIn = tf.input({ shape: [10], dtype: 'int32', name: 'target_in' });
  const encEmbed = tf.layers.embedding({ inputDim: SOURCE_CHARS, outputDim: 32, maskZero: true, name: 'enc_embed' }).apply(source) as tf.SymbolicTensor;
  const [, h, c] = tf.layers.lstm({ units: 128, returnState: true, name: 'encoder' }).apply(encEmbed) as tf.SymbolicTensor[];
  const decEmbed = tf.layers.embedding({ inputDim: TARGET_CHARS, outputDim: 32, name: 'dec_embed' }).apply(targetIn) as tf.SymbolicTensor;
  const decoded = tf.layers.lstm({ units: 128, returnSequences: true, name: 'decoder' }).apply(decEmbed, { initialState: [h!, c!] }) as tf.SymbolicTensor;
  const chars = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: TARGET_CHARS, activation: 'softmax' }), name: 'chars' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [source, targetIn], outputs: chars, name: 'date_translator' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
