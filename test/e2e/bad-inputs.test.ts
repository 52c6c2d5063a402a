// Every bad input through the command itself: exit 2, at most a few lines on stderr naming the
// file, and not one file of the user's project changed or added. --verbose adds the whole stack.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/run.js';

const work = mkdtempSync(join(ROOT, 'test/e2e/.tmp-bad-'));
after(() => rmSync(work, { recursive: true, force: true }));
const project = join(work, 'project');
cpSync(join(ROOT, 'test/fixtures/bad'), project, { recursive: true });

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

const cli = (args: string[]) => runCli(args, { cwd: project, timeoutMs: 60_000 });

describe("bad input through the command: exit 2, a few lines, nothing of the user's changed", () => {
  const before = snapshot(project);
  for (const [file, message, extra] of [
    ['does-not-exist.ts', /no such file/, []],
    ['.', /is a folder, not a module/, []],
    ['empty.ts', /empty\.ts is empty/, []],
    ['notes.txt', /unsupported file type/, []],
    ['syntax.ts', /syntax\.ts:6:\d+: syntax error/, []],
    ['missing-package.ts', /missing-package\.ts:2: cannot import 'no-such-package-xyz'/, []],
    ['no-default.ts', /no default export/, []],
    ['wrong-kind.ts', /is a number, not a model factory/, []],
    ['throws-at-import.ts', /throws-at-import\.ts:3:\d+: the module threw while loading/, []],
    ['throws.ts', /throws\.ts:6:\d+: factory 'default' threw/, []],
    ['returns-nothing.ts', /returned undefined, not a tf\.LayersModel/, []],
    ['never-settles.ts', /did not finish within 1 s/, ['--timeout', '1']],
    ['loops-at-import.ts', /importing the module did not finish within 1 s \(phase: import\)/, ['--timeout', '1']],
    ['loops-in-factory.ts', /running the module's factory did not finish within 1 s \(phase: factory\)/, ['--timeout', '1']],
    ['graph-model.json', /holds no layers-model topology/, []],
    ['truncated-model.json', /is not valid JSON/, []],
  ] as const) {
    it(file, () => {
      const result = cli([file, ...extra]);
      assert.equal(result.status, 2, result.stdout + result.stderr);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^scaffold-mini: /);
      assert.match(result.stderr, /^hint: /m);
      assert.ok(result.stderr.trim().split('\n').length <= 6, result.stderr);
      assert.deepEqual(snapshot(project), before, 'no file of the project changed or appeared');
    });
  }

  it("--verbose adds the whole stack of the user's error", () => {
    const result = cli(['throws.ts', '--verbose']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Error: the head is not wired yet\n\s+at build/);
  });
});
