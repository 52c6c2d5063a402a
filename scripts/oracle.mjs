// npm run oracle: the bug-injection oracle (test/oracle). Generates realistic composites in
// families, clean and with injected bugs, runs the tool on each as a new user would, confirms each
// bug on the real model, and prints per family and per operator: refusals, false positives (error
// findings on clean composites), recall (the expected check finds a bug the real model shows),
// attribution (the finding names the culprit) and time. Chunks run in child processes, two at a time.
//
//   npm run oracle -- [--seeds 1-5] [--clean 2] [--bugs 4] [--families text-rnn,small] [--out results.jsonl] [--show]
//   npm run oracle -- --from results.jsonl [--show]     (the tables of an earlier or running --out)
//   npm run oracle -- --sweep 10 ...                     (each case with tool seeds 1 to 10 too: verdicts that depend on the seed)
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const FAMILIES = [
  'text-rnn',
  'text-cnn',
  'fusion',
  'siamese',
  'small',
  'vae',
  'frames',
  'seq2seq',
  'multi-head',
  'transfer',
  'gan',
  'masked-seq',
];
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1' },
    clean: { type: 'string', default: '2' },
    bugs: { type: 'string', default: '4' },
    families: { type: 'string', default: FAMILIES.join(',') },
    out: { type: 'string' },
    show: { type: 'boolean', default: false },
    emit: { type: 'boolean', default: false },
    from: { type: 'string' },
    sweep: { type: 'string', default: '0' },
  },
});
const [first, last] = values.seeds.split('-').map(Number);
const seeds = Array.from({ length: (last ?? first) - first + 1 }, (_, i) => first + i);
const root = resolve(import.meta.dirname, '..');
const chunks = seeds.flatMap((seed) => values.families.split(',').map((family) => ({ family, seed })));

function runChunk({ family, seed }) {
  return new Promise((done) => {
    const args = [
      '--import',
      'tsx',
      'test/oracle/chunk.ts',
      '--family',
      family,
      '--seed',
      String(seed),
      '--clean',
      values.clean,
      '--bugs',
      values.bugs,
      '--sweep',
      values.sweep,
    ];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const cases = (Number(values.clean) + Number(values.bugs)) * Math.max(1, Number(values.sweep));
    const timer = setTimeout(() => child.kill('SIGKILL'), cases * 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const results = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      if (code !== 0)
        results.push({
          id: `${family}#${seed}`,
          family,
          bug: null,
          outcome: 'crash',
          reason: `chunk exited with ${code}: ${err.slice(-2000)}`,
          ms: 0,
          errors: [],
        });
      if (values.out) for (const r of results) appendFileSync(values.out, `${JSON.stringify(r)}\n`);
      process.stderr.write(`  ${family} seed ${seed}: ${results.length} cases\n`);
      done(results);
    });
  });
}

const started = performance.now();
const results = [];
if (values.from) {
  // Summarise the results of an earlier run (its --out file, whole or in progress) without running.
  const lines = readFileSync(values.from, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'));
  results.push(...lines.map((l) => JSON.parse(l)));
} else {
  if (values.out) writeFileSync(values.out, '');
  const queue = [...chunks];
  await Promise.all(
    [0, 1].map(async () => {
      for (let chunk = queue.shift(); chunk; chunk = queue.shift()) results.push(...(await runChunk(chunk)));
    }),
  );
}
const seconds = (performance.now() - started) / 1000;

const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);
const pct = (n, d) => (d ? `${Math.round((100 * n) / d)}%` : '-');
const rows = (header, body) => {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const fmt = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
};

const clean = results.filter((r) => r.bug === null);
const familyRows = values.families.split(',').map((family) => {
  const mine = clean.filter((r) => r.family === family);
  const all = results.filter((r) => r.family === family && r.outcome === 'report');
  return [
    family,
    mine.length,
    mine.filter((r) => r.outcome === 'refused').length,
    mine.filter((r) => r.outcome === 'crash').length,
    mine.filter((r) => r.outcome === 'report' && r.errors.length > 0).length,
    `${(median(all.map((r) => r.ms)) / 1000).toFixed(1)} s`,
    `${(Math.max(0, ...all.map((r) => r.ms)) / 1000).toFixed(1)} s`,
  ];
});
const bugs = results.filter((r) => r.bug !== null);
const operators = [...new Set(bugs.map((r) => r.bug))].sort((a, b) => a.localeCompare(b));
const operatorRows = operators.map((bug) => {
  const mine = bugs.filter((r) => r.bug === bug);
  const ran = mine.filter((r) => r.outcome === 'report');
  const confirmed = ran.filter((r) => r.truth?.shown && !r.needsHint);
  const found = confirmed.filter((r) => r.found);
  return [
    bug,
    mine.length,
    mine.filter((r) => r.outcome !== 'report').length,
    confirmed.length,
    ran.filter((r) => !r.truth?.shown).length,
    ran.filter((r) => r.truth?.shown && r.needsHint).length,
    `${found.length} (${pct(found.length, confirmed.length)})`,
    `${found.filter((r) => r.attributed).length} (${pct(found.filter((r) => r.attributed).length, found.length)})`,
  ];
});
// Padding that nothing marks and no hint mentions is listed apart: the tool asks for a hint there.
const hinted = bugs.filter((r) => r.outcome === 'report' && r.truth?.shown && r.needsHint);
const confirmed = bugs.filter((r) => r.outcome === 'report' && r.truth?.shown && !r.needsHint);
const found = confirmed.filter((r) => r.found);

