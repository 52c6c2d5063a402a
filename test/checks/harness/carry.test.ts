// A watch session's carry: the next run takes an unchanged stub's outputs from the last run's base
// pass, and nothing else (a stub that changed, the user's own layers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carriedPasses, carryOver, createCarry, stubPrints } from '../../../src/checks/harness/carry.js';
import { makeInputs, sampleSpace } from '../../../src/checks/harness/fake-inputs.js';
import { sampleKey } from '../../../src/checks/harness/observe.js';
import { createPassCache } from '../../../src/checks/harness/pass-cache.js';
import { createRunner, type Pass, type Runner } from '../../../src/checks/harness/runner.js';
import { buildTwin } from '../../../src/pipeline/twin.js';
import { loadTf, selectBackend } from '../../../src/tfjs/tf-instance.js';
import type { Twin } from '../../../src/model/twin.js';
import { example } from '../../helpers/run.js';
import { loadAndProbe } from '../../helpers/stages.js';

describe('carry', async () => {
  const file = example('tracker/composite.ts');
  const { tf } = await loadTf(file);
  await selectBackend(tf, 'cpu', file);
  const { probed } = await loadAndProbe(tf, file);
  const space = sampleSpace(probed.model, undefined);
  const sample = { batch: 2, length: 0, dataSeed: 21, real: [20, 9, 20], side: 'post' as const };
  const key = sampleKey(sample);

  /** The last run: its twin's base pass of `sample`, carried. */
  const lastRun = (twin: Twin): { carry: ReturnType<typeof createCarry>; pass: Pass } => {
    const carry = createCarry();
    const runner = createRunner(tf, twin);
    const cache = createPassCache(runner);
    const inputs = makeInputs(tf, space.plans, sample);
    const pass = cache.get(sample, inputs);
    tf.dispose(inputs);
    carryOver(carry, stubPrints(twin), cache.held);
    return { carry, pass };
  };
  const producedBy = (runner: Runner, layer: string): number => [...runner.producer].find(([, n]) => n === layer)?.[0] ?? -1;
  const baseOf = (twin: Twin, carried: ((k: string) => Pass | undefined) | undefined): { pass: Pass; runner: Runner } => {
    const runner = createRunner(tf, twin);
    const inputs = makeInputs(tf, space.plans, sample);
    const pass = createPassCache(runner, undefined, carried).get(sample, inputs);
    tf.dispose(inputs);
    return { pass, runner };
  };

  it('reuses every unchanged stub, and the pass is exactly a fresh one', () => {
    const before = lastRun(buildTwin(tf, probed, file, 5));
    const twin = buildTwin(tf, probed, file, 5);
    const carried = carriedPasses(before.carry, stubPrints(twin));
    assert.ok(carried, 'the same stubs: something to carry');
    assert.deepEqual([...(carried(key)?.calls.keys() ?? [])].sort(), [...twin.stubs.keys()].sort(), 'only the stubs are carried');
    const { pass, runner } = baseOf(twin, carried);
    const fresh = createRunner(tf, buildTwin(tf, probed, file, 5));
    const inputs = makeInputs(tf, space.plans, sample);
    const full = fresh.run(inputs);
    tf.dispose(inputs);
    for (const id of runner.order) {
      assert.deepEqual(
        Array.from(pass.values.get(id)?.values ?? []),
        Array.from(full.values.get(id)?.values ?? [0]),
        `tensor of ${runner.producer.get(id)}`,
      );
    }
    // The stubs' outputs are the last run's very arrays; the user's crop layer ran again.
    const backbone = producedBy(runner, 'backbone');
    assert.equal(pass.values.get(backbone)?.values, before.pass.values.get(backbone)?.values);
    const crop = producedBy(runner, 'crop');
    assert.notEqual(pass.values.get(crop)?.values, before.pass.values.get(crop)?.values);
  });

  it('runs a stub again when its weights or spec changed, and carries nothing from another seed', () => {
    const before = lastRun(buildTwin(tf, probed, file, 5));
    // Calibration gave the LSTM's stub another gain: its spec differs, the others do not.
    const gains = new Map([['motion', [0.5]]]);
    const regained = buildTwin(tf, probed, file, 5, { gains });
    const carried = carriedPasses(before.carry, stubPrints(regained));
    const calls = [...(carried?.(key)?.calls.keys() ?? [])];
    assert.ok(calls.includes('backbone') && !calls.includes('motion'), `carried: ${calls.join(', ')}`);
    const { pass, runner } = baseOf(regained, carried);
    const motion = producedBy(runner, 'motion');
    assert.notDeepEqual(Array.from(pass.values.get(motion)?.values ?? []), Array.from(before.pass.values.get(motion)?.values ?? []));
    assert.equal(carriedPasses(before.carry, stubPrints(buildTwin(tf, probed, file, 6))), undefined, 'another seed: other weights');
    assert.equal(carriedPasses(createCarry(), stubPrints(regained)), undefined, 'the first run of a session');
    assert.equal(carried?.('another sample'), undefined);
  });

  it('takes nothing from a pass that threw', () => {
    const twin = buildTwin(tf, probed, file, 5);
    const carry = createCarry();
    carryOver(carry, stubPrints(twin), new Map([[key, { ...lastRun(twin).pass, error: 'boom' }]]));
    assert.equal(carriedPasses(carry, stubPrints(twin))?.(key), undefined);
  });
});
