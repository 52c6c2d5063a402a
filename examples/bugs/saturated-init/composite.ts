/**
 * Bug zoo: saturated-init.
 *
 * A product categoriser (10 categories), wide and deep: the title (16 token ids) is embedded and
 * summarised by an LSTM, joined with 64 numeric catalogue attributes (scaled to [0, 1]), and a
 * softmax head reads the 128 joined features.
 *
 *   title      -> embed (Embedding 1000 x 32) -> title_rnn (LSTM 64) --+
 *                                                                      +-> join -> category (Dense 10, softmax)
 *   attributes ---------------------------------------------------------+
 *
 * BUG: the head's `kernelInitializer` is `randomNormal({ mean: 0, stddev: 10 })`, a value copied
 * from a config where it meant something else. On 128 inputs of order 1 the initial logits have a
 * spread in the tens, so the softmax starts saturated: the untrained model is confidently wrong,
 * the initial loss is far above ln 10 (about 2.3), and the first epochs only undo the init
 * (gradients through a saturated softmax are tiny for every class but one).
 * Caught by: `initial-loss` (warning), at `category`.
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
  const category = tf.layers
    .dense({
      units: CATEGORIES,
      activation: 'softmax',
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 10 }),
      name: 'category',
    })
    .apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [title, attributes], outputs: category, name: 'product_categoriser' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
