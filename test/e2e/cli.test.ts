import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { tsImport } from 'tsx/esm/api';
import type { Report } from '../../src/model/report.js';
import { runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/xml.js';
import { ROOT } from '../helpers/run.js';
import { CHECKS } from '../../src/checks/registry.js';
import { CHECK_IDS } from '../../src/model/check-id.js';

// Work inside the repository so that the emitted twin resolves @tensorflow/tfjs as a user's project would.
const work = mkdtempSync(join(ROOT, 'test/e2e/.tmp-'));
after(() => rmSync(work, { recursive: true, force: true }));

const cli = (args: string[]) => runCli(args);

describe('scaffold-mini on the tracker example (end to end)', () => {
  const example = join(work, 'tracker');
  cpSync(join(ROOT, 'examples/tracker'), example, { recursive: true });
  const composite = join(example, 'composite.ts');
  const json = join(work, 'r.json');
  const junit = join(work, 'junit.xml');
  const html = join(work, 'report.html');
  const result = cli([composite, '--json', json, '--junit', junit, '--html', html, '--seed', '5']);

  it('exits 0 and prints one row per component, the checks and the closing line', () => {
    assert.equal(result.status, 0, result.stderr);
    for (const name of ['backbone', 'detector', 'head', 'motion']) assert.match(result.stdout, new RegExp(`^${name} `, 'm'));
    assert.doesNotMatch(result.stdout, /^fuse /m, 'the cheap Dense head stays real');
    const properties = [
      'shape',
      'dtype',
      'finite',
      'determinism',
      'batch-independence',
      'masking',
      'mask-provenance',
      'input-relevance',
      'gradient-flow',
    ] as const;
    for (const id of properties) {
      // Each property check with its own budget (chosen by detection power).
      assert.match(result.stdout, new RegExp(`pass {2}${id} +${CHECKS[id].runs ?? 100} runs`), id);
    }
    // Every other check passes too, but causality (nothing is hinted causal).
    for (const id of CHECK_IDS.filter((c) => c !== 'causality' && !(properties as readonly string[]).includes(c))) {
      assert.match(result.stdout, new RegExp(`pass {2}${id} +\\d+ runs`), id);
    }
    assert.match(result.stdout, /skip {2}causality/);
    assert.match(result.stdout, /no errors, 0 warning\(s\); 19 checks in /);
    // Not a terminal: progress comes as plain lines on stderr, one per finished check, no colours.
    assert.match(result.stderr, /^scaffold-mini: masking pass \(\d+ ms\)$/m);
    assert.ok(!/\u001b\[/.test(result.stdout + result.stderr), 'no colour codes outside a terminal');
  });

  it('writes the offline HTML report with --html and beside the twin', () => {
    for (const file of [html, join(example, 'composite.mini', 'report.html')]) {
      const page = readFileSync(file, 'utf8');
      assert.match(page, /^<!doctype html>/i);
      for (const name of ['backbone', 'detector', 'head', 'motion', 'fuse']) assert.match(page, new RegExp(name));
      assert.ok(!/<script\b[^>]*\bsrc=|<link\b[^>]*\bhref="http/i.test(page), 'no external resources');
    }
  });

  it('writes a JUnit report that the JUnit schema accepts, one suite per check', async () => {
    const xml = readFileSync(junit, 'utf8');
    assert.equal((xml.match(/<testsuite /g) ?? []).length, 19);
    const errors = await schemaErrors(xml, join(ROOT, 'test/fixtures/junit/junit.xsd'));
    assert.deepEqual(errors, []);
  });

  it('writes a version 1 report with at least 4 components, each stub at most 1% of its component', () => {
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    assert.equal(report.version, 1);
    assert.equal(report.ok, true);
    assert.equal(report.seed, 5);
    assert.ok(report.components.length >= 4);
    for (const c of report.components) assert.ok(c.stub.params <= c.params / 100, `${c.name}: ${c.stub.params} / ${c.params}`);
    // What each component costs, real (estimated) against its stub (measured).
    for (const c of report.components) {
      assert.ok(c.cost?.twin, c.name);
      assert.equal(c.cost.real.params, c.params);
      assert.ok(c.cost.twin.weightBytes < c.cost.real.weightBytes / 100, c.name);
      assert.ok((c.cost.twin.forwardMs ?? 0) > 0 && c.cost.twin.buildMs > 0, c.name);
    }
    const motion = report.components.find((c) => c.name === 'motion');
    assert.ok((motion?.cost?.real.buildMs ?? 0) > 60_000, "the LSTM(256)'s Orthogonal initialiser: minutes");
    assert.match(result.stdout, /^motion +1\.12 MB -> 160 B +1\.02 kB -> 1\.02 kB +~3\.1 min -> /m);
    assert.deepEqual(Object.keys(report.timings).sort(), ['checksMs', 'emitMs', 'loadMs', 'probeMs', 'totalMs', 'twinMs']);
    assert.equal(report.environment.backend, 'cpu');
    assert.equal(report.twin.mode, 'rewritten');
    const copy = JSON.parse(readFileSync(join(example, 'composite.mini', 'report.json'), 'utf8')) as Report;
    assert.deepEqual(copy.components, report.components);
  });

  it('emits a twin that builds standalone with the probed boundary shapes', async () => {
    const twinFile = join(example, 'composite.mini', 'composite.mini.ts');
    assert.ok(existsSync(twinFile));
    assert.match(readFileSync(twinFile, 'utf8'), /@generated by scaffold-mini/);
    const mod = (await tsImport(pathToFileURL(twinFile).href, import.meta.url)) as { default: () => tf.LayersModel };
    const twin = mod.default();
    assert.ok(twin instanceof tf.LayersModel);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    for (const c of report.components) {
      const layer = twin.getLayer(c.wrapper ?? c.name);
      const outputs = (layer as unknown as { inboundNodes: { outputTensors: tf.SymbolicTensor[] }[] }).inboundNodes.at(-1)?.outputTensors;
      if (!c.wrapper)
        assert.deepEqual(
          outputs?.map((t) => t.shape),
          c.outputShapes,
          c.name,
        );
    }
    // The stubs and the cheap layers kept real (the tracker's Dense head): a few percent of the real thing.
    assert.ok(twin.countParams() < report.twin.realParams / 20);
    const [label, box] = twin.predict([tf.zeros([2, 224, 224, 3]), tf.zeros([2, 20, 16])]) as tf.Tensor[];
    assert.deepEqual(
      [label?.shape, box?.shape],
      [
        [2, 10],
        [2, 4],
      ],
    );
  });

  it('never overwrites a file it did not generate, and --force does', () => {
    const out = join(work, 'mine');
    cli([composite, '--out', out, '--seed', '5', '--runs', '5']);
    const twinFile = join(out, 'composite.mini.ts');
    writeFileSync(twinFile, '// my own notes\n');
    const refused = cli([composite, '--out', out, '--seed', '5', '--runs', '5']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /composite\.mini\.ts/);
    assert.match(refused.stderr, /--force/);
    assert.equal(readFileSync(twinFile, 'utf8'), '// my own notes\n');
    const forced = cli([composite, '--out', out, '--seed', '5', '--runs', '5', '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(readFileSync(twinFile, 'utf8'), /@generated by scaffold-mini/);
  });
});

describe('scaffold-mini exit codes', () => {
  it('exits 1 when a check finds an error', () => {
    const result = cli([join(ROOT, 'test/fixtures/checks/dtype-bug.ts'), '--no-emit', '--seed', '1', '--runs', '10']);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /error \[dtype\] layer 'strongest'/);
  });

  it('exits 2 with one clear message for unusable input', () => {
    const result = cli([join(ROOT, 'test/fixtures/bad/throws.ts')]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^scaffold-mini: test\/fixtures\/bad\/throws\.ts:6:9: factory 'default' threw: the head is not wired yet/);
    assert.match(result.stderr, /hint: /);
    assert.ok(!/node:internal|node_modules/.test(result.stderr), result.stderr);
  });

  it('exits 2 for bad arguments', () => {
    const result = cli(['--only', 'nope', join(ROOT, 'examples/tracker/composite.ts')]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown check 'nope'/);
  });

  it('runs a module with a type error, with a warning at its line (also when the twin is up to date)', () => {
    const out = join(work, 'type-error.mini');
    for (const run of ['first', 'cached']) {
      const result = cli([join(ROOT, 'test/fixtures/good/type-error.ts'), '--out', out, '--runs', '5']);
      assert.equal(result.status, 0, `${run}: ${result.stdout}${result.stderr}`);
      assert.match(result.stdout, /^warning \[environment\] type error: TS2322: Type 'string' is not assignable to type 'number'\./m, run);
      assert.match(result.stdout, /at test\/fixtures\/good\/type-error\.ts:5$/m, run);
    }
  });

  it('prints help and version', () => {
    const help = cli(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /scaffold-mini <composite>/);
    assert.match(help.stdout, /Examples:/);
    assert.match(help.stdout, /--watch/);
    const version = cli(['--version']);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+/);
  });
});

describe('scaffold-mini backends and model files (end to end)', () => {
  it('--backend wasm runs the checks on WebAssembly and says so in the report', () => {
    const json = join(work, 'wasm.json');
    const result = cli([
      join(ROOT, 'examples/bugs/ok-embedding-maskzero/composite.ts'),
      '--backend',
      'wasm',
      '--runs',
      '10',
      '--no-emit',
      '--json',
      json,
    ]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal((JSON.parse(readFileSync(json, 'utf8')) as Report).environment.backend, 'wasm');
  });

  it('--backend tensorflow without tfjs-node exits 2 with what to install', () => {
    const result = cli([join(ROOT, 'examples/tracker/composite.ts'), '--backend', 'tensorflow']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /npm install @tensorflow\/tfjs-node/);
  });

  it('takes a model.json topology (Keras, model.save) as the composite', () => {
    const result = cli([join(ROOT, 'examples/keras/model.json'), '--runs', '10', '--no-emit']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^frame_encoder +generic \(in per_frame\)/m);
    assert.match(result.stdout, /^clip_rnn +recurrent/m);
  });
});
