// npm run bench: what a run of scaffold-mini costs, as ratios to importing TensorFlow.js alone.
// Prints medians of several runs, measured in this same process tree on this machine.
// Usage: node bench/run.mjs [--runs N] [--composite FILE]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, composite: { type: 'string', default: 'examples/tracker/composite.ts' } },
});
const runs = Number(values.runs);
const composite = resolve(values.composite);
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'scaffold-mini-bench-'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function timed(args, options = {}) {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', ...options });
  const ms = performance.now() - t0;
  if (result.status !== 0 && result.status !== 1) {
    console.error(result.stderr);
    throw new Error(`${args.join(' ')} exited with ${result.status}`);
  }
  return { ms, stderr: result.stderr };
}

const floor = [];
const whole = [];
const phases = { loadMs: [], probeMs: [], twinMs: [], checksMs: [], emitMs: [] };
const rss = [];
let report;
for (let i = 0; i < runs; i++) {
  floor.push(timed(['-e', "import('@tensorflow/tfjs')"]).ms);
  const json = join(work, `report-${i}.json`);
  const run = timed([join(root, 'bench/child.mjs'), composite, '--seed', '1', '--quiet', '--json', json, '--out', join(work, 'twin')]);
  whole.push(run.ms);
  rss.push(Number(/maxRSS=(\d+)/.exec(run.stderr)?.[1] ?? NaN));
  report = JSON.parse(readFileSync(json, 'utf8'));
  for (const key of Object.keys(phases)) phases[key].push(report.timings[key]);
}
rmSync(work, { recursive: true, force: true });

const f = median(floor);
const w = median(whole);
const line = (label, value) => console.log(`${label.padEnd(44)} ${value}`);
console.log(`scaffold-mini bench: ${values.composite}, median of ${runs} runs, node ${process.version}`);
line('floor: node -e "import(\'@tensorflow/tfjs\')"', `${f.toFixed(0)} ms`);
line('whole CLI run', `${w.toFixed(0)} ms`);
line('ratio whole / floor (target <= 3x, then 2x)', `${(w / f).toFixed(2)}x`);
for (const [key, xs] of Object.entries(phases)) line(`  ${key.replace('Ms', '')} phase`, `${median(xs).toFixed(0)} ms`);
line('peak RSS of the run', `${(median(rss) / 1024).toFixed(0)} MB`);
line('twin params / real params', `${report.twin.params} / ${report.twin.realParams} = ${((100 * report.twin.params) / report.twin.realParams).toFixed(4)}%`);
