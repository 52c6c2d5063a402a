// tensor-leak beyond the zoo: which paths tfjs tidies for a layer (pinned: the check's messages
// rely on it), a layer that makes intermediates without tf.tidy, one that keeps tensors, their
// clean versions, and a leak blamed on the layer that makes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Report } from '../../src/model/report.js';
import { example, fixture, runQuiet } from '../helpers/run.js';
import { Hoarding, Untidied } from '../fixtures/checks/leaky-layers.js';

await tf.setBackend('cpu');
const leaksOf = (report: Report) => report.findings.filter((f) => f.check === 'tensor-leak');
const run = (exportName: string) => runQuiet(fixture('checks/leaky-layers.ts'), { exportName, only: ['tensor-leak'] });

/** Tensors one call of `work` leaves, after a first call. */
function growth(work: () => void): number {
  work();
  const before = tf.memory().numTensors;
  work();
  return tf.memory().numTensors - before;
}

describe('what tfjs tidies for a layer (tfjs 4.22)', () => {
  const model = (layer: tf.layers.Layer): tf.LayersModel => {
    const x = tf.input({ shape: [4] });
    const y = tf.layers.dense({ units: 2 }).apply(layer.apply(x)) as tf.SymbolicTensor;
    const m = tf.model({ inputs: x, outputs: y });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    return m;
  };
  const x = tf.ones([3, 4]);
  const y = tf.zeros([3, 2]);

  it("tidies a layer's intermediates in predict, apply, trainOnBatch and gradients, not in execute", async () => {
    const m = model(new Untidied({}));
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
    assert.equal(
      growth(() => tf.dispose(m.predict(x))),
      0,
    );
    assert.equal(
      growth(() => tf.dispose(m.apply(x) as tf.Tensor)),
      0,
    );
    assert.equal(
      growth(() => void m.trainOnBatch(x, y)),
      0,
    );
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, m.apply(x) as tf.Tensor) as tf.Scalar, vars);
      tf.dispose([value, ...Object.values(grads)]);
    };
    assert.equal(growth(step), 0);
    assert.equal(
      growth(() => tf.dispose(m.execute(x, m.outputs[0]?.name ?? ''))),
      2,
      'execute leaves both intermediates',
    );
  });

  it('keeps what a layer keeps on every path', () => {
    const m = model(new Hoarding({}));
    assert.equal(
      growth(() => tf.dispose(m.predict(x))),
      1,
    );
    assert.equal(
      growth(() => tf.tidy(() => void m.apply(x))),
      1,
    );
  });
});

describe('tensor-leak', () => {
  it('names a layer that makes intermediates without tf.tidy, with its count and line', async () => {
    const [finding, ...rest] = leaksOf(await run('untidied'));
    assert.ok(finding, 'a finding');
    assert.deepEqual(rest, []);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.where, "layer 'sloppy'");
    assert.match(finding.message, /leaves 2 intermediate tensor\(s\) per call/);
    assert.match(finding.source?.file ?? '', /leaky-layers\.ts$/);
  });

  it('names a layer that keeps a tensor per call', async () => {
    const findings = leaksOf(await run('hoarding'));
    assert.equal(findings.length, 1, JSON.stringify(findings));
    assert.equal(findings[0]?.where, "layer 'hoard'");
    assert.match(findings[0]?.message ?? '', /keeps 1 tensor\(s\) alive on every call/);
  });

  it('is silent on the same layer in tf.tidy', async () => {
    const report = await run('tidied');
    assert.deepEqual(leaksOf(report), []);
    assert.equal(report.checks.find((c) => c.id === 'tensor-leak')?.status, 'pass');
  });

  it("is silent, run alone, on the zoo's layer that disposes the map it replaces (its first call fills the cache)", async () => {
    const report = await runQuiet(example('bugs/ok-attention-map-replaced/composite.ts'), { only: ['tensor-leak'] });
    assert.deepEqual(leaksOf(report), []);
  });

  it('blames a layer held by a user layer for what it keeps, not for what its holder tidies', async () => {
    const findings = leaksOf(await run('residual'));
    assert.deepEqual(
      findings.map((f) => f.where),
      ["layer 'inner_hoard'"],
      JSON.stringify(findings),
    );
    assert.match(findings[0]?.message ?? '', /'inner_hoard' \(inside 'residual'\) keeps 1 tensor\(s\)/);
    assert.match(findings[0]?.source?.file ?? '', /leaky-layers\.ts$/, "the holder's line");
  });
});
