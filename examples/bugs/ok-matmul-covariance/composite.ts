/**
 * Bug zoo near miss: ok-matmul-covariance (of einsum-covariance).
 *
 * A gesture recogniser for a wristband: a window of raw IMU readings (50 steps of 6 channels) is
 * summarised by the user's own covariance-pooling layer (how every channel moves with every other,
 * written with tf.matMul), then two dense layers classify the gesture.
 *
 *   imu -> covariance (user layer: matMul over time, [6, 6]) -> flat -> hidden (32, relu) -> gesture (4)
 *
 * Not a bug: matMul (BatchMatMul) has a kernel on every backend, and the layer gives the same
 * outputs on cpu and wasm within float rounding. Expected: no error from any check, and no
 * backend-parity finding.
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
      return tf.div(tf.matMul(centred, centred, true, false), x.shape[1] as number);
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
