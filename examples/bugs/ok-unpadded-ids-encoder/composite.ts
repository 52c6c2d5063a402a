/**
 * Bug zoo near miss: ok-unpadded-ids-encoder (of nested-encoder-no-maskzero).
 *
 * A command classifier on exactly 12 token ids per sample (voice commands cut to a fixed window,
 * never padded): a nested text encoder (a Sequential of an Embedding without maskZero and a
 * bidirectional LSTM) reads them, a softmax head picks one of 6 commands.
 *
 *   ids [12] -> encoder (Sequential: Embedding, Bidirectional LSTM) -> hidden -> command
 *
 * Not a bug: without padding there is nothing to mask. One generic stub would fit the encoder's
 * shapes but average the raw ids (a tanh after it saturates: its weights would get no gradient);
 * the twin stubs it layer by layer instead.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

export default function buildCommandClassifier(): tf.LayersModel {
  const ids = tf.input({ shape: [12], dtype: 'int32', name: 'ids' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.embedding({ inputDim: 20000, outputDim: 64, inputShape: [12], name: 'embed' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 64 }) as tf.RNN, name: 'context' }),
    ],
  });
  const encoded = encoder.apply(ids) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(encoded) as tf.SymbolicTensor;
  const command = tf.layers.dense({ units: 6, activation: 'softmax', name: 'command' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: ids, outputs: command, name: 'command_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
