import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CropToBox } from '../../examples/tracker/composite.js';

describe('the tracker example', () => {
  it('crops like tf.image.cropAndResize, and is differentiable in features and boxes (cropAndResize is not in tfjs)', () => {
    const features = tf.randomUniform([2, 14, 14, 5], 0, 1, 'float32', 3) as tf.Tensor4D;
    const boxes = tf.tensor2d([[0.1, 0.2, 0.7, 0.9], [0, 0, 1, 1]]);
    const crop = new CropToBox({ cropSize: [7, 7] });
    const mine = crop.call([features, boxes]) as tf.Tensor;
    const reference = tf.image.cropAndResize(features, boxes, tf.tensor1d([0, 1], 'int32'), [7, 7]);
    assert.ok((tf.max(tf.abs(tf.sub(mine, reference))).dataSync()[0] ?? 1) < 1e-5);
    const [dFeatures, dBoxes] = tf.grads((f: tf.Tensor, b: tf.Tensor) => tf.sum(crop.call([f, b]) as tf.Tensor))([features, boxes]);
    assert.ok((tf.max(tf.abs(dFeatures as tf.Tensor)).dataSync()[0] ?? 0) > 0);
    assert.ok((tf.max(tf.abs(dBoxes as tf.Tensor)).dataSync()[0] ?? 0) > 0);
    assert.throws(() => tf.grad((f: tf.Tensor) => tf.sum(tf.image.cropAndResize(f as tf.Tensor4D, boxes, tf.tensor1d([0, 1], 'int32'), [7, 7])))(features), /gradient function not found for CropAndResize/);
  });
});
