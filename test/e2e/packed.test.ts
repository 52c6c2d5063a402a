// The package as users get it: `npm pack`, installed into a fresh project beside tfjs, tsx and
// Vitest; the CLI writes <name>.mini.test.ts, and both node --test and Vitest fail it exactly where
// the CLI reports an error (and pass it on a clean composite). The one slow end-to-end case.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { childEnv } from '../helpers/cli.js';
import { ROOT } from '../helpers/run.js';

const work = mkdtempSync(join(tmpdir(), 'scaffold-mini-packed-'));
after(() => rmSync(work, { recursive: true, force: true }));
const project = join(work, 'project');
const version = (pkg: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: childEnv(), timeout: 300_000 });
}

describe("scaffold-mini from a packed tarball, emitted tests in the user's runners", { timeout: 600_000 }, () => {
  before(() => {
    // --ignore-scripts: `npm test` has just built dist/; rebuilding it here would rewrite files that
    // the other end-to-end tests run at the same time.
    const packed = sh('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], ROOT);
    assert.equal(packed.status, 0, packed.stderr);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    const deps = [
      join(work, tarball),
      `@tensorflow/tfjs@${version('@tensorflow/tfjs')}`,
      `tsx@${version('tsx')}`,
      `vitest@${version('vitest')}`,
    ];
    const installed = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...deps], project);
    assert.equal(installed.status, 0, installed.stderr);
    for (const [name, from] of [
      ['bug', 'examples/bugs/dead-branch/composite.ts'],
      ['clean', 'examples/bugs/ok-concat-last-axis/composite.ts'],
    ] as const) {
      mkdirSync(join(project, name));
      copyFileSync(join(ROOT, from), join(project, name, 'composite.ts'));
    }
  });

  it('a composite with a bug: the CLI exits 1, and the emitted test fails on that check alone in node --test and Vitest', () => {
    const cli = sh(join(project, 'node_modules/.bin/scaffold-mini'), ['bug/composite.ts', '--runs', '20'], project);
    assert.equal(cli.status, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /error \[input-relevance\]/);
    const testFile = 'bug/composite.mini/composite.mini.test.ts';
    const node = sh(process.execPath, ['--import', 'tsx', '--test', testFile], project);
    assert.equal(node.status, 1, node.stdout + node.stderr);
    assert.deepEqual(node.stdout.match(/^not ok \d+ - .*$/gm), ['not ok 8 - scaffold-mini: input-relevance']);
    assert.match(node.stdout, /input 'meta' influences no model output/);
    const vitest = sh(join(project, 'node_modules/.bin/vitest'), ['run', testFile], project);
    assert.equal(vitest.status, 1, vitest.stdout + vitest.stderr);
    assert.match(vitest.stdout, /1 failed/);
    assert.match(vitest.stdout + vitest.stderr, /× scaffold-mini: input-relevance|FAIL .*input-relevance/);
  });

  it('a clean composite: the CLI and both runners pass', () => {
    const cli = sh(join(project, 'node_modules/.bin/scaffold-mini'), ['clean/composite.ts', '--runs', '20'], project);
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    const testFile = 'clean/composite.mini/composite.mini.test.ts';
    const node = sh(process.execPath, ['--import', 'tsx', '--test', testFile], project);
    assert.equal(node.status, 0, node.stdout + node.stderr);
    assert.match(node.stdout, /# pass 19/);
    const vitest = sh(join(project, 'node_modules/.bin/vitest'), ['run', testFile], project);
    assert.equal(vitest.status, 0, vitest.stdout + vitest.stderr);
    assert.match(vitest.stdout, /19 passed/);
  });
});
