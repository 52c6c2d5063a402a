// npm run bench: what a run of scaffold-mini costs, as ratios to importing TensorFlow.js alone.
// Prints medians of several runs, measured in this same process tree on this machine.
// Usage: node bench/run.mjs [--runs N] [--composite FILE] [--reference]
//   --reference  also builds the real tracker once and times one forward and backward step (slow:
//                minutes, the LSTM(256)'s orthogonal initialiser), for the twin's speed-up.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDetector } from './detector.mjs';
import { writeLargeComposite } from './large-composite.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    composite: { type: 'string', default: 'examples/tracker/composite.ts' },
    reference: { type: 'boolean', default: false },
  },
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
const cold = [];
const warm = [];
const first = [];
const phases = { loadMs: [], probeMs: [], twinMs: [], checksMs: [], emitMs: [] };
const rss = [];
// The checks of issue 14 (what tfjs users ask for), added together in each cold run.
const ISSUE_14 = ['tensor-leak', 'serialization', 'backend-parity'];
const issue14 = [];
let report;
const cli = (out, json) => [join(root, 'bench/child.mjs'), composite, '--quiet', '--json', json, '--out', out];
for (let i = 0; i < runs; i++) {
  floor.push(timed(['-e', "import('@tensorflow/tfjs')"]).ms);
  // Cold: a fresh output folder, so the twin is rendered (ts-morph) and written.
  const json = join(work, `report-${i}.json`);
  const run = timed(cli(join(work, `cold-${i}`), json));
  cold.push(run.ms);
  rss.push(Number(/maxRSS=(\d+)/.exec(run.stderr)?.[1] ?? NaN));
  report = JSON.parse(readFileSync(json, 'utf8'));
  for (const key of Object.keys(phases)) phases[key].push(report.timings[key]);
  issue14.push(report.checks.filter((c) => ISSUE_14.includes(c.id)).reduce((sum, c) => sum + c.ms, 0));
  // Warm: the same folder again; the twin on disk is up to date (same fingerprint), so it is kept.
  warm.push(timed(cli(join(work, `cold-${i}`), json)).ms);
  // The first checks alone (shape, dtype, finite), as issue 2 measured them.
  first.push(timed([...cli(join(work, `cold-${i}`), join(work, 'first.json')), '--only', 'shape,dtype,finite']).ms);
}
const saves = await watchSaves(composite, runs);
const large = largeRuns(runs);
const detector = detectorRuns(runs);
// What stacking samples into one batch could save: the twin's pass per sample by batch size.
const passCost = JSON.parse(
  spawnSync(process.execPath, [join(root, 'bench/pass-cost.mjs'), composite], { cwd: root, encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .pop(),
);
const bandwidth = readBandwidth();
const reference = values.reference ? referenceStep() : null;
rmSync(work, { recursive: true, force: true });

const f = median(floor);
const line = (label, value) => console.log(`${label.padEnd(52)} ${value}`);
console.log(`scaffold-mini bench: ${values.composite}, median of ${runs} runs, node ${process.version}`);
line('floor: node -e "import(\'@tensorflow/tfjs\')"', `${f.toFixed(0)} ms`);
line('whole CLI run, twin written (cold)', `${median(cold).toFixed(0)} ms = ${(median(cold) / f).toFixed(2)}x floor`);
line('whole CLI run, twin up to date (warm)', `${median(warm).toFixed(0)} ms = ${(median(warm) / f).toFixed(2)}x floor`);
line('  the same, first checks only (shape, dtype, finite)', `${median(first).toFixed(0)} ms = ${(median(first) / f).toFixed(2)}x floor`);
for (const [key, xs] of Object.entries(phases)) line(`  ${key.replace('Ms', '')} phase (cold run)`, `${median(xs).toFixed(0)} ms`);
line('peak RSS of the cold run', `${(median(rss) / 1024).toFixed(0)} MB`);
line('checks of the cold run', report.checks.map((c) => `${c.id} ${c.ms} ms`).join(', '));
line('  checks against the floor of the bytes they touch', floorRatio(report));
line(`  ${ISSUE_14.join(', ')} together`, `${median(issue14).toFixed(0)} ms`);
line(
  'twin params / real params',
  `${report.twin.params} / ${report.twin.realParams} = ${((100 * report.twin.params) / report.twin.realParams).toFixed(4)}%`,
);
line(
  'large composite (1.1B params, generated): whole run',
  `${median(large.ms).toFixed(0)} ms = ${(median(large.ms) / f).toFixed(2)}x floor`,
);
line('  its probe phase', `${median(large.probe).toFixed(0)} ms`);
line('  its peak RSS', `${(median(large.rss) / 1024).toFixed(0)} MB`);
line('  its twin params / real params', `${large.twin} / ${large.real} = ${((100 * large.twin) / large.real).toExponential(2)}%`);
line(
  'detector 128x128, 32x32x96 maps, 3 heads (generated): whole run',
  `${median(detector.ms).toFixed(0)} ms = ${(median(detector.ms) / f).toFixed(2)}x floor`,
);
for (const [key, xs] of Object.entries(detector.phases)) line(`  its ${key.replace('Ms', '')} phase`, `${median(xs).toFixed(0)} ms`);
line('  its checks', detector.report.checks.map((c) => `${c.id} ${c.ms} ms`).join(', '));
line('  its checks against the floor of the bytes they touch', floorRatio(detector.report));
line('  its peak RSS', `${(median(detector.rss) / 1024).toFixed(0)} MB`);
if (reference) {
  line('reference: real tracker, build (real initialisers)', `${(reference.buildMs / 1000).toFixed(1)} s`);
  line('reference: real tracker, forward+backward, batch 2', `${reference.realMs.toFixed(0)} ms`);
  line(
    'reference: twin, forward+backward, batch 2',
    `${reference.twinMs.toFixed(1)} ms = ${(reference.realMs / reference.twinMs).toFixed(0)}x faster`,
  );
}
const perSample = (key) => passCost.map((r) => r[key].toFixed(1)).join(' / ');
line(
  `twin pass per sample, batch ${passCost.map((r) => r.batch).join(' / ')}`,
  `forward ${perSample('forwardMs')} ms; with backward ${perSample('backwardMs')} ms`,
);
line(
  'watch: one-line edit, save to first verdict',
  `${median(saves.first).toFixed(0)} ms (${saves.first.map((x) => x.toFixed(0)).join(', ')})`,
);
line(
  'watch: one-line edit, save to whole result',
  `${median(saves.whole).toFixed(0)} ms (${saves.whole.map((x) => x.toFixed(0)).join(', ')})`,
);
line(
  'target',
  'tracker <= 2x floor warm, <= 3x cold; detector <= 3x; watch first verdict < 300 ms; tracker RSS <= 400 MB; large probe < 2 s, RSS < 1 GB',
);

/** The CLI on a generated billion-parameter composite, `count` times: wall time, probe phase, peak RSS. */
function largeRuns(count) {
  const file = writeLargeComposite(join(root, 'bench'));
  const result = { ms: [], probe: [], rss: [], twin: 0, real: 0 };
  try {
    for (let i = 0; i < count; i++) {
      const json = join(work, `large-${i}.json`);
      const run = timed([join(root, 'bench/child.mjs'), file, '--quiet', '--no-emit', '--json', json]);
      const report = JSON.parse(readFileSync(json, 'utf8'));
      result.ms.push(run.ms);
      result.probe.push(report.timings.probeMs);
      result.rss.push(Number(/maxRSS=(\d+)/.exec(run.stderr)?.[1] ?? NaN));
      result.twin = report.twin.params;
      result.real = report.twin.realParams;
    }
  } finally {
    rmSync(join(file, '..'), { recursive: true, force: true });
  }
  return result;
}

/** The generated detector (bench/detector.mjs), `count` times without emit: wall time, phases, checks, peak RSS. */
function detectorRuns(count) {
  const file = writeDetector(join(root, 'bench'));
  const result = { ms: [], rss: [], phases: { loadMs: [], probeMs: [], twinMs: [], checksMs: [] }, report: null };
  try {
    for (let i = 0; i < count; i++) {
      const json = join(work, `detector-${i}.json`);
      const run = timed([join(root, 'bench/child.mjs'), file, '--quiet', '--no-emit', '--json', json]);
      result.report = JSON.parse(readFileSync(json, 'utf8'));
      result.ms.push(run.ms);
      result.rss.push(Number(/maxRSS=(\d+)/.exec(run.stderr)?.[1] ?? NaN));
      for (const key of Object.keys(result.phases)) result.phases[key].push(result.report.timings[key]);
    }
  } finally {
    rmSync(join(file, '..'), { recursive: true, force: true });
  }
  return result;
}

/**
 * Bytes per second this machine reads in a tight loop over a Float32Array (the compute floor of
 * a pass that reads its tensors once), measured in this run.
 */
function readBandwidth() {
  const values = new Float32Array(1 << 24).map((_, i) => i % 7);
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < values.length; i++) sink += values[i];
    best = Math.min(best, performance.now() - t0);
  }
  if (sink < 0) console.log(sink);
  return (values.length * 4) / (best / 1000);
}

