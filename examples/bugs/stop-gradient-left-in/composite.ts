/**
 * Bug zoo: stop-gradient-left-in.
 *
 * A topic classifier on precomputed 384-d sentence embeddings: a two-layer text encoder (a
 * nested model) adapts them, a softmax head classifies. Training ran in two phases: first the
 * head alone (the encoder detached with a hand-written stop-gradient, since tfjs has none), then
 * everything together.
 *
 *   sentence -> text_encoder (nested model) -> text_encoder_detach (StopGradient) -> topic
 *
 * BUG: the StopGradient layer of phase one is still in the model in phase two. It passes values
 * through and returns a zero gradient (a `tf.customGrad`), so the encoder's weights, still marked
 * trainable, never change. (Freezing on purpose is `trainable = false`: see
 * ok-frozen-encoder.)
 * Caught by: `gradient-flow`, at `text_encoder` (the component behind `text_encoder_detach`).
 */
import * as tf from '@tensorflow/tfjs';

const TOPICS = 5;

/** Identity forward, zero gradient backward. */
export class StopGradient extends tf.layers.Layer {
  static className = 'StopGradient';

  constructor(config: { name?: string } = {}) {
    super(config);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const detach = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.clone(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
    }));
    return detach(x);
  }
}
tf.serialization.registerClass(StopGradient);

function buildTextEncoder(): tf.Sequential {
  return tf.sequential({
    name: 'text_encoder',
    layers: [
      tf.layers.dense({ inputShape: [384], units: 128, activation: 'relu', name: 'te_hidden' }),
      tf.layers.dense({ units: 64, activation: 'relu', name: 'te_out' }),
    ],
  });
}

export default function buildTopicClassifier(): tf.LayersModel {
  const sentence = tf.input({ shape: [384], name: 'sentence' });
  const encoded = buildTextEncoder().apply(sentence) as tf.SymbolicTensor;
  const detached = new StopGradient({ name: 'text_encoder_detach' }).apply(encoded);
  const topic = tf.layers.dense({ units: TOPICS, activation: 'softmax', name: 'topic' }).apply(detached) as tf.SymbolicTensor;
  const model = tf.model({ inputs: sentence, outputs: topic, name: 'topic_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
