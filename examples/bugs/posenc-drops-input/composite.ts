/**
 * Bug zoo: posenc-drops-input.
 *
 * A small translation model: the source sentence is encoded by an LSTM into one vector; the
 * decoder reads the (shifted) target tokens, embedded and given sinusoidal positions by the
 * user's own layer, next to a copy of the source vector at every step, and predicts each next
 * token.
 *
 *   source -> src_embed -> encoder (LSTM 64) -> repeat --------------+
 *   target -> tgt_embed -> pos_enc (PositionalEncoding) -------------+-> join -> decoder (LSTM 64) -> logits
 *
 * BUG: PositionalEncoding returns the positional table broadcast to the input's shape instead of
 * adding it to the input (`broadcastTo(table, x.shape)` where `x + table` was meant). The target
 * tokens only lend their shape: the decoder never sees which tokens came before, so `target`
 * influences no output.
 * Caught by: `input-relevance`, at `target`.
 */
import * as tf from '@tensorflow/tfjs';

const SOURCE_STEPS = 24;
const TARGET_STEPS = 16;
const VOCAB = 64;
const WIDTH = 32;

/** Adds the sinusoidal position code of Vaswani et al. to [batch, steps, width] features. */
export class PositionalEncoding extends tf.layers.Layer {
  static className = 'PositionalEncoding';

  constructor(config: { name?: string } = {}) {
    super(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [, steps, width] = x.shape;
      const positions = tf.range(0, steps).reshape([steps, 1]);
      const rates = tf.pow(10000, tf.range(0, width).div(width).floor().mul(-2 / width)).reshape([1, width]);
      const angles = tf.mul(positions, rates);
      const even = tf.range(0, width).mod(2).equal(0).reshape([1, width]);
      const table = tf.where(tf.broadcastTo(even, [steps, width]), tf.sin(angles), tf.cos(angles));
      // Meant: tf.add(x, table). This returns the table alone, in x's shape.
      return tf.broadcastTo(table, x.shape);
    });
  }
}
tf.serialization.registerClass(PositionalEncoding);

export default function buildTranslator(): tf.LayersModel {
  const source = tf.input({ shape: [SOURCE_STEPS], dtype: 'int32', name: 'source' });
  const target = tf.input({ shape: [TARGET_STEPS], dtype: 'int32', name: 'target' });

  const sourceEmbedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: WIDTH, name: 'src_embed' }).apply(source);
  const context = tf.layers.lstm({ units: 64, name: 'encoder' }).apply(sourceEmbedded);
  const repeated = tf.layers.repeatVector({ n: TARGET_STEPS, name: 'repeat' }).apply(context) as tf.SymbolicTensor;

  const targetEmbedded = tf.layers.embedding({ inputDim: VOCAB, outputDim: WIDTH, name: 'tgt_embed' }).apply(target);
  const positioned = new PositionalEncoding({ name: 'pos_enc' }).apply(targetEmbedded) as tf.SymbolicTensor;

  const joined = tf.layers.concatenate({ name: 'join' }).apply([positioned, repeated]);
  const decoded = tf.layers.lstm({ units: 64, returnSequences: true, name: 'decoder' }).apply(joined);
  const logits = tf.layers.dense({ units: VOCAB, activation: 'softmax', name: 'logits' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [source, target], outputs: logits, name: 'translator' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
