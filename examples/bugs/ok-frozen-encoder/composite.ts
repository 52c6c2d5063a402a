/**
 * Bug zoo, near miss: ok-frozen-encoder (the corrected twin of stop-gradient-left-in).
 *
 * A topic classifier on precomputed 384-d sentence embeddings: a pretrained two-layer text encoder
 * (a nested model) adapts them, a softmax head classifies. The encoder is frozen on purpose while
 * the head is trained.
 *
 *   sentence -> text_encoder (nested model, trainable = false) -> topic
 *
 * Correct: freezing with `trainable = false` takes the encoder's weights out of the trainable set,
 * so no trainable weight lacks a gradient. The report lists the encoder as frozen; it is not a
 * gradient-flow error.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const TOPICS = 5;

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
  const textEncoder = buildTextEncoder();
  textEncoder.trainable = false;
  const encoded = textEncoder.apply(sentence) as tf.SymbolicTensor;
  const topic = tf.layers.dense({ units: TOPICS, activation: 'softmax', name: 'topic' }).apply(encoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: sentence, outputs: topic, name: 'topic_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
