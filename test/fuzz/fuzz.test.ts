// The tool fuzzed against itself: random composites (depth, branches, masking, recurrent and conv
// components, the user's own pass-through layers, shapes) and random broken modules. Each must end
// in a report with a shape-faithful twin, or in a clean refusal (exit 2): never a crash or a hang.
// 200 cases here; `npm run fuzz` runs thousands.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ROOT } from '../helpers/run.js';
import { breakage, compositeSpec } from './composites.js';
import { bugIn, fuzzCase } from './run-case.js';

const dir = mkdtempSync(join(ROOT, 'test/e2e/.tmp-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('self-fuzzing', () => {
  it('200 random composites and broken modules: a report or exit 2, never a crash', { timeout: 300_000 }, async () => {
    let index = 0;
    const ends = { report: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(compositeSpec, breakage, fc.double({ min: 0.05, max: 0.95, noNaN: true }), async (spec, broken, cut) => {
        const outcome = await fuzzCase(dir, index++, spec, broken, cut);
        if (outcome.kind !== 'crash') ends[outcome.kind]++;
        const bug = bugIn(outcome, broken);
        assert.equal(bug, null, bug ?? '');
      }),
      { numRuns: 200, seed: 20261127, endOnFailure: true },
    );
    assert.ok(ends.report > 100, `${ends.report} reports, ${ends.refused} refusals: most generated composites must be usable`);
  });
});
