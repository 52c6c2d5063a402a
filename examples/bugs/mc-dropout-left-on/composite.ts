/**
 * Bug zoo: mc-dropout-left-on.
 *
 * A product classifier with Monte-Carlo dropout: a dense encoder maps a 64-d descriptor to 256
 * features, the user's own layer drops some of them, and a softmax head classifies. The layer was
 * written for uncertainty estimates (dropout at inference, many passes averaged).
 *
 *   features -> encoder (Dense 256) -> mc_dropout (McDropout) -> label
 *
 * BUG: McDropout calls `tf.dropout` on every call, whatever `training` says. The plain
 * `predict` the app uses is therefore random: the same input gets other probabilities (and
 * sometimes another label) on every call. (tfjs's own dropout layer is identity at inference,
 * even when applied with `{ training: true }` while building the graph.)
 * Caught by: `determinism`, at `mc_dropout`.
 */
import * as tf from '@tensorflow/tfjs';

const CLASSES = 10;

export class McDropout extends tf.layers.Layer {
  static className = 'McDropout';
  readonly rate: number;

  constructor(config: { rate: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.rate = config.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.dropout(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, this.rate));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(McDropout);

export default function buildProductClassifier(): tf.LayersModel {
  const features = tf.input({ shape: [64], name: 'features' });
  const encoded = tf.layers.dense({ units: 256, activation: 'relu', name: 'encoder' }).apply(features);
  const dropped = new McDropout({ rate: 0.3, name: 'mc_dropout' }).apply(encoded);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(dropped) as tf.SymbolicTensor;
  const model = tf.model({ inputs: features, outputs: label, name: 'product_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
