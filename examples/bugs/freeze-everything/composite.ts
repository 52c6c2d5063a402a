/**
 * Bug zoo: freeze-everything (near miss: ok-frozen-encoder).
 *
 * Transfer learning on precomputed 384-d sentence embeddings: a pretrained two-layer text encoder
 * (a nested model) is meant to stay fixed while a new softmax head learns the topics.
 *
 *   sentence -> text_encoder (nested model) -> topic
 *
 * Bug: the freezing loop runs over `model.layers`, which holds the new head too, so every layer
 * is frozen and training changes nothing: the loss stays where it starts.
 * Expected: gradient-flow reports that nothing in the model can learn.
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
  const encoded = textEncoder.apply(sentence) as tf.SymbolicTensor;
  const topic = tf.layers.dense({ units: TOPICS, activation: 'softmax', name: 'topic' }).apply(encoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: sentence, outputs: topic, name: 'topic_classifier' });
  for (const layer of model.layers) layer.trainable = false;
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
