/**
 * Bug zoo: decoder-bidirectional.
 *
 * A next-value forecaster for a sensor series: a bidirectional LSTM reads the series (8 features
 * per step) and a dense layer predicts the next value at every step (trained with the series
 * shifted by one as the target).
 *
 *   series -> dec_birnn (Bidirectional LSTM 32, sequences) -> next_value
 *
 * BUG: the backward half of a bidirectional RNN reads the series from the end, so the state at
 * step t has seen every step after t: the value to predict is in the input. The training loss
 * looks excellent; real forecasting (where the future is unknown) fails.
 * Caught by: `causality` (series is hinted `causal: true`), at `dec_birnn`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 24;
const FEATURES = 8;

/** The prediction at step t may only use steps 0..t of the series. */
export const mini = { inputs: { series: { causal: true } } };

export default function buildForecaster(): tf.LayersModel {
  const series = tf.input({ shape: [STEPS, FEATURES], name: 'series' });
  const states = tf.layers
    .bidirectional({ layer: tf.layers.lstm({ units: 32, returnSequences: true }) as tf.RNN, mergeMode: 'concat', name: 'dec_birnn' })
    .apply(series);
  const next = tf.layers.dense({ units: 1, name: 'next_value' }).apply(states) as tf.SymbolicTensor;
  const model = tf.model({ inputs: series, outputs: next, name: 'forecaster' });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
