import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example, fixture, runQuiet } from '../helpers/run.js';

describe('shape, dtype and finite: each fails on its bug and passes on the near-miss', () => {
  it('shape: a user layer that returns fewer steps than it declares, shrunk to the shortest input', async () => {
    const report = await runQuiet(fixture('checks/shape-bug.ts'), { only: ['shape'], runs: 100 });
    assert.equal(report.ok, false);
    const finding = report.findings.find((f) => f.where === "layer 'last_steps'");
    assert.ok(finding, JSON.stringify(report.findings));
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /expected \[1, 4, 64\] for batch 1, got \[1, \d, 64\]/);
    assert.equal(finding.source?.line, 20);
    assert.deepEqual({ batch: finding.counterexample?.['batch'], length: finding.counterexample?.['length'] }, { batch: 1, length: 1 });
  });

  it('shape: a layer whose call throws is named once, at its line, not every tensor after it', async () => {
    const report = await runQuiet(fixture('checks/shape-throws.ts'), { only: ['shape'], runs: 100 });
    const thrown = report.findings.filter((f) => /throws/.test(f.message));
    assert.equal(thrown.length, 1, JSON.stringify(report.findings));
    assert.equal(thrown[0]?.where, "layer 'pair_steps'");
    assert.match(thrown[0]?.message ?? '', /^layer 'pair_steps': its call throws: /);
    assert.equal(thrown[0]?.source?.line, 22);
    assert.ok((thrown[0]?.counterexample?.['length'] as number) < 4);
  });

  it('shape: a kept-real RNN with initial states, then more layers, runs clean (tfjs leaves its states in the shared kwargs)', async () => {
    const report = await runQuiet(fixture('good/seq2seq-kept-decoder.ts'), { only: ['shape', 'dtype', 'finite'], runs: 20 });
    assert.deepEqual(
      report.components.map((c) => c.name),
      ['enc_rnn'],
    );
    assert.deepEqual(report.findings, []);
  });

  it('shape: the padded near-miss passes', async () => {
    const report = await runQuiet(fixture('checks/shape-ok.ts'), { runs: 100, only: ['shape', 'dtype', 'finite'] });
    assert.deepEqual(report.findings, []);
    assert.equal(report.checks.find((c) => c.id === 'shape')?.status, 'pass');
  });

  it('dtype: a user layer that returns int32 indices where floats are declared', async () => {
    const report = await runQuiet(fixture('checks/dtype-bug.ts'), { only: ['dtype'] });
    const finding = report.findings.find((f) => f.check === 'dtype');
    assert.equal(finding?.where, "layer 'strongest'");
    assert.match(finding?.message ?? '', /expected dtype float32, got int32/);
  });

  it('finite: log of ReLU outputs gives -Infinity, log1p does not', async () => {
    const bad = await runQuiet(fixture('checks/finite-bug.ts'), { only: ['finite'] });
    assert.ok(
      bad.findings.some((f) => f.check === 'finite' && f.where === "layer 'log_scale'"),
      JSON.stringify(bad.findings),
    );
    const good = await runQuiet(fixture('checks/finite-ok.ts'), { only: ['finite'] });
    assert.deepEqual(good.findings, []);
  });

  it('replays a finding from its seed with --only', async () => {
    const first = await runQuiet(fixture('checks/shape-bug.ts'), { only: ['shape'], seed: 99, runs: 100 });
    const finding = first.findings[0];
    assert.ok(finding?.seed !== undefined);
    const again = await runQuiet(fixture('checks/shape-bug.ts'), { only: ['shape'], seed: finding.seed, runs: 100 });
    assert.deepEqual(again.findings, first.findings);
  });

  it('the tracker example passes all three with 100 runs each', async () => {
    const report = await runQuiet(example('tracker/composite.ts'), { runs: 100, only: ['shape', 'dtype', 'finite'] });
    assert.deepEqual(report.findings, []);
    assert.deepEqual(
      report.checks.map((c) => [c.id, c.status, c.runs]),
      [
        ['shape', 'pass', 100],
        ['dtype', 'pass', 100],
        ['finite', 'pass', 100],
      ],
    );
  });
});

describe('batch-independence charts with gradients where values cannot tell', () => {
  it('a leak of 1e-7 of the batch mean passes the value comparison but not the gradient chart', async () => {
    const report = await runQuiet(fixture('checks/tiny-batch-leak.ts'), { only: ['determinism', 'batch-independence'], runs: 100 });
    const finding = report.findings.find((f) => f.check === 'batch-independence');
    assert.ok(finding, JSON.stringify(report.findings));
    assert.equal(finding.where, "input 'features'");
    assert.equal(finding.counterexample?.['charted'], 'gradient');
  });

  it('a clean composite passes the chart too', async () => {
    const report = await runQuiet(fixture('checks/finite-ok.ts'), { only: ['determinism', 'batch-independence'], runs: 100 });
    assert.deepEqual(report.findings, []);
  });
});

describe('causality charts with gradients where values cannot tell', () => {
  it('1e-7 of the next step leaking into every step is found by the gradient chart, behind a softmax, whatever the seed', async () => {
    // A softmax row sums to 1: the chart must weigh the outputs, or its gradient is zero by construction.
    for (const seed of [7, 1, 2, 3]) {
      const report = await runQuiet(fixture('checks/tiny-future-leak.ts'), { only: ['determinism', 'causality'], runs: 100, seed });
      const finding = report.findings.find((f) => f.check === 'causality');
      assert.ok(finding, `seed ${seed}: ${JSON.stringify(report.findings)}`);
      assert.equal(finding.counterexample?.['charted'], 'gradient');
    }
  });
});

describe('input-relevance draws values that really differ', () => {
  it('confirms on other samples before an input counts as irrelevant (a product with a gate that is zero for one sample)', async () => {
    // With seed 3 a sample's image vector is all zero, so the title moved nothing on it: not irrelevance.
    const report = await runQuiet(example('bugs/ok-gated-fusion/composite.ts'), {
      seed: 3,
      runs: 100,
      only: ['determinism', 'batch-independence', 'input-relevance'],
    });
    assert.deepEqual(report.findings, []);
    const dead = await runQuiet(example('bugs/dead-branch/composite.ts'), {
      seed: 3,
      only: ['determinism', 'batch-independence', 'input-relevance'],
    });
    assert.ok(
      dead.findings.some((f) => f.check === 'input-relevance' && f.severity === 'error'),
      JSON.stringify(dead.findings),
    );
  });

  it('never takes a 7-class input for irrelevant because the same class came up again', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const report = await runQuiet(fixture('checks/weekday-input.ts'), { only: ['input-relevance'], runs: 100, seed });
      assert.deepEqual(report.findings, [], `seed ${seed}`);
    }
  });
});
