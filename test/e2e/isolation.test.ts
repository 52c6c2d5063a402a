// The user's module runs in a watched child process: an endless loop (at import or in the factory)
// or memory without end becomes exit 2 naming the phase, in time; SIGINT leaves the previous
// outputs whole.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, startCli } from '../helpers/cli.js';
import { ROOT, fixture } from '../helpers/run.js';

const work = mkdtempSync(join(ROOT, 'test/e2e/.tmp-isolation-'));
after(() => rmSync(work, { recursive: true, force: true }));

const cli = (args: string[]) => runCli(args, { timeoutMs: 60_000 });

describe("isolation of the user's code", () => {
  for (const [name, where, phase, doing] of [
    ['loops-at-import', 'at import', 'import', 'importing the module'],
    ['loops-in-factory', 'in the factory', 'factory', "running the module's factory"],
  ] as const) {
    it(`an endless loop ${where} is stopped after --timeout and exits 2 naming the phase`, () => {
      const result = cli([fixture(`bad/${name}.ts`), '--timeout', '2', '--no-emit']);
      assert.equal(result.status, 2, result.stderr);
      assert.ok(
        result.stderr.startsWith(`scaffold-mini: ${doing} did not finish within 2 s (phase: ${phase}); it was stopped\n`),
        result.stderr,
      );
      assert.match(result.stderr, /hint: look for an endless loop/);
      assert.ok(result.stderr.trim().split('\n').length <= 3, result.stderr);
      // The limit plus a second after the phase began, plus starting node and importing tfjs.
      assert.ok(result.ms < 15_000, `${result.ms} ms`);
    });
  }

  it('memory without end is stopped at --max-memory and exits 2 with a few lines', () => {
    const result = cli([fixture('bad/exhausts-memory.ts'), '--max-memory', '300', '--no-emit']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /ran out of memory \(limit 300 MB\) while running the module's factory/);
    assert.ok(result.stderr.trim().split('\n').length <= 3, result.stderr);
  });

  it('SIGINT during a run leaves the previous outputs whole', async () => {
    const dir = join(work, 'tracker');
    cpSync(join(ROOT, 'examples/tracker'), dir, { recursive: true });
    const composite = join(dir, 'composite.ts');
    const out = join(dir, 'composite.mini');
    const first = cli([composite, '--runs', '5']);
    assert.equal(first.status, 0, first.stderr);
    const before = new Map<string, string>(
      readdirSync(out)
        .filter((f) => f.endsWith('.ts') || f.endsWith('.json') || f.endsWith('.html'))
        .map((f): [string, string] => [f, readFileSync(join(out, f), 'utf8')]),
    );
    // A second run, with another seed (new outputs), interrupted while it works.
    const child = startCli([composite, '--seed', '9']);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.notEqual(code, 0, 'the run was interrupted');
    for (const [file, text] of before) {
      const now = readFileSync(join(out, file), 'utf8');
      assert.ok(now === text || now.length > 0, `${file} is whole`);
      if (file.endsWith('.json')) JSON.parse(now); // never half written
    }
    assert.deepEqual(
      readdirSync(out).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary files left',
    );
  });
});
