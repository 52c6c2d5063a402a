/**
 * Bug zoo, near miss: ok-causal-conv (the corrected twin of decoder-same-conv).
 *
 * A next-value forecaster for a sensor series: a 1-D convolution (kernel 3) extracts local
 * patterns, an LSTM reads them, and a dense layer predicts the next value at every step.
 *
 *   series -> pad_past (PadPast, 2 steps on the left) -> dec_conv (conv1d, kernel 3, 'valid')
 *          -> decoder (LSTM 64, sequences) -> next_value
 *
 * Correct: the series is padded with two zero steps on the left only and convolved 'valid', so
 * the feature at step t covers steps t - 2..t and nothing after t. (tfjs 4.22 accepts
 * `padding: 'causal'` for conv1d, but computes its output shape as 'valid' and throws
 * "not implemented yet" when it runs: hence the explicit padding layer.)
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const FEATURES = 8;
const KERNEL = 3;

/** The prediction at step t may only use steps 0..t of the series. */
export const mini = { inputs: { series: { causal: true } } };

/** Prepends `steps` zero steps on the time axis (axis 1). */
export class PadPast extends tf.layers.Layer {
  static className = 'PadPast';
  readonly steps: number;

  constructor(config: { steps: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.steps = config.steps;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, steps, features] = inputShape as tf.Shape;
    return [batch ?? null, steps == null ? null : steps + this.steps, features ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      return tf.pad(x, [[0, 0], [this.steps, 0], [0, 0]]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), steps: this.steps };
  }
}
tf.serialization.registerClass(PadPast);

export default function buildForecaster(): tf.LayersModel {
  const series = tf.input({ shape: [STEPS, FEATURES], name: 'series' });
  const padded = new PadPast({ steps: KERNEL - 1, name: 'pad_past' }).apply(series);
  const local = tf.layers.conv1d({ filters: 32, kernelSize: KERNEL, padding: 'valid', activation: 'relu', name: 'dec_conv' }).apply(padded);
  const decoded = tf.layers.lstm({ units: 64, returnSequences: true, name: 'decoder' }).apply(local);
  const next = tf.layers.dense({ units: 1, name: 'next_value' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: series, outputs: next, name: 'forecaster' });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
