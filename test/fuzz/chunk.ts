// One chunk of `npm run fuzz` (a child process, so that memory stays bounded): `count` cases from
// `seed`, one JSON line of results on stdout; the first bug found is printed in full.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { ROOT } from '../helpers/run.js';
import { breakage, compositeSpec } from './composites.js';
import { bugIn, fuzzCase } from './run-case.js';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, count: { type: 'string', default: '250' } } });
const dir = mkdtempSync(join(ROOT, 'test/e2e/.tmp-fuzz-'));
const tally = { cases: 0, reports: 0, refused: {} as Record<string, number>, bugs: 0 };
try {
  const cases = fc.sample(fc.tuple(compositeSpec, breakage, fc.double({ min: 0.05, max: 0.95, noNaN: true })), {
    seed: Number(values.seed),
    numRuns: Number(values.count),
  });
  for (const [i, [spec, broken, cut]] of cases.entries()) {
    const outcome = await fuzzCase(dir, i, spec, broken, cut);
    tally.cases++;
    if (outcome.kind === 'report') tally.reports++;
    if (outcome.kind === 'refused') tally.refused[outcome.code] = (tally.refused[outcome.code] ?? 0) + 1;
    const bug = bugIn(outcome, broken);
    if (bug) {
      tally.bugs++;
      process.stderr.write(`BUG in case ${i} of seed ${values.seed} (${broken}): ${bug}\n${JSON.stringify(spec)}\n`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(tally)}\n`);
