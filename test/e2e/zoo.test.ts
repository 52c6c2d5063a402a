// The bug zoo (examples/bugs): every bug composite is caught by its check, at its culprit, and every
// near miss (ok-*, the corrected twin of a bug) gets no error from any check, and no warning from
// the check of its bug.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { placeNames, placeText } from '../../src/model/place.js';
import type { Finding } from '../../src/model/report.js';
import { run } from '../../src/pipeline/run.js';
import { ROOT } from '../helpers/run.js';

interface BugEntry {
  name: string;
  /** The check that must report it, with severity error. */
  check: string;
  /** A substring of the finding's `where`: the culprit layer, component or input. */
  where: string;
  /** The severity the contract gives that check (default error). */
  severity?: 'error' | 'warning';
  bug: string;
}

interface NearMiss {
  name: string;
  check: null;
  /** The bug entry this one corrects. */
  nearMissOf: string;
  bug: string;
}

type Entry = BugEntry | NearMiss;

const ZOO = join(ROOT, 'examples/bugs');
const manifest = JSON.parse(readFileSync(join(ZOO, 'manifest.json'), 'utf8')) as Entry[];
const bugs = manifest.filter((e): e is BugEntry => e.check !== null);
const nearMisses = manifest.filter((e): e is NearMiss => e.check === null);
const composite = (name: string): string => join(ZOO, name, 'composite.ts');
// ZOO_SEED runs the zoo with another seed (npm run zoo-seeds runs seeds 1 to 10). Each check with its
// own run budget, as a user runs it: the zoo is what proves the budgets find its bugs.
const OPTIONS = { emit: false, seed: Number(process.env['ZOO_SEED'] ?? 7) } as const;

function show(findings: Finding[]): string {
  if (findings.length === 0) return '  (no findings)';
  return findings.map((f) => `  ${f.severity} [${f.check}] ${f.where}: ${f.message}`).join('\n');
}

describe('bug zoo manifest', () => {
  it('lists every folder under examples/bugs once, each with a composite.ts', () => {
    const folders = readdirSync(ZOO)
      .filter((name) => statSync(join(ZOO, name)).isDirectory())
      .sort();
    const names = manifest.map((e) => e.name);
    assert.equal(new Set(names).size, names.length, `duplicate names in the manifest: ${names.join(', ')}`);
    assert.deepEqual([...names].sort(), folders);
    for (const name of names) assert.ok(existsSync(composite(name)), `${name}/composite.ts is missing`);
  });

  it('has at least 15 bugs and 6 near misses, named and linked consistently', () => {
    assert.ok(bugs.length >= 15, `${bugs.length} bugs`);
    assert.ok(nearMisses.length >= 6, `${nearMisses.length} near misses`);
    for (const e of bugs) {
      assert.ok(!e.name.startsWith('ok-'), `${e.name}: a bug must not be named ok-*`);
      assert.ok(typeof e.where === 'string' && e.where.length > 0, `${e.name}: where must name the culprit`);
      assert.ok(e.bug.length > 0, `${e.name}: bug must say what is wrong`);
    }
    const bugNames = new Set(bugs.map((e) => e.name));
    for (const e of nearMisses) {
      assert.ok(e.name.startsWith('ok-'), `${e.name}: a near miss must be named ok-*`);
      assert.ok(bugNames.has(e.nearMissOf), `${e.name}: nearMissOf '${e.nearMissOf}' is not a bug of the zoo`);
    }
  });
});

// Entries run one after another (each run is CPU-bound in this process; the runner already runs
// test files two at a time).
describe('bug zoo: each bug is caught by its check at its culprit', { concurrency: 1 }, () => {
  for (const entry of bugs) {
    const severity = entry.severity ?? 'error';
    it(`${entry.name}: ${entry.check} at '${entry.where}' (${severity})`, async () => {
      const report = await run(composite(entry.name), { ...OPTIONS, only: [entry.check] });
      const caught = report.findings.find((f) => f.check === entry.check && f.severity === severity && f.where.includes(entry.where));
      assert.ok(
        caught,
        `expected a${severity === 'error' ? 'n' : ''} ${severity} finding of '${entry.check}' whose where contains '${entry.where}' (${entry.bug}); got:\n${show(report.findings)}`,
      );
      // The structured place names the culprit too, and `where` is its text; a finding about the
      // whole model has no place and says so.
      if (caught.place) {
        assert.equal(caught.where, placeText(caught.place));
        assert.ok(
          placeNames(caught.place).some((name) => name.includes(entry.where)),
          `${entry.name}: place ${JSON.stringify(caught.place)}`,
        );
      } else {
        assert.equal(caught.where, 'model', `${entry.name}: a finding with no place must be about the whole model`);
      }
    });
  }
});

describe('bug zoo: near misses get no error from any check', { concurrency: 1 }, () => {
  for (const entry of nearMisses) {
    it(`${entry.name} (near miss of ${entry.nearMissOf})`, async () => {
      const report = await run(composite(entry.name), OPTIONS);
      const check = bugs.find((b) => b.name === entry.nearMissOf)?.check;
      const errors = report.findings.filter((f) => f.severity === 'error' || (f.severity === 'warning' && f.check === check));
      assert.equal(
        errors.length,
        0,
        `${entry.name} (${entry.bug}) should pass every check (and get no warning from ${check}); got:\n${show(report.findings)}`,
      );
      assert.equal(report.ok, true);
    });
  }
});
