/**
 * Bug zoo near miss: ok-matmul-attention (of einsum-attention).
 *
 * An intent classifier for a shop's chat widget: the message's token ids are embedded, the user's
 * own self-attention layer mixes every token with every other (scores and the weighted sum written
 * with tf.matMul), then the tokens are averaged and classified.
 *
 *   tokens -> embed (Embedding 500x16) -> attend (user layer: matMul self-attention) -> mean -> intent (3)
 *
 * Not a bug: matMul (BatchMatMul) has a kernel on every backend, and the layer gives the same
 * outputs on cpu and wasm within float rounding. Expected: no error from any check, and no
 * backend-parity finding.
 */
import * as tf from '@tensorflow/tfjs';

class SelfAttention extends tf.layers.Layer {
  static className = 'SelfAttention';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const scale = 1 / Math.sqrt(x.shape[2] as number);
      const weights = tf.softmax(tf.mul(tf.matMul(x, x, false, true), scale));
      return tf.matMul(weights, x);
    });
  }
}
tf.serialization.registerClass(SelfAttention);

export default function buildIntentClassifier(): tf.LayersModel {
  const tokens = tf.input({ shape: [24], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers.embedding({ inputDim: 500, outputDim: 16, name: 'embed' }).apply(tokens);
  const attended = new SelfAttention({ name: 'attend' }).apply(embedded);
  const mean = tf.layers.globalAveragePooling1d({ name: 'mean' }).apply(attended);
  const intent = tf.layers.dense({ units: 3, activation: 'softmax', name: 'intent' }).apply(mean) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: intent, name: 'intent_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
