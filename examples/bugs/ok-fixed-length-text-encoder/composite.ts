/**
 * Bug zoo near miss: ok-fixed-length-text-encoder (of nested-encoder-no-maskzero).
 *
 * A topic classifier on token ids padded with 0 to a fixed 80 steps, before or after the text: a
 * nested text encoder (a Sequential of an Embedding with maskZero and a bidirectional LSTM) reads
 * them, a softmax head picks one of 8 topics.
 *
 *   ids [80] -> encoder (Sequential: Embedding maskZero, Bidirectional LSTM) -> hidden -> topic
 *
 * Not a bug: the mask is made and consumed inside the encoder, so the padding changes nothing. The
 * encoder's shapes fit one generic stub ([null, 80] -> [null, 256]), but that stub would read the
 * padding: the twin keeps the encoder's own layers around a recurrent stub instead.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

export const mini = { inputs: { ids: { int: [0, 2000], pad: 0, padding: 'both' } } };

export default function buildTopicClassifier(): tf.LayersModel {
  const ids = tf.input({ shape: [80], dtype: 'int32', name: 'ids' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.embedding({ inputDim: 2000, outputDim: 64, maskZero: true, inputShape: [80], name: 'embed' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 128 }) as tf.RNN, name: 'context' }),
    ],
  });
  const encoded = encoder.apply(ids) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 64, activation: 'relu', name: 'hidden' }).apply(encoded) as tf.SymbolicTensor;
  const topic = tf.layers.dense({ units: 8, activation: 'softmax', name: 'topic' }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: topic, name: 'topic_classifier' });
}
