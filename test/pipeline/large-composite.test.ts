// A composite of 1.1 billion parameters is probed without its weights ever being allocated: their
// data is made on first use, and the probe only reads shapes (a component's weights are never used).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeLargeComposite } from '../../bench/large-composite.mjs';
import { buildTwin } from '../../src/pipeline/twin.js';
import { loadTf, selectBackend } from '../../src/tfjs/tf-instance.js';
import { ROOT, runQuiet } from '../helpers/run.js';
import { loadAndProbe } from '../helpers/stages.js';

const file = writeLargeComposite(join(ROOT, 'test/e2e'));
after(() => rmSync(dirname(file), { recursive: true, force: true }));

describe('a billion-parameter composite', () => {
  it('is loaded and probed with tf.memory().numBytes staying under a few megabytes', async () => {
    const { tf } = await loadTf(file);
    await selectBackend(tf, 'cpu', file);
    const before = tf.memory().numBytes;
    const { probed } = await loadAndProbe(tf, file);
    const grown = tf.memory().numBytes - before;
    const params = probed.components.reduce((n, c) => n + c.info.params, 0);
    assert.ok(params > 1e9, `${params} parameters`);
    assert.ok(grown < 4 * 1024 * 1024, `the probe allocated ${grown} bytes of tensor data`);
    const twin = buildTwin(tf, probed, file, 1);
    assert.ok(twin.params < 10_000, `the twin has ${twin.params} parameters`);
    assert.ok(tf.memory().numBytes - before < 8 * 1024 * 1024, 'building the twin does not touch the real weights either');
  });

  it('is checked like any composite', async () => {
    const report = await runQuiet(file, { runs: 10, only: ['shape', 'masking', 'gradient-flow'] });
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    assert.equal(report.twin.realParams > 1e9, true);
  });
});
