/**
 * Bug zoo: decoder-same-conv.
 *
 * A next-value forecaster for a sensor series: a 1-D convolution (kernel 3) extracts local
 * patterns, an LSTM reads them, and a dense layer predicts the next value at every step (trained
 * with the series shifted by one as the target).
 *
 *   series -> dec_conv (conv1d, kernel 3, padding 'same') -> decoder (LSTM 64, sequences) -> next_value
 *
 * BUG: with padding 'same' the kernel is centred, so the feature at step t already includes step
 * t + 1: the value to predict leaks into the input. (padding 'causal' pads on the left only.)
 * Caught by: `causality` (series is hinted `causal: true`), at `dec_conv`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const FEATURES = 8;

/** The prediction at step t may only use steps 0..t of the series. */
export const mini = { inputs: { series: { causal: true } } };

export default function buildForecaster(): tf.LayersModel {
  const series = tf.input({ shape: [STEPS, FEATURES], name: 'series' });
  const local = tf.layers.conv1d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'dec_conv' }).apply(series);
  const decoded = tf.layers.lstm({ units: 64, returnSequences: true, name: 'decoder' }).apply(local);
  const next = tf.layers.dense({ units: 1, name: 'next_value' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: series, outputs: next, name: 'forecaster' });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
