/**
 * Bug zoo: kept-attention-map (tensor-leak).
 *
 * A product-photo classifier with the user's own spatial attention: a 1x1 conv scores every
 * position, a softmax over the positions weights the features, and the layer keeps the last
 * attention map for a dashboard that draws it.
 *
 *   photo -> conv (16) -> attend (user layer: softmax over positions, weighted sum) -> label (5)
 *
 * The bug: `attend` keeps each call's map with tf.keep and never disposes the one it replaces, so
 * every predict and every training step leaves one more tensor behind: a serving process grows
 * until it runs out of memory (tfjs #3787, #7983). Expected: a tensor-leak warning at 'attend'.
 */
import * as tf from '@tensorflow/tfjs';

class SpatialAttention extends tf.layers.Layer {
  static className = 'SpatialAttention';
  /** The last attention map [batch, positions], for the dashboard. */
  lastMap: tf.Tensor | null = null;
  private score: tf.LayerVariable | null = null;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    this.score = this.addWeight('score', [shape[3] as number, 1], 'float32', tf.initializers.glorotUniform({}));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [batch, height, width, channels] = x.shape;
      const flat = x.reshape([batch, height * width, channels]);
      const scores = tf.matMul(x.reshape([batch * height * width, channels]), this.score!.read() as tf.Tensor2D);
      const weights = tf.softmax(scores.reshape([batch, height * width]));
      this.lastMap = tf.keep(weights.clone());
      return tf.sum(tf.mul(flat, weights.expandDims(2)), 1);
    });
  }
}
tf.serialization.registerClass(SpatialAttention);

export default function buildClassifier(): tf.LayersModel {
  const photo = tf.input({ shape: [32, 32, 3], name: 'photo' });
  const features = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }).apply(photo);
  const pooled = new SpatialAttention({ name: 'attend' }).apply(features);
  const label = tf.layers.dense({ units: 5, activation: 'softmax', name: 'label' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: photo, outputs: label, name: 'photo_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
