// A watch session's runs: after an edit, a run that takes the last run's passes gives the very
// report a fresh run gives (it only computes less), whatever the edit changed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Session } from '../../src/model/session.js';
import type { Report } from '../../src/model/report.js';
import { run } from '../../src/pipeline/run.js';
import { example, ROOT } from '../helpers/run.js';

const work = mkdtempSync(join(ROOT, 'test/e2e/.tmp-session-'));
after(() => rmSync(work, { recursive: true, force: true }));

const verdict = (r: Report): unknown => ({
  checks: r.checks.map((c) => [c.id, c.status, c.runs, c.reason]),
  findings: r.findings.map((f) => [f.check, f.severity, f.where, f.message]),
});

describe('run in a watch session', () => {
  it('gives the report of a fresh run after an edit to a component and to a layer after the stubs', async () => {
    const file = join(work, 'composite.ts');
    const source = readFileSync(example('tracker/composite.ts'), 'utf8');
    const edits: [string, string][] = [
      ["units: 256, name: 'motion'", "units: 128, name: 'motion'"], // a component: its stub changes
      ["activation: 'softmax', name: 'label'", "activation: 'sigmoid', name: 'label'"], // a layer after the stubs: a bug
    ];
    const options = { seed: 3, emit: false, only: ['shape', 'dtype', 'finite', 'determinism', 'output-activation', 'activation-health'] };
    const session: Session = {};
    writeFileSync(file, source);
    await run(file, options, {}, session);
    for (const [from, to] of edits) {
      assert.ok(source.includes(from));
      writeFileSync(file, source.replace(from, to));
      const carried = await run(file, options, {}, session);
      const fresh = await run(file, options);
      assert.deepEqual(verdict(carried), verdict(fresh), `after ${to}`);
    }
    const withBug = await run(file, options, {}, session);
    assert.ok(
      withBug.findings.some((f) => f.check === 'output-activation' && f.severity === 'error'),
      'the bug the last edit brought in is found on a carried run',
    );
  });

  it('keeps its emit worker: the twin and type errors of the next save come from it, read again from disk', async () => {
    const file = join(work, 'emitted.ts');
    const out = join(work, 'emitted.mini');
    const source = readFileSync(example('tracker/composite.ts'), 'utf8');
    const options = { seed: 3, out, only: ['shape'] };
    const session: Session = {};
    writeFileSync(file, source);
    const first = await run(file, options, {}, session);
    const worker = session.emit;
    assert.ok(worker, 'the session keeps the worker');
    assert.ok(!first.findings.some((f) => /type error/.test(f.message)));
    // The save: another width, and a type error the kept type checker must see.
    const edited = source
      .replace("units: 128, activation: 'relu', name: 'fuse'", "units: 96, activation: 'relu', name: 'fuse'")
      .replace('export const NUM_CLASSES = 10;', "export const NUM_CLASSES = 10;\nconst wrong: number = 'ten';\nvoid wrong;");
    writeFileSync(file, edited);
    const second = await run(file, options, {}, session);
    assert.equal(session.emit, worker, 'the same worker took the second job');
    assert.match(readFileSync(join(out, 'emitted.mini.ts'), 'utf8'), /units: 96, activation: 'relu', name: 'fuse'/);
    assert.ok(
      second.findings.some((f) => /type error: TS2322/.test(f.message)),
      second.findings.map((f) => f.message).join('\n'),
    );
    await (worker as { terminate(): Promise<number> }).terminate();
  });
});
