import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { fastActivation, fastProject, fastResize, hasFastActivation, meanProject, poolProject } from '../../stubs/fast-ops.js';

await tf.setBackend('cpu');

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);
}

describe('fastResize', () => {
  // (Where tfjs's gradient runs, on square maps with half-pixel centres, it is not the adjoint either.)
  it("tfjs's CPU gradient of resizeBilinear fails on a non-square map (why fastResize exists)", () => {
    const x = tf.randomNormal([1, 3, 1, 2]);
    assert.throws(() => tf.grad((t: tf.Tensor) => tf.sum(tf.image.resizeBilinear(t as tf.Tensor4D, [5, 1])))(x), /ResizeBilinear/);
  });

  for (const [shape, size] of [
    [
      [2, 3, 1, 2],
      [5, 1],
    ],
    [
      [1, 7, 4, 3],
      [3, 6],
    ],
    [
      [1, 4, 4, 2],
      [9, 9],
    ],
  ] as [[number, number, number, number], [number, number]][]) {
    it(`equals tf.image.resizeBilinear (half-pixel centres) from ${JSON.stringify(shape)} to ${JSON.stringify(size)}, with the adjoint as its gradient`, () => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 21) as tf.Tensor4D;
      assert.ok(maxDiff(fastResize(tf, x, size), tf.image.resizeBilinear(x, size, false, true)) < 1e-5);
      // <resize(x), dy> = <x, grad(dy)>: the gradient is the exact transpose of the resize.
      const dy = tf.randomNormal([shape[0], size[0], size[1], shape[3]], 0, 1, 'float32', 22);
      const g = tf.grad((t: tf.Tensor) => fastResize(tf, t as tf.Tensor4D, size))(x, dy);
      const left = tf.sum(tf.mul(fastResize(tf, x, size), dy)).dataSync()[0] ?? NaN;
      const right = tf.sum(tf.mul(x, g)).dataSync()[0] ?? NaN;
      assert.ok(Math.abs(left - right) < 1e-4, `${left} vs ${right}`);
    });
  }
});

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

  for (const activation of ['relu', 'relu6', 'sigmoid', 'tanh', 'softmax']) {
    it(`fastProject with '${activation}' fused equals the projection then the activation`, () => {
      const x = tf.randomNormal([2, 3, 5], 0, 2, 'float32', 11);
      const m = tf.randomNormal([5, 4], 0, 1, 'float32', 12) as tf.Tensor2D;
      const layer = tf.layers.activation({ activation: activation as 'relu' });
      const reference = (t: tf.Tensor) =>
        layer.apply(tf.reshape(tf.matMul(tf.reshape(t, [-1, 5]) as tf.Tensor2D, m), [2, 3, 4])) as tf.Tensor;
      assert.ok(maxDiff(fastProject(tf, x, m, activation), reference(x)) < 1e-5);
      const dy = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 13);
      const g1 = tf.grad((t: tf.Tensor) => fastProject(tf, t, m, activation))(x, dy);
      const g2 = tf.grad((t: tf.Tensor) => reference(t))(x, dy);
      assert.ok(maxDiff(g1, g2) < 1e-4, `${activation} gradient`);
    });
  }

  for (const [height, width, pool] of [
    [12, 12, [4, 4]],
    [20, 1, [3, 1]],
    [7, 10, [2, 3]],
  ] as const) {
    it(`poolProject equals tf.avgPool 'same' then a projection (${height}x${width}, pool ${pool.join('x')})`, () => {
      const x = tf.randomUniform([2, height, width, 3], 0, 1, 'float32', 21) as tf.Tensor4D;
      const m = tf.randomNormal([3, 2], 0, 1, 'float32', 22) as tf.Tensor2D;
      // tf.avgPool's values, built from sums so that the gradient is exact too (tfjs's avgPool
      // gradient divides by the whole window even where 'same' padding cut it short).
      const ones = tf.ones([pool[0], pool[1], 3, 1]) as tf.Tensor4D;
      const sumPool = (t: tf.Tensor) => tf.depthwiseConv2d(t as tf.Tensor4D, ones, [pool[0], pool[1]], 'same');
      const reference = (t: tf.Tensor) => {
        const pooled = tf.div(sumPool(t), sumPool(tf.onesLike(t))) as tf.Tensor4D;
        const [b, h, w] = pooled.shape;
        return tf.reshape(tf.matMul(tf.reshape(pooled, [-1, 3]) as tf.Tensor2D, m), [b, h, w, 2]);
      };
      const fast = poolProject(tf, x, [pool[0], pool[1]], m);
      const direct = tf.avgPool(x, [pool[0], pool[1]], [pool[0], pool[1]], 'same');
      assert.ok(maxDiff(tf.div(sumPool(x), sumPool(tf.onesLike(x))), direct) < 1e-5);
      assert.deepEqual(fast.shape, reference(x).shape);
      assert.ok(maxDiff(fast, reference(x)) < 1e-5);
      const dy = tf.randomNormal(fast.shape, 0, 1, 'float32', 23);
      const g1 = tf.grad((t: tf.Tensor) => poolProject(tf, t as tf.Tensor4D, [pool[0], pool[1]], m))(x, dy);
      const g2 = tf.grad((t: tf.Tensor) => reference(t))(x, dy);
      assert.ok(maxDiff(g1, g2) < 1e-5);
    });
  }

  it('meanProject equals the mean over the middle axes then a projection', () => {
    const x = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 31);
    const m = tf.randomNormal([6, 2], 0, 1, 'float32', 32) as tf.Tensor2D;
    const reference = (t: tf.Tensor) => tf.matMul(tf.mean(t, [1, 2]) as tf.Tensor2D, m);
    assert.ok(maxDiff(meanProject(tf, x, m), reference(x)) < 1e-5);
    const dy = tf.randomNormal([3, 2], 0, 1, 'float32', 33);
    const g1 = tf.grad((t: tf.Tensor) => meanProject(tf, t, m))(x, dy);
    const g2 = tf.grad((t: tf.Tensor) => reference(t))(x, dy);
    assert.ok(maxDiff(g1, g2) < 1e-5);
  });

  it('leaves other activations to tfjs', () => {
    assert.equal(hasFastActivation('elu'), false);
  });
});
