import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { loadTf } from '../../src/tfjs/tf-instance.js';
import { example, fixture, runQuiet, scaffoldError } from '../helpers/run.js';

describe('tfjs instance and backends', () => {
  it('resolves tfjs from the composite and shares one engine with it', async () => {
    const file = example('tracker/composite.ts');
    const { tf, path } = await loadTf(file);
    assert.equal(path, createRequire(file).resolve('@tensorflow/tfjs'));
    const composite = (await import('../../examples/tracker/composite.js')) as { CropToBox: unknown };
    // The user's Layer subclass extends the very class the tool sees.
    assert.ok((composite.CropToBox as { prototype: object }).prototype instanceof tf.layers.Layer);
  });

  it('--backend tensorflow without tfjs-node is a clear error', async () => {
    const error = await scaffoldError(fixture('good/instance.mjs'), { backend: 'tensorflow' });
    assert.equal(error.code, 'E_BACKEND');
    assert.match(error.message, /needs @tensorflow\/tfjs-node or @tensorflow\/tfjs-node-gpu/);
    assert.match(error.hint, /npm install @tensorflow\/tfjs-node/);
  });

  it('--backend wasm runs every check, its gradient work on the CPU backend (wasm lacks Embedding and Conv2D gradients)', async () => {
    const file = example('bugs/ok-embedding-maskzero/composite.ts');
    const { tf } = await loadTf(file);
    try {
      const report = await runQuiet(file, { backend: 'wasm', runs: 10, only: ['shape', 'masking', 'gradient-flow', 'overfit'] });
      assert.equal(report.environment.backend, 'wasm');
      assert.equal(tf.getBackend(), 'wasm', 'the backend is restored after the gradient work');
      assert.deepEqual(
        report.checks.map((c) => c.status),
        ['pass', 'pass', 'pass', 'pass'],
        JSON.stringify(report.findings),
      );
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
