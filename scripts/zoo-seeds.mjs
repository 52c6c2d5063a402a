// npm run zoo-seeds: the bug zoo (test/e2e/zoo.test.ts) with each seed of --seeds (default 1-10),
// two at a time; prints the entries that failed with a seed, and exits 1 when any did. Every bug
// must be caught and every near miss clean whatever the seed.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1-10' } } });
const [first, last] = values.seeds.split('-').map(Number);
const seeds = Array.from({ length: (last ?? first) - first + 1 }, (_, i) => first + i);
const root = resolve(import.meta.dirname, '..');

function runSeed(seed) {
  return new Promise((done) => {
    const env = { ...process.env, ZOO_SEED: String(seed), SCAFFOLD_MINI_STRICT: '1' };
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'test/e2e/zoo.test.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => {
      const failed = [...out.matchAll(/^\s*not ok \d+ - (.+)$/gm)].map((m) => m[1]).filter((name) => !name.startsWith('bug zoo'));
      const passed = [...out.matchAll(/^\s*ok \d+ - /gm)].length;
      process.stderr.write(`  seed ${seed}: ${passed} passed, ${failed.length} failed\n`);
      done({ seed, failed });
    });
  });
}

const started = performance.now();
const queue = [...seeds];
const results = [];
await Promise.all(
  [0, 1].map(async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) results.push(await runSeed(seed));
  }),
);
results.sort((a, b) => a.seed - b.seed);
const bad = results.filter((r) => r.failed.length);
for (const r of bad) for (const name of r.failed) console.log(`seed ${r.seed}: ${name}`);
console.log(
  `zoo with seeds ${values.seeds}: ${bad.length ? `${bad.reduce((n, r) => n + r.failed.length, 0)} failures` : 'every entry holds'} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
process.exitCode = bad.length ? 1 : 0;
