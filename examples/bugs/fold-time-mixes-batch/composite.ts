/**
 * Bug zoo: fold-time-mixes-batch (near miss: ok-folded-time).
 *
 * Gesture recognition from 8 frames of 32x32: the frames are folded into the batch by hand
 * ([B, T, H, W, C] -> [B*T, H, W, C]), a per-frame CNN runs on them, and the features are unfolded
 * back ([B*T, F] -> [B, T, F]) for an LSTM.
 *
 *   clip -> fold_time -> frame_cnn -> unfold_time -> lstm -> gesture
 *
 * Bug: the fold transposes to time-major first ([T, B, ...]) and the unfold reshapes batch-major:
 * each clip gets frames of the other clips. Expected: batch-independence reports the unfold, where
 * the samples first mix (the fold alone keeps every frame whole).
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 8;
const SIZE = 32;

class FoldTime extends tf.layers.Layer {
  static className = 'FoldTime';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.reshape(tf.transpose(x, [1, 0, 2, 3, 4]), [-1, SIZE, SIZE, 3]));
  }
  override computeOutputShape(): tf.Shape {
    return [null, SIZE, SIZE, 3];
  }
}
tf.serialization.registerClass(FoldTime);

class UnfoldTime extends tf.layers.Layer {
  static className = 'UnfoldTime';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.reshape(x, [-1, STEPS, x.shape[1]!]));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return [null, STEPS, (shape as tf.Shape)[1]!];
  }
}
tf.serialization.registerClass(UnfoldTime);

export default function buildGestureModel(): tf.LayersModel {
  const clip = tf.input({ shape: [STEPS, SIZE, SIZE, 3], name: 'clip' });
  const frameCnn = tf.sequential({
    name: 'frame_cnn',
    layers: [
      tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [SIZE, SIZE, 3] }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
  const frames = new FoldTime({ name: 'fold_time' }).apply(clip) as tf.SymbolicTensor;
  const features = new UnfoldTime({ name: 'unfold_time' }).apply(frameCnn.apply(frames) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const state = tf.layers.lstm({ units: 64, name: 'lstm' }).apply(features) as tf.SymbolicTensor;
  const gesture = tf.layers.dense({ units: 6, activation: 'softmax', name: 'gesture' }).apply(state) as tf.SymbolicTensor;
  const model = tf.model({ inputs: clip, outputs: gesture, name: 'gestures' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
