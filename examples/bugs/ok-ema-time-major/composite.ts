/**
 * Bug zoo, near miss: ok-ema-time-major (the corrected twin of time-major-reshape).
 *
 * A motion classifier for noisy tracks: the user's own layer smooths each track with an
 * exponential moving average (a hand-written scan over time), then an LSTM reads it.
 *
 *   track -> smooth (EmaSmooth) -> motion (LSTM 64) -> label
 *
 * Correct: EmaSmooth scans time-major and transposes back ([time, batch, f] -> [batch, time, f]
 * with `tf.transpose(..., [1, 0, 2])`), so every sample keeps its own steps.
 * Expected: no error from any check.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const CLASSES = 6;

/** s[t] = a * s[t - 1] + (1 - a) * x[t], along the time axis. */
export class EmaSmooth extends tf.layers.Layer {
  static className = 'EmaSmooth';
  readonly decay: number;

  constructor(config: { decay: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.decay = config.decay;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const timeMajor = tf.unstack(tf.transpose(x, [1, 0, 2]));
      let state = timeMajor[0] as tf.Tensor;
      const smoothed = [state];
      for (const step of timeMajor.slice(1)) {
        state = tf.add(tf.mul(state, this.decay), tf.mul(step, 1 - this.decay));
        smoothed.push(state);
      }
      return tf.transpose(tf.stack(smoothed), [1, 0, 2]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), decay: this.decay };
  }
}
tf.serialization.registerClass(EmaSmooth);

export default function buildMotionClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const smoothed = new EmaSmooth({ decay: 0.8, name: 'smooth' }).apply(track);
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(smoothed);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(motion) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: label, name: 'motion_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
