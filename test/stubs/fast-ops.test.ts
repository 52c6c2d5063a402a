import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { fastActivation, fastProject, hasFastActivation } from '../../stubs/fast-ops.js';

await tf.setBackend('cpu');

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);
}

describe('fast ops agree with tf ops, values and gradients', () => {
  it('fastProject equals a matMul on the last axis', () => {
    const x = tf.randomNormal([3, 5, 7, 6], 0, 1, 'float32', 1);
    const m = tf.randomNormal([6, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const reference = (t: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(t, [-1, 6]) as tf.Tensor2D, m), [3, 5, 7, 4]);
    assert.ok(maxDiff(fastProject(tf, x, m), reference(x)) < 1e-5);
    const dy = tf.randomNormal([3, 5, 7, 4], 0, 1, 'float32', 3);
    const g1 = tf.grad((t: tf.Tensor) => fastProject(tf, t, m))(x, dy);
    const g2 = tf.grad((t: tf.Tensor) => reference(t))(x, dy);
    assert.ok(maxDiff(g1, g2) < 1e-5);
  });

  for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax']) {
    it(`fastActivation '${activation}' equals tf.layers.activation`, () => {
      assert.ok(hasFastActivation(activation));
      const z = tf.randomNormal([4, 3, 5], 0, 4, 'float32', 7);
      const layer = tf.layers.activation({ activation: activation as 'relu' });
      const reference = (t: tf.Tensor) => layer.apply(t) as tf.Tensor;
      assert.ok(maxDiff(fastActivation(tf, z, activation), reference(z)) < 1e-5);
      const dy = tf.randomNormal([4, 3, 5], 0, 1, 'float32', 8);
      const g1 = tf.grad((t: tf.Tensor) => tf.tidy(() => fastActivation(tf, t, activation)))(z, dy);
      const g2 = tf.grad((t: tf.Tensor) => reference(t))(z, dy);
      assert.ok(maxDiff(g1, g2) < 1e-4, `${activation} gradient`);
    });
  }

  it('leaves other activations to tfjs', () => {
    assert.equal(hasFastActivation('elu'), false);
  });
});
