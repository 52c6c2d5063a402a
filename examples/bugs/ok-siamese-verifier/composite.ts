/**
 * Bug zoo, near miss: ok-siamese-verifier (the corrected twin of siamese-same-image).
 *
 * A face verifier: one conv encoder shared by two 64x64 images, its embeddings L2-normalised by the
 * user's layer, compared by |a - b| and a * b, and a sigmoid head says "same person".
 *
 *   left  -> encoder -> l2 -> a --+-- abs_diff(a, b) --+
 *   right -> encoder -> l2 -> b --+-- multiply(a, b) --+-- hidden -> same
 *
 * Correct: each image goes through the shared encoder once.
 * Expected: no error from any check (fake images differ per sample in their global statistics,
 * as photos do, so the pooled and normalised embeddings of different samples differ).
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
  const left = tf.input({ shape: [64, 64, 3], name: 'left' });
  const right = tf.input({ shape: [64, 64, 3], name: 'right' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [64, 64, 3] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 64 }),
    ],
  });
  const l2 = new L2Normalize({ name: 'l2' });
  const a = l2.apply(encoder.apply(left) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const b = l2.apply(encoder.apply(right) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const diff = new AbsDiff({ name: 'abs_diff' }).apply([a, b]) as tf.SymbolicTensor;
  const prod = tf.layers.multiply({ name: 'prod' }).apply([a, b]) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: 'joined' }).apply([diff, prod]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(joined) as tf.SymbolicTensor;
  const same = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'same' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [left, right], outputs: same, name: 'verifier' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
