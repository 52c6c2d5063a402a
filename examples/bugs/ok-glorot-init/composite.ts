/**
 * Bug zoo, near miss: ok-glorot-init (the corrected twin of saturated-init).
 *
 * A product categoriser (10 categories), wide and deep: the title (16 token ids) is embedded and
 * summarised by an LSTM, joined with 64 numeric catalogue attributes (scaled to [0, 1]), and a
 * softmax head reads the 128 joined features.
 *
 *   title      -> embed (Embedding 1000 x 32) -> title_rnn (LSTM 64) --+
 *                                                                      +-> join -> category (Dense 10, softmax)
 *   attributes ---------------------------------------------------------+
 *
 * Correct: the head keeps the default kernel initializer (Glorot uniform, scaled by fan-in and
 * fan-out), so the initial logits are small, the untrained softmax is close to uniform and the
 * initial loss is close to ln 10.
 * Expected: no error from any check, and no `initial-loss` warning.
 */
import * as tf from '@tensorflow/tfjs';

const TITLE_STEPS = 16;
const VOCAB = 1000;
const ATTRIBUTES = 64;
const CATEGORIES = 10;

export default function buildProductCategoriser(): tf.LayersModel {
  const title = tf.input({ shape: [TITLE_STEPS], dtype: 'int32', name: 'title' });
  const attributes = tf.input({ shape: [ATTRIBUTES], name: 'attributes' });
  const embedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: 32, name: 'embed' }).apply(title);
  const summary = tf.layers.lstm({ units: 64, name: 'title_rnn' }).apply(embedded) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'join' }).apply([summary, attributes]);
  const category = tf.layers.dense({ units: CATEGORIES, activation: 'softmax', name: 'category' }).apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [title, attributes], outputs: category, name: 'product_categoriser' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
