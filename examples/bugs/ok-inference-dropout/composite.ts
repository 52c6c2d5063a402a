/**
 * Bug zoo, near miss: ok-inference-dropout (the corrected twin of mc-dropout-left-on).
 *
 * A product classifier with dropout: a dense encoder maps a 64-d descriptor to 256 features, the
 * user's own dropout layer drops some of them while training, and a softmax head classifies.
 *
 *   features -> encoder (Dense 256) -> feature_dropout (FeatureDropout) -> label
 *
 * Correct: FeatureDropout drops only when called with `training: true` (fit, or apply with
 * training) and is the identity at inference, like tfjs's own dropout layer, so `predict` is
 * deterministic.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const CLASSES = 10;

export class FeatureDropout extends tf.layers.Layer {
  static className = 'FeatureDropout';
  readonly rate: number;

  constructor(config: { rate: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.rate = config.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      return kwargs.training === true ? tf.dropout(x, this.rate) : tf.clone(x);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(FeatureDropout);

export default function buildProductClassifier(): tf.LayersModel {
  const features = tf.input({ shape: [64], name: 'features' });
  const encoded = tf.layers.dense({ units: 256, activation: 'relu', name: 'encoder' }).apply(features);
  const dropped = new FeatureDropout({ rate: 0.3, name: 'feature_dropout' }).apply(encoded);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(dropped) as tf.SymbolicTensor;
  const model = tf.model({ inputs: features, outputs: label, name: 'product_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
