// tfjs 4.22 frees the tensors a gradient tape saved only after a backward pass that succeeds: a
// kernel without a gradient leaves them behind, out of reach of every scope. freeingTapeOnError
// frees them. Both facts pinned here (an upgrade that changes the first shows up).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { freeingTapeOnError } from '../../src/tfjs/gradients.js';

await tf.setBackend('cpu');

// `Any` (what a Masking layer computes) has no gradient in tfjs.
const throughAny = (x: tf.Tensor): tf.Scalar => tf.sum(tf.cast(tf.any(tf.greater(tf.mul(x, 2), 0.5), -1), 'float32'));

describe('gradient tapes', () => {
  it('leave their saved tensors behind when a kernel has no gradient, even inside tf.tidy', () => {
    const x = tf.randomUniform([2, 5, 3]);
    const before = tf.memory().numTensors;
    assert.throws(() => tf.tidy(() => tf.grad(throughAny)(x)), /gradient/i);
    assert.ok(tf.memory().numTensors > before, 'tfjs left nothing behind: freeingTapeOnError may no longer be needed');
    // Another successful gradient clears the abandoned tape for the next ones.
    tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x));
    x.dispose();
  });

  it('are freed by freeingTapeOnError, which rethrows', () => {
    const x = tf.randomUniform([2, 5, 3]);
    const before = tf.memory().numTensors;
    assert.throws(() => freeingTapeOnError(tf, () => tf.grad(throughAny)(x)), /gradient/i);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });

  it('leave a successful gradient alone', () => {
    const x = tf.randomUniform([4]);
    const before = tf.memory().numTensors;
    const g = freeingTapeOnError(tf, () => tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x));
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(
      Array.from(g.dataSync()),
      Array.from(x.dataSync()).map((v) => Math.fround(2 * v)),
    );
    tf.dispose([g, x]);
  });
});
