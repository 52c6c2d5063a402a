/**
 * Bug zoo: einsum-attention (backend-parity).
 *
 * An intent classifier for a shop's chat widget: the message's token ids are embedded, the user's
 * own self-attention layer mixes every token with every other (scores and the weighted sum written
 * with tf.einsum, as in the paper's notation), then the tokens are averaged and classified.
 *
 *   tokens -> embed (Embedding 500x16) -> attend (user layer: einsum self-attention) -> mean -> intent (3)
 *
 * The bug: the widget runs tfjs on the WebAssembly backend (fast on phones), and tfjs 4.22 has no
 * Einsum kernel there: every training run on the CPU backend works, and the deployed widget throws
 * "Kernel 'Einsum' not registered for backend 'wasm'" on its first prediction (tfjs #776, #3122).
 * Expected: a backend-parity warning at 'attend'.
 */
import * as tf from '@tensorflow/tfjs';

class SelfAttention extends tf.layers.Layer {
  static className = 'SelfAttention';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const scale = 1 / Math.sqrt(x.shape[2] as number);
      const weights = tf.softmax(tf.mul(tf.einsum('bqd,bkd->bqk', x, x), scale));
      return tf.einsum('bqk,bkd->bqd', weights, x);
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
