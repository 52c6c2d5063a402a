import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../src/checks/registry.js';
import { DEFAULTS, resolveOptions, runsFor } from '../src/config.js';
import { optionsFromFlags } from '../src/cli/flags.js';

describe('run budgets', () => {
  it('each property check runs its own budget by default, --runs N overrides every one, --thorough gives the full budget', () => {
    const plain = resolveOptions('model.ts');
    assert.equal(plain.runs, undefined);
    assert.equal(runsFor(CHECKS.masking, plain), CHECKS.masking.runs);
    assert.equal(runsFor(CHECKS.shape, plain), CHECKS.shape.runs);
    assert.ok((CHECKS.shape.runs ?? 0) < DEFAULTS.runs, 'the budget is smaller than the thorough one');
    // A check without a budget of its own gets the full one.
    assert.equal(runsFor(CHECKS.overfit, plain), DEFAULTS.runs);
    assert.equal(runsFor(CHECKS.shape, resolveOptions('model.ts', { thorough: true })), DEFAULTS.runs);
    assert.equal(runsFor(CHECKS.shape, resolveOptions('model.ts', { runs: 7, thorough: true })), 7);
    assert.throws(() => resolveOptions('model.ts', { runs: 0 }), /--runs must be a whole number of at least 1/);
  });

  it('--thorough is a flag of the command', () => {
    assert.deepEqual(optionsFromFlags({ thorough: true }).options, { thorough: true });
  });
});
