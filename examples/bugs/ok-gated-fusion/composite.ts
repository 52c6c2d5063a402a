/**
 * Bug zoo near miss: ok-gated-fusion (of dead-branch).
 *
 * A listing classifier on a photo, its title's tokens and 8 numbers: a CNN (nested model) for the
 * photo, an Embedding and a GRU for the title, a normalisation for the numbers; the three 32-wide
 * vectors are multiplied (gated fusion) into a small head.
 *
 *   image -> cnn -> image_vec ┐
 *   tokens -> embed -> gru -> text_vec ├ multiply -> hidden -> out
 *   tabular -> tab_norm -> tab_vec ┘
 *
 * Not a bug: every input reaches the output. For a sample whose photo or numbers switch every ReLU
 * unit off, the product is zero and the title moves nothing; on other samples it does.
 * Expected: no error from any check (input-relevance confirms on other samples before it counts).
 */
import * as tf from '@tensorflow/tfjs';
class FeatureNorm extends tf.layers.Layer {
  static className = 'FeatureNorm';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const { mean, variance } = tf.moments(x, [-1], true);
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    });
  }
}
tf.serialization.registerClass(FeatureNorm);

class Detach extends tf.layers.Layer {
  static className = 'Detach';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const through = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({ value: tf.clone(args[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => dy }));
    return through(x) as tf.Tensor;
  }
}
tf.serialization.registerClass(Detach);

export default function build(): tf.LayersModel {
  const image = tf.input({ shape: [64, 64, 3], name: 'image' });
  const tokens = tf.input({ shape: [11], dtype: 'int32', name: 'tokens' });
  const tabular = tf.input({ shape: [8], name: 'tabular' });
  const cnn = tf.sequential({
    name: 'cnn',
    layers: [
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [64, 64, 3], name: 'conv0' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool0' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 32, activation: 'relu', name: 'cnn_out' }),
    ],
  });
  const imageVec = new Detach({ name: 'image_vec' }).apply(cnn.apply(image) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const embedded = tf.layers.embedding({ inputDim: 9987, outputDim: 32, name: 'embed' }).apply(tokens) as tf.SymbolicTensor;
  const textState = tf.layers.gru({ units: 128, name: 'gru' }).apply(embedded) as tf.SymbolicTensor;
  const textVec = tf.layers.dense({ units: 32, activation: 'tanh', name: 'text_vec' }).apply(textState) as tf.SymbolicTensor;
  const normed = new FeatureNorm({ name: 'tab_norm' }).apply(tabular) as tf.SymbolicTensor;
  const tabVec = tf.layers.dense({ units: 32, activation: 'relu', name: 'tab_vec' }).apply(normed) as tf.SymbolicTensor;
  const merged = tf.layers.multiply({ name: 'merge' }).apply([imageVec, textVec, tabVec]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 126, activation: 'relu', name: 'hidden' }).apply(merged) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [image, tokens, tabular], outputs: out, name: 'fusion' });

  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
