// backend-parity beyond the zoo: what differs between tfjs's cpu and wasm backends (pinned: the
// fixtures rely on it), a layer whose op treats NaN differently (named with its kernel), the same
// computations written with ops both agree on, a layer that draws noise, the reverse direction (a
// run on wasm compared with cpu), and a backend that is not installed.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { skipReason } from '../../src/checks/backend-parity.js';
import type { Report } from '../../src/model/report.js';
import { otherBackends } from '../../src/tfjs/tf-instance.js';
import { example, fixture, runQuiet } from '../helpers/run.js';

createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
await tf.setBackend('cpu');
const findingsOf = (report: Report) => report.findings.filter((f) => f.check === 'backend-parity');
const run = (exportName: string, file = 'checks/backend-layers.ts') => runQuiet(fixture(file), { exportName, only: ['backend-parity'] });

/** `work`'s values on a backend. */
function on(backend: string, work: () => tf.Tensor): number[] {
  void tf.setBackend(backend);
  try {
    return Array.from(tf.tidy(work).dataSync());
  } finally {
    void tf.setBackend('cpu');
  }
}

describe('where tfjs backends differ (tfjs 4.22, cpu and wasm)', () => {
  it('has no Einsum kernel on wasm', () => {
    const kernels = (b: string) => new Set(tf.getKernelsForBackend(b).map((k) => k.kernelName));
    assert.ok(kernels('cpu').has('Einsum'));
    assert.ok(!kernels('wasm').has('Einsum'));
    assert.ok(kernels('wasm').has('BatchMatMul'));
  });

  it("takes a value below about 1e-7 for 0 in wasm's Sign, not in cpu's", () => {
    const work = () => tf.sign(tf.tensor1d([1e-8, -1e-8, 1e-6]));
    assert.deepEqual(on('cpu', work), [1, -1, 1]);
    assert.deepEqual(on('wasm', work), [0, 0, 1]);
  });

  it('gives NaN for maximum(floor, NaN) on cpu and the floor on wasm', () => {
    const work = () => tf.maximum(-10, tf.log(tf.tensor1d([-1, 2])));
    const cpu = on('cpu', work);
    const wasm = on('wasm', work);
    assert.ok(Number.isNaN(cpu[0]));
    assert.equal(wasm[0], -10);
    assert.equal(cpu[1], wasm[1]);
  });
});

describe('backend-parity', () => {
  it('names a layer whose op gives NaN on one backend only, and the kernel', async () => {
    const findings = findingsOf(await run('flooredLog'));
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [finding] = findings;
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding?.where, "layer 'log_level'");
    assert.match(
      finding?.message ?? '',
      /gives other outputs on wasm than on cpu: NaN or Inf on one backend.*first kernel that differs is Maximum/,
    );
    assert.deepEqual(finding?.counterexample, { backend: 'wasm', maxDifference: 'NaN or Inf on one backend only', kernel: 'Maximum' });
    assert.match(finding?.source?.file ?? '', /backend-layers\.ts$/);
  });

  it('names a layer whose outputs differ by a finite amount, how much, and the kernel', async () => {
    const [finding, ...rest] = findingsOf(await run('tinySign'));
    assert.deepEqual(rest, []);
    assert.equal(finding?.where, "layer 'binarise'");
    assert.match(
      finding?.message ?? '',
      /gives other outputs on wasm than on cpu: up to 1\.00 apart, beyond 0\.0001 \+ 0\.001 relative; the first kernel that differs is Sign \(up to 1\.00 apart on the inputs it got\)/,
    );
    assert.deepEqual(finding?.counterexample, { backend: 'wasm', maxDifference: 1, kernel: 'Sign' });
  });

  it('names a kernel the other backend lacks', async () => {
    const [finding, ...rest] = findingsOf(await run('einsum'));
    assert.deepEqual(rest, []);
    assert.match(finding?.message ?? '', /'gram' cannot run on wasm: tfjs has no Einsum kernel there/);
    assert.equal(finding?.counterexample?.['kernel'], 'Einsum');
  });

  it('is silent on the same computations with ops both backends agree on', async () => {
    for (const name of ['matMul', 'logOfFloored']) {
      const report = await run(name);
      assert.deepEqual(findingsOf(report), [], name);
      const result = report.checks.find((c) => c.id === 'backend-parity');
      assert.equal(result?.status, 'pass');
      assert.equal(result?.runs, 1, 'one layer on one other backend');
    }
  });

  it('does not compare a layer that draws noise at inference', async () => {
    const report = await run('noisy', 'checks/saved-layers.ts');
    assert.deepEqual(findingsOf(report), []);
    assert.equal(report.checks.find((c) => c.id === 'backend-parity')?.runs, 0);
  });

  it('compares a run on wasm with cpu', async () => {
    const report = await runQuiet(fixture('checks/backend-layers.ts'), {
      exportName: 'flooredLog',
      only: ['backend-parity'],
      backend: 'wasm',
    });
    const [finding] = findingsOf(report);
    assert.match(finding?.message ?? '', /gives other outputs on cpu than on wasm/);
    await tf.setBackend('cpu');
  });

  it('is silent on the tracker example (its crop layer on cpu and wasm)', async () => {
    const report = await runQuiet(example('tracker/composite.ts'), { only: ['backend-parity'] });
    assert.deepEqual(findingsOf(report), []);
    assert.equal(report.checks.find((c) => c.id === 'backend-parity')?.status, 'pass');
  });

  it('skips, with the reason, when no other backend starts', async () => {
    // tf.setBackend is the engine's: only cpu starts.
    const engine = tf.engine() as unknown as { setBackend(name: string): Promise<boolean> };
    const setBackend = engine.setBackend.bind(engine);
    engine.setBackend = async (name: string) => (name === 'cpu' ? setBackend(name) : false);
    try {
      const report = await run('einsum');
      assert.deepEqual(findingsOf(report), []);
      const result = report.checks.find((c) => c.id === 'backend-parity');
      assert.equal(result?.status, 'skip');
      assert.match(result?.reason ?? '', /^no other backend to compare cpu with: wasm did not start; tensorflow is not installed/);
    } finally {
      delete (engine as { setBackend?: unknown }).setBackend;
    }
  });

  it('says which backends are absent, and why', async () => {
    const { available, absent } = await otherBackends(tf, fixture('checks/backend-layers.ts'), ['wasm', 'tensorflow']);
    assert.deepEqual(available, ['wasm']);
    assert.deepEqual(absent, [{ name: 'tensorflow', reason: 'is not installed (@tensorflow/tfjs-node or -node-gpu)' }]);
    assert.equal(tf.getBackend(), 'cpu', 'the current backend is selected again');
    assert.equal(
      skipReason('cpu', absent),
      'no other backend to compare cpu with: tensorflow is not installed (@tensorflow/tfjs-node or -node-gpu)',
    );
  });
});
