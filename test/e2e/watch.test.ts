// --watch end to end: the first run's summary, then, on a save that brings a bug in, the first
// checks' verdict and only what changed (in the same process); SIGINT ends it with exit 0.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/run.js';

const work = mkdtempSync(join(ROOT, 'test/e2e/.tmp-watch-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Resolves with the output so far once `pattern` appears in it (rejects after `ms`). */
function waitFor(output: { text: string }, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(output.text)) {
        clearInterval(poll);
        resolve(output.text);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`no ${pattern} within ${ms} ms; output so far:\n${output.text}`));
      }
    }, 20);
  });
}

describe('scaffold-mini --watch', () => {
  it('re-runs on a save and prints only what changed', async () => {
    const composite = join(work, 'composite.ts');
    copyFileSync(join(ROOT, 'examples/bugs/ok-relu-default-bias/composite.ts'), composite);
    const child = startCli([composite, '--watch', '--no-emit', '--runs', '20', '--seed', '7']);
    const out = { text: '' };
    child.stdout.on('data', (d: Buffer) => (out.text += d.toString()));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const first = await waitFor(out, /no errors, 0 warning\(s\); 19 checks in/, 60_000);
      assert.match(first, /^component /m, 'the first run prints the whole summary');
      // The save: the same model with the bug of the dead-relu zoo entry.
      copyFileSync(join(ROOT, 'examples/bugs/dead-relu/composite.ts'), composite);
      const second = await waitFor(out, /ms from the save\)/, 60_000);
      const change = second.slice(first.length);
      // The first checks' verdict comes first, on its own line, before the rest has run.
      const verdict =
        /composite\.ts changed -> first verdict: shape pass, dtype pass, finite pass \(\d+ ms after the save; 16 more check\(s\) follow\)/;
      assert.match(change, verdict);
      assert.ok(change.search(verdict) < change.search(/\d+ error\(s\)/), 'the first verdict before the whole result');
      assert.match(change, /composite\.ts changed -> .*\d+ error\(s\)/);
      assert.match(change, /\+ warning \[activation-health\] layer 'bottleneck'/);
      assert.match(change, /ms from the save\)/);
      assert.ok(!/^component /m.test(change), 'a re-run prints only what changed');
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
  });
});
