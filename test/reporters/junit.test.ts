// The JUnit reporter: hand-made reports (and one real run) rendered, read back with XPath and
// validated (libxml2, as xmllint does) against our own schema of the JUnit format CI systems accept.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Boundary, CheckResult, Finding, Report } from '../../src/model/report.js';
import { run } from '../../src/pipeline/run.js';
import { renderJUnit } from '../../src/reporters/junit.js';
import { example, fixture } from '../helpers/run.js';
import { schemaErrors, xpathOf } from '../helpers/xml.js';

const XSD = fixture('junit/junit.xsd');
const dir = mkdtempSync(join(tmpdir(), 'scaffold-junit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let written = 0;

/** Writes the XML, fails the test with the schema's complaint unless it validates, and returns the file. */
async function validate(xml: string): Promise<string> {
  const file = join(dir, `report-${written++}.xml`);
  writeFileSync(file, xml);
  const errors = await schemaErrors(xml, XSD);
  if (errors.length) assert.fail(`${file} does not validate:\n${errors.join('\n')}\n${xml}`);
  return file;
}

/** The string value of an XPath expression (use count() or string(), which never come back empty). */
const xpath = (file: string, expr: string): string => xpathOf(file, expr);
const count = (file: string, expr: string): number => Number(xpath(file, `count(${expr})`));

function report(parts: Partial<Report> = {}): Report {
  return {
    version: 1,
    file: 'examples/model.ts',
    ok: true,
    seed: 42,
    components: [],
    boundaries: [boundary('image', 'backbone'), boundary('crop', 'motion')],
    checks: [],
    findings: [],
    twin: { file: null, mode: null, params: 0, realParams: 0, notes: [] },
    timings: { totalMs: 1234, loadMs: 1, probeMs: 2, twinMs: 3, checksMs: 4, emitMs: 5 },
    environment: { node: 'v20.0.0', tfjs: '4.22.0', backend: 'cpu' },
    ...parts,
  };
}

const boundary = (from: string, to: string): Boundary => ({ from, to, shape: [null, 4], dtype: 'float32', masked: false });
const check = (id: string, status: CheckResult['status'] = 'pass', extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  status,
  runs: 100,
  ms: 250,
  ...extra,
});
const finding = (check: string, where: string, extra: Partial<Finding> = {}): Finding => ({
  check,
  severity: 'error',
  where,
  message: `${check} broke at ${where}`,
  ...extra,
});
const suite = (id: string) => `//testsuite[@name='scaffold-mini.${id}']`;

describe('renderJUnit', () => {
  it('renders passing checks as one suite each with one test case per boundary', async () => {
    const file = await validate(renderJUnit(report({ checks: [check('shape'), check('dtype', 'pass', { ms: 1500 })] })));
    assert.equal(count(file, '/testsuites/testsuite'), 2);
    assert.equal(xpath(file, 'string(/testsuites/@name)'), 'scaffold-mini');
    assert.equal(xpath(file, 'string(/testsuites/@tests)'), '4');
    assert.equal(xpath(file, 'string(/testsuites/@failures)'), '0');
    assert.equal(xpath(file, 'string(/testsuites/@time)'), '1.234');
    assert.equal(xpath(file, `string(${suite('dtype')}/@time)`), '1.500');
    assert.equal(count(file, `${suite('shape')}/testcase[@classname='scaffold-mini.shape']`), 2);
    assert.equal(count(file, `${suite('shape')}/testcase[@name='crop -> motion']`), 1);
    assert.equal(count(file, '//failure | //skipped | //system-out'), 0);
  });

  it('names the single test case after the check when the report has no boundaries', async () => {
    const file = await validate(renderJUnit(report({ boundaries: [], checks: [check('environment')] })));
    assert.equal(count(file, '//testcase'), 1);
    assert.equal(xpath(file, 'string(//testcase/@name)'), 'environment');
  });

  it('fails the test case of a boundary and adds one for a layer, with source, counterexample and replay', async () => {
    const findings = [
      finding('masking', 'crop -> motion', {
        source: { file: '/abs/model.ts', line: 12 },
        counterexample: { batch: 2, step: 3 },
        seed: 1234,
      }),
      finding('masking', "layer 'fuse'", { seed: 1234 }),
      finding('masking', 'backward pass'),
    ];
    const file = await validate(renderJUnit(report({ ok: false, checks: [check('shape'), check('masking', 'fail')], findings })));
    assert.equal(xpath(file, 'string(/testsuites/@failures)'), '3');
    assert.equal(xpath(file, 'string(/testsuites/@tests)'), '6');
    assert.equal(xpath(file, `string(${suite('masking')}/@tests)`), '4');
    assert.equal(xpath(file, `string(${suite('masking')}/@failures)`), '3');
    assert.equal(xpath(file, `string(${suite('shape')}/@failures)`), '0');
    const onBoundary = `${suite('masking')}/testcase[@name='crop -> motion']/failure`;
    assert.equal(xpath(file, `string(${onBoundary}/@type)`), 'masking');
    assert.equal(xpath(file, `string(${onBoundary}/@message)`), 'masking broke at crop -> motion');
    const text = xpath(file, `string(${onBoundary})`);
    assert.match(text, /at \/abs\/model\.ts:12/);
    assert.match(text, /counterexample: \{"batch":2,"step":3\}/);
    assert.match(text, /replay: npx scaffold-mini examples\/model\.ts --only masking --seed 1234/);
    assert.match(xpath(file, `string(${suite('masking')}/testcase[@name="layer 'fuse'"]/failure)`), /--only masking --seed 1234/);
    assert.equal(count(file, `${suite('masking')}/testcase[@name='backward pass']/failure`), 1);
    assert.equal(count(file, `${suite('masking')}/testcase[@name='image -> backbone']/*`), 0);
  });

  it('fails a failed check that has no error finding, with its reason', async () => {
    const file = await validate(renderJUnit(report({ checks: [check('overfit', 'fail', { reason: 'timed out' })] })));
    assert.equal(xpath(file, `string(${suite('overfit')}/testcase[@name='overfit']/failure/@message)`), 'timed out');
    assert.equal(xpath(file, 'string(/testsuites/@failures)'), '1');
  });

  it('keeps a finding of a check the report does not list', async () => {
    const file = await validate(renderJUnit(report({ checks: [], findings: [finding('probe', "layer 'x'")] })));
    assert.equal(count(file, `${suite('probe')}/testcase[@name="layer 'x'"]/failure`), 1);
  });

  it('puts warnings in system-out without failing', async () => {
    const findings = [
      finding('activation-health', "layer 'dense'", { severity: 'warning', message: '40% dead units' }),
      finding('activation-health', 'crop -> motion', { severity: 'info', message: 'fyi' }),
    ];
    const file = await validate(renderJUnit(report({ checks: [check('activation-health')], findings })));
    assert.equal(xpath(file, 'string(/testsuites/@failures)'), '0');
    assert.equal(count(file, '//failure'), 0);
    assert.equal(xpath(file, `string(//testcase[@name="layer 'dense'"]/system-out)`), 'warning: 40% dead units');
    assert.equal(xpath(file, `string(//testcase[@name='crop -> motion']/system-out)`), 'info: fyi');
  });

  it('skips every test case of a skipped check, with its reason', async () => {
    const checks = [check('shape'), check('causality', 'skip', { runs: 0, ms: 0, reason: 'no input is hinted causal: true' })];
    const file = await validate(renderJUnit(report({ checks })));
    assert.equal(xpath(file, 'string(/testsuites/@skipped)'), '2');
    assert.equal(xpath(file, `string(${suite('causality')}/@skipped)`), '2');
    assert.equal(count(file, `${suite('causality')}/testcase/skipped[@message='no input is hinted causal: true']`), 2);
    assert.equal(count(file, `${suite('shape')}//skipped`), 0);
  });

  it('escapes markup and strips the control characters XML forbids', async () => {
    const message = `a <b> & "c" 'd' ]]> e\u0001f\u0000\ttab\nline`;
    const findings = [finding('shape', "layer '<&>'", { message, counterexample: { text: '</failure>' }, seed: 3 })];
    const xml = renderJUnit(report({ file: 'dir & "x"/m.ts', checks: [check('shape', 'fail')], findings }));
    assert.doesNotMatch(xml, /[\u0000\u0001]/);
    const file = await validate(xml);
    const clean = `a <b> & "c" 'd' ]]> ef\ttab\nline`;
    assert.equal(xpath(file, `string(//testcase[@name="layer '<&>'"]/failure/@message)`), clean);
    const text = xpath(file, 'string(//failure)');
    assert.ok(text.startsWith(clean), text);
    assert.match(text, /"text":"<\/failure>"/);
    // The replay command quotes the file for the shell (one command for every reporter).
    assert.match(text, /replay: npx scaffold-mini 'dir & "x"\/m\.ts' --only shape --seed 3/);
  });

  it('renders the same report the same way', () => {
    const r = report({ checks: [check('shape', 'fail')], findings: [finding('shape', 'crop -> motion', { seed: 1 })] });
    assert.equal(renderJUnit(r), renderJUnit(structuredClone(r)));
  });
});

describe('the JUnit schema', () => {
  it('rejects a test case both skipped and failed, and a suite without its counts', async () => {
    for (const xml of [
      '<testsuites><testsuite name="a" tests="1"><testcase name="x" classname="a"><skipped/><failure/></testcase></testsuite></testsuites>',
      '<testsuites><testsuite name="a"><testcase name="x" classname="a"/></testsuite></testsuites>',
      '<testsuites><testsuite name="a" tests="1" time="-1"><testcase name="x" classname="a"/></testsuite></testsuites>',
    ]) {
      assert.ok((await schemaErrors(xml, XSD)).length > 0, xml);
    }
  });
});

describe('renderJUnit on a real run', () => {
  it('reports the dead branch as a failure of input-relevance', async () => {
    const result = await run(example('bugs/dead-branch/composite.ts'), { emit: false, seed: 7, runs: 30, only: ['input-relevance'] });
    const file = await validate(renderJUnit(result));
    assert.equal(count(file, suite('input-relevance')), 1);
    assert.equal(count(file, `${suite('input-relevance')}/testcase/failure[@type='input-relevance']`), 1);
    assert.match(xpath(file, 'string(//failure)'), /--only input-relevance --seed 7/);
  });
});