/**
 * The checks' time against the time to read, once, the boundary tensors of every sample pass they
 * ran (each property run counted as two passes of one sample: its base pass and one changed pass).
 */
function floorRatio(rep) {
  const length = 8;
  const bytesPerPass = rep.boundaries.reduce((sum, b) => sum + 4 * b.shape.slice(1).reduce((a, d) => a * (d ?? length), 1), 0);
  const passes = 2 * rep.checks.reduce((sum, c) => sum + c.runs, 0);
  const floorMs = (1000 * passes * bytesPerPass) / bandwidth;
  const ms = rep.checks.reduce((sum, c) => sum + c.ms, 0);
  return `${(bytesPerPass / 1e6).toFixed(2)} MB a sample pass, ${passes} passes: floor ${floorMs.toFixed(0)} ms at ${(bandwidth / 1e9).toFixed(1)} GB/s, checks ${ms} ms = ${(ms / Math.max(floorMs, 1e-3)).toFixed(0)}x`;
}

/** The real tracker against its twin: one forward and backward step on a batch of 2 (bench/reference.ts). */
function referenceStep() {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/reference.ts')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 3_600_000,
  });
  if (run.status !== 0) throw new Error(`bench/reference.ts failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/**
 * `--watch` on a copy of the composite (inside the repository, so that it resolves tfjs): after the
 * first result, `count` one-line edits that change the model (the tracker's fuse layer's units,
 * 128 -> 96 and back), each timed from the save to its first verdict and to its whole result, as the tool
 * reports them ("... ms after the save", "... ms from the save").
 */
async function watchSaves(file, count) {
  const dir = mkdtempSync(join(root, 'bench/.watch-'));
  const copy = join(dir, 'composite.ts');
  copyFileSync(file, copy);
  const source = readFileSync(copy, 'utf8');
  const line = "units: 128, activation: 'relu', name: 'fuse'";
  // Another composite than the tracker: a comment appended (the model unchanged).
  const edit = (i) => (source.includes(line) ? source.replace(line, line.replace('128', '96')) : `${source}// bench edit ${i}\n`);
  const child = spawn(process.execPath, [join(root, 'bin/scaffold-mini.js'), copy, '--watch', '--quiet', '--no-emit'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d.toString()));
  const waitFor = (pattern, n) =>
    new Promise((resolve, reject) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        const hits = out.match(pattern) ?? [];
        if (hits.length >= n) {
          clearInterval(poll);
          resolve(hits);
        } else if (Date.now() - t0 > 120_000) {
          clearInterval(poll);
          reject(new Error(`watch: no result within 120 s:\n${out}`));
        }
      }, 10);
    });
  try {
    await waitFor(/checks in/g, 1);
    const first = [];
    const whole = [];
    for (let i = 1; i <= count; i++) {
      writeFileSync(copy, i % 2 ? edit(i) : source);
      const hits = await waitFor(/\((\d+) ms from the save\)/g, i);
      whole.push(Number(/(\d+)/.exec(hits[i - 1])[1]));
      const verdicts = out.match(/\((\d+) ms after the save/g) ?? [];
      first.push(Number(/(\d+)/.exec(verdicts[i - 1] ?? '')?.[1] ?? NaN));
    }
    return { first, whole };
  } finally {
    child.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
}
