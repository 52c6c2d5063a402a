import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { REAL_INIT_LIMIT, withFreeInitializers } from '../../src/tfjs/free-init.js';

describe('free initialisers', () => {
  it('gives zeros for large weights and restores the real initialisers afterwards', async () => {
    const glorot = tf.initializers.glorotUniform({ seed: 1 });
    const big = [REAL_INIT_LIMIT, 2];
    const inside = await withFreeInitializers(tf, async () => glorot.apply(big));
    assert.equal(inside.abs().max().dataSync()[0], 0);
    const after = glorot.apply([4, 4]);
    assert.ok((after.abs().max().dataSync()[0] ?? 0) > 0);
    tf.dispose([inside, after]);
  });

  it('keeps small weights real and replaces orthogonal by cheap noise of the same scale', async () => {
    const small = await withFreeInitializers(tf, async () => tf.initializers.glorotUniform({ seed: 1 }).apply([8, 8]));
    assert.ok((small.abs().max().dataSync()[0] ?? 0) > 0);
    const ortho = await withFreeInitializers(tf, async () => tf.initializers.orthogonal({}).apply([64, 256]));
    assert.deepEqual(ortho.shape, [64, 256]);
    assert.ok((ortho.abs().max().dataSync()[0] ?? 0) <= Math.sqrt(3 / 256) + 1e-6);
    tf.dispose([small, ortho]);
  });

  it('restores the initialisers when the work throws', async () => {
    await assert.rejects(
      withFreeInitializers(tf, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    const value = tf.initializers.ones().apply([REAL_INIT_LIMIT + 1]);
    assert.equal(value.min().dataSync()[0], 1);
    value.dispose();
  });
});
