// The check stage's loop: checks run in order, a check whose premise failed is skipped, and with
// the leak guard on (as in every test run) a check that leaves tensors behind is an internal error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckOutcome } from '../../src/checks/check.js';
import type { CheckId } from '../../src/model/check-id.js';
import { runChecks } from '../../src/pipeline/check.js';

await tf.setBackend('cpu');

const outcome = (status: CheckOutcome['status']): CheckOutcome => ({ status, runs: 1, findings: [] });
const fake = (id: CheckId, run: Check['run'], requires?: CheckId[]): Check => ({
  id,
  proves: 'a test check',
  ...(requires ? { requires } : {}),
  run,
});
// The loop reads only `earlier` of the context; the checks here read nothing.
const context = () => ({ earlier: new Map<CheckId, CheckOutcome>() }) as unknown as CheckContext & { earlier: Map<CheckId, CheckOutcome> };
const events: string[] = [];
const ctx = { tf, hooks: { onProgress: (e: { phase: string; id?: string }) => void events.push(`${e.phase}:${e.id ?? ''}`) } };

describe('runChecks', () => {
  it('runs the checks in order, each outcome visible to the later ones, with progress events', async () => {
    events.length = 0;
    const seen: string[] = [];
    const checked = await runChecks(
      [
        fake('shape', () => outcome('pass')),
        fake('dtype', (c) => {
          seen.push(c.earlier.get('shape')?.status ?? 'none');
          return { ...outcome('fail'), files: [{ path: '/tmp/x', contents: 'x' }] };
        }),
      ],
      context(),
      ctx,
      { leakGuard: true },
    );
    assert.deepEqual(seen, ['pass']);
    assert.deepEqual(
      checked.checks.map((c) => `${c.id}:${c.status}`),
      ['shape:pass', 'dtype:fail'],
    );
    assert.deepEqual(checked.files, [{ path: '/tmp/x', contents: 'x' }]);
    assert.deepEqual(events, ['check-start:shape', 'check:shape', 'check-start:dtype', 'check:dtype']);
  });

  it('skips a check whose required check failed, and runs it when that one passed or did not run', async () => {
    let ran = 0;
    const dependent = fake('masking', () => (ran++, outcome('pass')), ['determinism']);
    const failed = await runChecks([fake('determinism', () => outcome('fail')), dependent], context(), ctx, { leakGuard: true });
    assert.equal(ran, 0);
    assert.deepEqual(failed.checks[1], {
      id: 'masking',
      status: 'skip',
      runs: 0,
      ms: failed.checks[1]?.ms,
      reason: "'determinism' failed: fix that first",
    });
    await runChecks([fake('determinism', () => outcome('pass')), dependent], context(), ctx, { leakGuard: true });
    await runChecks([dependent], context(), ctx, { leakGuard: true });
    assert.equal(ran, 2);
  });

  it('with the leak guard, fails on a check that leaves a tensor behind (or frees one it did not make)', async () => {
    const kept: tf.Tensor[] = [];
    const leaky = fake('finite', () => (kept.push(tf.zeros([2])), outcome('pass')));
    await assert.rejects(runChecks([leaky], context(), ctx, { leakGuard: true }), /internal: check 'finite' left 1 tensor\(s\) behind/);
    const other = tf.ones([1]);
    const freeing = fake('finite', () => (other.dispose(), outcome('pass')));
    await assert.rejects(runChecks([freeing], context(), ctx, { leakGuard: true }), /disposed 1 tensor\(s\) it did not make/);
    // Without the guard (a user's run), the same check only runs.
    const checked = await runChecks([leaky], context(), ctx, { leakGuard: false });
    assert.equal(checked.checks[0]?.status, 'pass');
    tf.dispose(kept);
  });

  it("reports a failure of scaffold-mini's own code as a check that did not run, never as a finding against the model", async () => {
    const broken = fake('masking', () => {
      throw new Error('a stub divided by zero');
    });
    const checked = await runChecks([broken], context(), ctx, { leakGuard: false, strict: false });
    assert.equal(checked.checks[0]?.status, 'skip');
    assert.match(checked.checks[0]?.reason ?? '', /internal error of scaffold-mini: a stub divided by zero/);
    assert.deepEqual(
      checked.findings.map((f) => [f.check, f.severity, f.where]),
      [['masking', 'info', 'scaffold-mini']],
    );
    // The project's own tests run strict: the same failure fails the run.
    await assert.rejects(runChecks([broken], context(), ctx, { leakGuard: true, strict: true }), /divided by zero/);
  });
});
