import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CropToBox } from '../../examples/tracker/composite.js';

describe('the tracker example', () => {
  it('trains through its crop layer: the gradient of the crop equals the exact one (tfjs has no CropAndResize gradient)', () => {
    const features = tf.randomUniform([2, 14, 14, 5], 0, 1, 'float32', 3) as tf.Tensor4D;
    const boxes = tf.tensor2d([[0.1, 0.2, 0.7, 0.9], [0, 0, 1, 1]]);
    const dy = tf.randomNormal([2, 7, 7, 5], 0, 1, 'float32', 4) as tf.Tensor4D;
    const crop = new CropToBox({ cropSize: [7, 7] });
    // The layer's own gradient against a reference: a plain bilinear crop differentiated by tfjs.
    const reference = (f: tf.Tensor4D): tf.Tensor4D => {
      const [y1, x1, y2, x2] = tf.split(boxes, 4, 1) as tf.Tensor2D[];
      const tent = (lo: tf.Tensor2D, hi: tf.Tensor2D, n: number, size: number) =>
        tf.relu(tf.sub(1, tf.abs(tf.sub(tf.mul(tf.add(lo, tf.mul(tf.sub(hi, lo), tf.linspace(0, 1, n).expandDims(0))), size - 1).expandDims(2), tf.range(0, size).reshape([1, 1, size]))))) as tf.Tensor3D;
      const wy = tent(y1!, y2!, 7, 14);
      const wx = tent(x1!, x2!, 7, 14);
      const rows = tf.matMul(wy, tf.reshape(f, [2, 14, 14 * 5])); // [b, 7, 14 * 5]
      const columns = tf.reshape(tf.tile(tf.expandDims(wx, 1), [1, 7, 1, 1]), [2 * 7, 7, 14]);
      return tf.reshape(tf.matMul(columns, tf.reshape(rows, [2 * 7, 14, 5])), [2, 7, 7, 5]) as tf.Tensor4D;
    };
    const value = crop.call([features, boxes]) as tf.Tensor;
    assert.ok((tf.max(tf.abs(tf.sub(value, reference(features)))).dataSync()[0] ?? 1) < 1e-5, 'crop values');
    const mine = tf.grad((f: tf.Tensor) => crop.call([f, boxes]) as tf.Tensor)(features, dy);
    const exact = tf.grad((f: tf.Tensor) => reference(f as tf.Tensor4D))(features, dy);
    assert.ok((tf.max(tf.abs(tf.sub(mine, exact))).dataSync()[0] ?? 1) < 1e-4, 'crop gradient');
    assert.throws(() => tf.grad((f: tf.Tensor) => tf.image.cropAndResize(f as tf.Tensor4D, boxes, tf.tensor1d([0, 1], 'int32'), [7, 7]))(features), /gradient function not found for CropAndResize/);
  });
});
