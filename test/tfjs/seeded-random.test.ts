import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { withSeededRandom } from '../../src/tfjs/seeded-random.js';

await tf.setBackend('cpu');

describe('withSeededRandom', () => {
  it("makes tfjs's unseeded Dropout in training mode the same for the same seed, and puts Math.random back", () => {
    const original = Math.random;
    const layer = tf.layers.dropout({ rate: 0.5 });
    const x = tf.ones([1, 64]);
    const mask = () => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    const a = withSeededRandom(3, mask);
    const b = withSeededRandom(3, mask);
    const c = withSeededRandom(4, mask);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(Math.random, original);
    assert.throws(
      () =>
        withSeededRandom(3, () => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(Math.random, original);
    x.dispose();
  });
});
