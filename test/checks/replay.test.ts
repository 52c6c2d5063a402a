import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example, runQuiet } from '../helpers/run.js';

describe('replay', () => {
  it('--only <check> --seed <seed> finds the same minimal counterexample again (masking)', async () => {
    const file = example('bugs/avgpool-over-padding/composite.ts');
    const first = await runQuiet(file, { only: ['masking'], seed: 1234, runs: 100 });
    const finding = first.findings.find((f) => f.check === 'masking');
    assert.ok(finding?.seed !== undefined && finding.path, JSON.stringify(first.findings));
    const again = await runQuiet(file, { only: ['masking'], seed: finding.seed, runs: 100 });
    assert.deepEqual(again.findings, first.findings);
  });

  it('another seed explores other samples but finds the same bug', async () => {
    const file = example('bugs/avgpool-over-padding/composite.ts');
    const other = await runQuiet(file, { only: ['masking'], seed: 99, runs: 100 });
    assert.ok(other.findings.some((f) => f.check === 'masking' && f.where.includes('pool')));
  });
});
