/**
 * Bug zoo: siamese-huge-head-init.
 *
 * A face verifier: one shared conv encoder (a nested Sequential) embeds both 80x80 crops, each
 * embedding is L2-normalised, |a - b| and a * b are joined, and a small head says "same person".
 *
 *   left  -> encoder -> l2 --+-> abs_diff --+
 *   right -> encoder -> l2 --+-> prod     --+-> joined -> hidden (Dense 32, relu) -> same (1, sigmoid)
 *
 * BUG: the output unit's kernel is drawn with `randomNormal({ stddev: 100 })` (a typo for 0.01).
 * Its logits are the hidden features times weights in the hundreds: on most draws the sigmoid
 * starts saturated and the initial binary cross-entropy is several times ln 2. How far above
 * depends on the draw (1.1x to 10x chance over six draws of the real model), so a verdict taken on
 * one draw of the weights hangs on the seed; initial-loss averages over draws.
 * Caught by: `initial-loss` (warning), at `same`, on every seed.
 */
import * as tf from '@tensorflow/tfjs';

class L2Normalize extends tf.layers.Layer {
  static className = 'L2Normalize';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.div(x, tf.add(tf.norm(x, 'euclidean', -1, true), 1e-6));
    });
  }
}
tf.serialization.registerClass(L2Normalize);

class AbsDiff extends tf.layers.Layer {
  static className = 'AbsDiff';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return tf.tidy(() => tf.abs(tf.sub(a!, b!)));
  }
  override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
    return (shapes as tf.Shape[])[0]!;
  }
}
tf.serialization.registerClass(AbsDiff);

export default function buildVerifier(): tf.LayersModel {
  const left = tf.input({ shape: [80, 80, 3], name: 'left' });
  const right = tf.input({ shape: [80, 80, 3], name: 'right' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [80, 80, 3], name: 'conv0' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool0' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 128, name: 'project' }),
    ],
  });
  const norm = new L2Normalize({ name: 'l2' });
  const a = norm.apply(encoder.apply(left) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const b = norm.apply(encoder.apply(right) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const diff = new AbsDiff({ name: 'abs_diff' }).apply([a, b]) as tf.SymbolicTensor;
  const prod = tf.layers.multiply({ name: 'prod' }).apply([a, b]) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'joined' }).apply([diff, prod]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(joined) as tf.SymbolicTensor;
  const same = tf.layers
    .dense({ units: 1, activation: 'sigmoid', name: 'same', kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 100 }) })
    .apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [left, right], outputs: same, name: 'verifier' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
