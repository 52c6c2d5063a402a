// npm run fuzz: the self-fuzzing of test/fuzz at scale. Runs --cases generated composites and
// broken modules (default 2,000) in chunks of 250, each in a child process, two at a time; prints
// the count of reports and refusals (exit 2, by code) and the time; exits 1 when any case crashed,
// hung or gave a twin that is not shape-faithful.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } } });
const total = Number(values.cases);
const root = resolve(import.meta.dirname, '..');
const CHUNK = 250;
const chunks = Array.from({ length: Math.ceil(total / CHUNK) }, (_, i) => ({
  seed: Number(values.seed) * 1000 + i,
  count: Math.min(CHUNK, total - i * CHUNK),
}));

function runChunk({ seed, count }) {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fuzz/chunk.ts', '--seed', String(seed), '--count', String(count)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // A hang: the chunk's cases have 20 s each at most.
    const timer = setTimeout(() => child.kill('SIGKILL'), count * 20_000 + 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      done(
        code === 0 && line ? JSON.parse(line) : { cases: 0, reports: 0, refused: {}, bugs: 1, failed: `chunk ${seed} exited with ${code}` },
      );
    });
  });
}

const started = performance.now();
const results = [];
for (let i = 0; i < chunks.length; i += 2) results.push(...(await Promise.all(chunks.slice(i, i + 2).map(runChunk))));
const seconds = (performance.now() - started) / 1000;
const sum = { cases: 0, reports: 0, refused: {}, bugs: 0 };
for (const r of results) {
  sum.cases += r.cases;
  sum.reports += r.reports;
  sum.bugs += r.bugs;
  for (const [code, n] of Object.entries(r.refused)) sum.refused[code] = (sum.refused[code] ?? 0) + n;
  if (r.failed) console.error(r.failed);
}
const refusals = Object.entries(sum.refused)
  .map(([c, n]) => `${c} ${n}`)
  .join(', ');
console.log(
  `scaffold-mini fuzz: ${sum.cases} cases in ${seconds.toFixed(0)} s: ${sum.reports} reports, refused (exit 2) ${refusals || 'none'}; ${sum.bugs} bugs`,
);
process.exitCode = sum.bugs === 0 && sum.cases === total ? 0 : 1;
