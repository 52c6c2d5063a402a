/**
 * Bug zoo: quantize-no-ste.
 *
 * A product-retrieval model that learns compact codes: a dense encoder maps a 64-d product
 * descriptor to 256 features, the user's own layer quantises them to 1/8 steps (so they can be
 * stored as bytes), and a classifier head is trained on the codes.
 *
 *   features -> encoder (Dense 256) -> encoder_quant (Quantize) -> label
 *
 * BUG: Quantize rounds with `tf.round`, whose gradient is zero everywhere, and has no
 * straight-through estimator. The head trains, the encoder before it gets exactly zero gradient
 * and stays at its initial weights forever.
 * Caught by: `gradient-flow`, at `encoder` (the component behind `encoder_quant`).
 */
import * as tf from '@tensorflow/tfjs';

const CLASSES = 10;
const LEVELS = 8;

/** Rounds to the nearest 1 / levels. */
export class Quantize extends tf.layers.Layer {
  static className = 'Quantize';
  readonly levels: number;

  constructor(config: { levels: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.levels = config.levels;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      return tf.div(tf.round(tf.mul(x, this.levels)), this.levels);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), levels: this.levels };
  }
}
tf.serialization.registerClass(Quantize);

export default function buildCodeLearner(): tf.LayersModel {
  const features = tf.input({ shape: [64], name: 'features' });
  const encoded = tf.layers.dense({ units: 256, activation: 'relu', name: 'encoder' }).apply(features);
  const codes = new Quantize({ levels: LEVELS, name: 'encoder_quant' }).apply(encoded);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(codes) as tf.SymbolicTensor;
  const model = tf.model({ inputs: features, outputs: label, name: 'code_learner' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
