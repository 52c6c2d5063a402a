/**
 * Bug zoo: einsum-covariance (backend-parity).
 *
 * A gesture recogniser for a wristband: a window of raw IMU readings (50 steps of 6 channels) is
 * summarised by the user's own covariance-pooling layer (how every channel moves with every other,
 * written with tf.einsum as in the paper's notation), then two dense layers classify the gesture.
 *
 *   imu -> covariance (user layer: einsum over time, [6, 6]) -> flat -> hidden (32, relu) -> gesture (4)
 *
 * The bug: the companion web app runs tfjs on the WebAssembly backend (fast on phones), and tfjs
 * 4.22 has no Einsum kernel there. Training on the CPU backend works (the einsum reads only the raw
 * input: no gradient goes through it), and the deployed app throws "Kernel 'Einsum' not registered
 * for backend 'wasm'" on its first prediction (tfjs #776, #3122). Expected: a backend-parity warning
 * at 'covariance'.
 */
import * as tf from '@tensorflow/tfjs';

class CovariancePool extends tf.layers.Layer {
  static className = 'CovariancePool';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[2] ?? null, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const centred = tf.sub(x, tf.mean(x, 1, true));
      return tf.div(tf.einsum('btc,btd->bcd', centred, centred), x.shape[1] as number);
    });
  }
}
tf.serialization.registerClass(CovariancePool);

export default function buildGestureRecogniser(): tf.LayersModel {
  const imu = tf.input({ shape: [50, 6], name: 'imu' });
  const covariance = new CovariancePool({ name: 'covariance' }).apply(imu);
  const flat = tf.layers.flatten({ name: 'flat' }).apply(covariance);
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(flat);
  const gesture = tf.layers.dense({ units: 4, activation: 'softmax', name: 'gesture' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: imu, outputs: gesture, name: 'gesture_recogniser' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
