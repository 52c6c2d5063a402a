/**
 * Bug zoo: temperature-not-saved (serialization).
 *
 * A support-ticket router: the ticket's token ids are embedded and averaged, a dense layer scores
 * the four queues, and the user's own layer divides the scores by a temperature fitted on held-out
 * tickets (2.5) before the softmax, so that the probabilities are calibrated.
 *
 *   tokens -> embed (Embedding 2000x32) -> mean -> scores (Dense 4) -> calibrate (user layer: / T)
 *          -> probs (softmax)
 *
 * The bug: the layer takes its temperature in its constructor but has no getConfig, so
 * `model.save` writes only its name. `tf.loadLayersModel` builds it again with the default
 * temperature (1): the deployed model's probabilities are the uncalibrated ones, over-confident,
 * and nothing fails (tfjs #254, #2858). Expected: a serialization error at 'calibrate'.
 */
import * as tf from '@tensorflow/tfjs';

interface TemperatureArgs extends tf.serialization.ConfigDict {
  temperature?: number;
}

class TemperatureScale extends tf.layers.Layer {
  static className = 'TemperatureScale';
  readonly temperature: number;

  constructor(args: TemperatureArgs & { name?: string }) {
    super(args);
    this.temperature = args.temperature ?? 1;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.div(Array.isArray(inputs) ? inputs[0]! : inputs, this.temperature));
  }
}
tf.serialization.registerClass(TemperatureScale);

export default function buildRouter(): tf.LayersModel {
  const tokens = tf.input({ shape: [40], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers.embedding({ inputDim: 2000, outputDim: 32, name: 'embed' }).apply(tokens);
  const mean = tf.layers.globalAveragePooling1d({ name: 'mean' }).apply(embedded);
  const scores = tf.layers.dense({ units: 4, name: 'scores' }).apply(mean);
  const calibrated = new TemperatureScale({ temperature: 2.5, name: 'calibrate' }).apply(scores);
  const probs = tf.layers.activation({ activation: 'softmax', name: 'probs' }).apply(calibrated) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: probs, name: 'ticket_router' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
