/**
 * Bug zoo, near miss: ok-quantize-ste (the corrected twin of quantize-no-ste).
 *
 * A product-retrieval model that learns compact codes: a dense encoder maps a 64-d product
 * descriptor to 256 features, the user's own layer quantises them to 1/8 steps, and a classifier
 * head is trained on the codes.
 *
 *   features -> encoder (Dense 256) -> encoder_quant (QuantizeSte) -> label
 *
 * Correct: QuantizeSte rounds in the forward pass but passes the gradient straight through
 * (`tf.customGrad` returning dy), so the encoder trains.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const CLASSES = 10;
const LEVELS = 8;

/** Rounds to the nearest 1 / levels; straight-through gradient. */
export class QuantizeSte extends tf.layers.Layer {
  static className = 'QuantizeSte';
  readonly levels: number;

  constructor(config: { levels: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.levels = config.levels;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const quantize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.div(tf.round(tf.mul(args[0] as tf.Tensor, this.levels)), this.levels),
      gradFunc: (dy: tf.Tensor) => dy,
    }));
    return quantize(x);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), levels: this.levels };
  }
}
tf.serialization.registerClass(QuantizeSte);

export default function buildCodeLearner(): tf.LayersModel {
  const features = tf.input({ shape: [64], name: 'features' });
  const encoded = tf.layers.dense({ units: 256, activation: 'relu', name: 'encoder' }).apply(features);
  const codes = new QuantizeSte({ levels: LEVELS, name: 'encoder_quant' }).apply(encoded);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(codes) as tf.SymbolicTensor;
  const model = tf.model({ inputs: features, outputs: label, name: 'code_learner' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
