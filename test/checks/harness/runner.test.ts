import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeInputs, sampleSpace } from '../../../src/checks/harness/fake-inputs.js';
import { createRunner } from '../../../src/checks/harness/runner.js';
import { buildTwin } from '../../../src/pipeline/twin.js';
import { loadTf, selectBackend } from '../../../src/tfjs/tf-instance.js';
import { example } from '../../helpers/run.js';
import { loadAndProbe } from '../../helpers/stages.js';

describe('runner', async () => {
  const file = example('tracker/composite.ts');
  const { tf } = await loadTf(file);
  await selectBackend(tf, 'cpu', file);
  const { probed } = await loadAndProbe(tf, file);
  const twin = buildTwin(tf, probed, file, 5);
  const runner = createRunner(tf, twin);
  const space = sampleSpace(probed.model, undefined);
  const sample = { batch: 2, length: 0, dataSeed: 11, real: [20, 7, 20], side: 'post' as const };

  it('records every tensor of the graph, the masks layers get, and who made them', () => {
    const pass = runner.run(makeInputs(tf, space.plans, sample));
    assert.equal(pass.error, undefined);
    for (const id of runner.order) assert.ok(pass.values.has(id), `tensor ${id} (${runner.producer.get(id)}) recorded`);
    assert.deepEqual(pass.received.get('motion')?.shape, [2, 20]);
    assert.equal(pass.receivedFrom.get('motion'), 'track_mask');
    // tfjs hands the mask on to later layers of the other branch too.
    assert.equal(pass.receivedFrom.get('label'), 'track_mask');
  });

  it('a pass reusing a base pass gives exactly what a full pass gives, when one input changes', () => {
    const inputs = makeInputs(tf, space.plans, sample);
    const base = runner.run(inputs);
    const other = makeInputs(tf, space.plans, { ...sample, dataSeed: 12 });
    const mixed = [inputs[0]!, other[1]!]; // the same image, another track
    const reused = runner.run(mixed, {}, base);
    const full = runner.run(mixed);
    for (const id of runner.order) {
      const a = reused.values.get(id);
      const b = full.values.get(id);
      assert.ok(a && b);
      assert.deepEqual(Array.from(a.values), Array.from(b.values), `tensor ${id} (${runner.producer.get(id)})`);
    }
    // The image branch was reused: its tensors are the base pass's very arrays.
    const backbone = [...runner.producer.entries()].find(([, n]) => n === 'backbone')?.[0] ?? -1;
    assert.equal(reused.values.get(backbone)?.values, base.values.get(backbone)?.values);
    assert.notEqual(full.values.get(backbone)?.values, base.values.get(backbone)?.values);
  });

  it('times each stand-in for a component per sample where it runs, never the user layers, nor a reused call', () => {
    const fresh = createRunner(tf, twin);
    const inputs = makeInputs(tf, space.plans, sample);
    const base = fresh.run(inputs);
    assert.deepEqual([...fresh.standInMs.keys()].sort(), ['backbone', 'detector', 'head', 'motion']);
    const first = new Map(fresh.standInMs);
    for (const ms of first.values()) assert.ok(ms > 0 && Number.isFinite(ms));
    // The same inputs again, every stub reused: nothing timed, the least per sample unchanged.
    fresh.run(inputs, {}, base);
    assert.deepEqual(new Map(fresh.standInMs), first);
    tf.dispose(inputs);
  });

  it('says in which layer a failing pass threw, and whether that layer is a stub', () => {
    const stub = twin.stubs.get('detector')!.layer;
    // The runner wraps the layer's call; the stub's own code below it fails.
    const core = (stub as unknown as { core: { forward: (...a: unknown[]) => unknown } }).core;
    const forward = core.forward;
    core.forward = () => {
      throw new Error('broken stub');
    };
    try {
      const pass = runner.run(makeInputs(tf, space.plans, sample));
      assert.match(pass.error ?? '', /broken stub/);
      assert.deepEqual(pass.errorIn, { layer: 'detector', stub: true });
    } finally {
      core.forward = forward;
    }
    assert.equal(runner.run(makeInputs(tf, space.plans, sample)).error, undefined);
  });

  it('reuses a stub that ignores masks although the stale mask it receives changed', () => {
    const inputs = makeInputs(tf, space.plans, sample);
    const base = runner.run(inputs);
    const repadded = makeInputs(tf, space.plans, { ...sample, real: [3, 20, 12] }); // other padding, other mask
    const mixed = [inputs[0]!, repadded[1]!];
    const reused = runner.run(mixed, {}, base);
    const full = runner.run(mixed);
    // tfjs hands the track's mask to the image branch too (the stale-mask leak): it differs now.
    assert.ok(base.received.get('backbone') && reused.received.get('backbone'));
    assert.notDeepEqual(Array.from(base.received.get('backbone')!.values), Array.from(reused.received.get('backbone')!.values));
    const backbone = [...runner.producer.entries()].find(([, n]) => n === 'backbone')?.[0] ?? -1;
    assert.equal(reused.values.get(backbone)?.values, base.values.get(backbone)?.values, 'the backbone stub was not run again');
    for (const id of runner.order) {
      assert.deepEqual(
        Array.from(reused.values.get(id)!.values),
        Array.from(full.values.get(id)!.values),
        `tensor ${id} (${runner.producer.get(id)})`,
      );
    }
  });

  it('with stubsOnly, runs every user layer again and takes only stubs from the base pass', () => {
    const inputs = makeInputs(tf, space.plans, sample);
    const base = runner.run(inputs);
    const again = runner.run(inputs, {}, base, { stubsOnly: true });
    const idOf = (layer: string) => [...runner.producer.entries()].find(([, n]) => n === layer)?.[0] ?? -1;
    assert.equal(again.values.get(idOf('backbone'))?.values, base.values.get(idOf('backbone'))?.values, 'stub reused');
    assert.notEqual(again.values.get(idOf('crop'))?.values, base.values.get(idOf('crop'))?.values, 'the user layer ran again');
    assert.deepEqual(Array.from(again.values.get(idOf('crop'))!.values), Array.from(base.values.get(idOf('crop'))!.values));
  });

  it("with row, takes a stub's rows of the batch pass for one sample alone, and runs user layers again", () => {
    const inputs = makeInputs(tf, space.plans, sample);
    const base = runner.run(inputs);
    const alone = inputs.map((t) => tf.slice(t, 1, 1));
    const reused = runner.run(alone, {}, base, { row: 1 });
    const full = runner.run(alone);
    const idOf = (layer: string) => [...runner.producer.entries()].find(([, n]) => n === layer)?.[0] ?? -1;
    const backbone = reused.values.get(idOf('backbone'))!;
    assert.deepEqual(backbone.shape, [1, 14, 14, 256]);
    assert.equal(backbone.values.buffer, base.values.get(idOf('backbone'))!.values.buffer, 'row 1 of the batch pass');
    for (const id of runner.order) {
      const a = reused.values.get(id)!;
      const b = full.values.get(id)!;
      assert.deepEqual(a.shape, b.shape);
      for (let k = 0; k < a.values.length; k++)
        assert.ok(Math.abs(a.values[k]! - b.values[k]!) <= 1e-5, `tensor ${id} (${runner.producer.get(id)})`);
    }
  });
});