console.log(rows(['family', 'clean', 'refused', 'crashed', 'false pos.', 'median', 'slowest'], familyRows));
console.log('');
console.log(rows(['operator', 'injected', 'refused', 'confirmed', 'not shown', 'needs hint', 'found', 'attributed'], operatorRows));
console.log('');
console.log(
  `${results.length} cases ${values.from ? `from ${values.from}` : `in ${seconds.toFixed(0)} s`}: clean ${clean.length} (refused ${clean.filter((r) => r.outcome === 'refused').length}, ` +
    `false positives ${clean.filter((r) => r.outcome === 'report' && r.errors.length > 0).length}); bugs confirmed ${confirmed.length}, ` +
    `recall ${pct(found.length, confirmed.length)} (${pct(found.length, confirmed.length + hinted.length)} counting the ${hinted.length} that need a hint), attribution ${pct(found.filter((r) => r.attributed).length, found.length)}; ` +
    `crashes ${results.filter((r) => r.outcome === 'crash').length}; median case ${(median(results.map((r) => r.ms)) / 1000).toFixed(1)} s`,
);
// Issue 13: the run budget. A property's counterexamples come in the same order for the same seed
// whatever the budget, so a found bug's first run says whether a smaller budget would find it.
const budgets = [1, 3, 5, 10, 25, 50, 100];
const withRuns = found.filter((r) => r.firstRun !== undefined);
if (withRuns.length) {
  const budgetRows = operators
    .map((bug) => {
      const mine = withRuns.filter((r) => r.bug === bug);
      return [bug, mine.length, ...budgets.map((n) => pct(mine.filter((r) => r.firstRun <= n).length, mine.length))];
    })
    .filter((r) => r[1] > 0);
  budgetRows.push(['all', withRuns.length, ...budgets.map((n) => pct(withRuns.filter((r) => r.firstRun <= n).length, withRuns.length))]);
  console.log("\nfound bugs found within N property runs (share of each operator's found bugs):");
  console.log(rows(['operator', 'found', ...budgets.map((n) => `<=${n}`)], budgetRows));
  const timed = results.filter((r) => r.checkMs);
  const ids = [...new Set(timed.flatMap((r) => Object.keys(r.checkMs)))];
  const timeRows = ids
    .map((id) => {
      const ms = timed.map((r) => r.checkMs[id]).filter((v) => v !== undefined);
      return [id, `${median(ms)} ms`, `${Math.max(0, ...ms)} ms`, `${(ms.reduce((a, b) => a + b, 0) / 1000).toFixed(0)} s`];
    })
    .sort((a, b) => Number.parseFloat(b[3]) - Number.parseFloat(a[3]));
  console.log(`\neach check's time over the ${timed.length} cases:`);
  console.log(rows(['check', 'median', 'slowest', 'total'], timeRows));
}
const swept = results.filter((r) => r.sweep);
if (swept.length) {
  // The verdict of each case must not depend on the tool's seed: a clean case clean, a confirmed bug found, with every seed.
  const verdict = (v, r) =>
    r.bug === null ? v.outcome === 'report' && v.errors === 0 : !r.truth?.shown || r.needsHint || (v.found && v.attributed);
  const dependent = swept.filter((r) => {
    const first = verdict({ outcome: r.outcome, errors: r.errors.length, found: r.found, attributed: r.attributed }, r);
    return r.sweep.some((v) => verdict(v, r) !== first);
  });
  const seedsSwept = Math.max(...swept.map((r) => Math.max(...r.sweep.map((v) => v.seed))));
  console.log(
    `\nseed sweep: ${swept.length} cases, each with its own seed and tool seeds 1 to ${seedsSwept}: ${dependent.length} verdict(s) depend on the seed`,
  );
  for (const r of dependent) {
    const bad = r.sweep.filter((v) => !verdict(v, r)).map((v) => v.seed);
    console.log(
      `  ${r.id}: ${bad.length ? `wrong with seed(s) ${bad.join(', ')}` : `right with every other seed, wrong with its own (${r.id.split('#')[1]?.split('.')[0]})`}`,
    );
  }
}
if (values.emit) {
  const emitted = results.filter((r) => r.twin);
  const broken = emitted.filter((r) => !r.twin.built && r.twin.why.startsWith('broken'));
  const unwritten = emitted.filter((r) => !r.twin.built && !r.twin.why.startsWith('broken'));
  console.log(
    `emitted twins: ${emitted.length - broken.length - unwritten.length} built, ${unwritten.length} not written, ${broken.length} broken`,
  );
  for (const r of [...broken, ...unwritten]) console.log(`  ${r.id}: ${r.twin.why.slice(0, 300)}`);
}
if (values.show) {
  for (const r of results) {
    const wrong =
      r.outcome !== 'report' ||
      (r.bug === null && r.errors.length) ||
      (r.truth?.shown && !r.needsHint && (!r.found || !r.attributed)) ||
      r.truth?.unmeasurable;
    if (!wrong) continue;
    console.log(`\n${r.id} (${r.outcome}${r.reason ? `: ${r.reason.split('\n')[0]}` : ''})`);
    for (const e of r.bug === null ? r.errors : (r.near ?? [])) console.log(`  ${e.slice(0, 300)}`);
    if (r.truth && !r.found) console.log(`  missed; the real model shows it by ${r.truth.effect}`);
    if (r.truth?.unmeasurable) console.log(`  truth: ${r.truth.unmeasurable}`);
  }
}
