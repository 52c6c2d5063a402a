import { placeText } from '../model/place.js';
import type { CheckResult, Finding, Report } from '../model/report.js';
import { replayCommand } from './format.js';

interface TestCase {
  name: string;
  findings: Finding[];
}

/**
 * The report as JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): one `<testsuite>`
 * per check, one `<testcase>` per boundary and per other place a finding of the check points at.
 * Errors are `<failure>`s with the replay command, warnings and infos go to `<system-out>`, and the
 * test cases of a skipped check are `<skipped>`. Deterministic: no timestamp, times from the report.
 */
export function renderJUnit(report: Report): string {
  const checks: CheckResult[] = [...report.checks];
  for (const f of report.findings) {
    if (!checks.some((c) => c.id === f.check)) checks.push({ id: f.check, status: 'pass', runs: 0, ms: 0 });
  }
  const suites = checks.map((check) => renderSuite(check, report));
  const sum = (key: 'tests' | 'failures' | 'skipped') => suites.reduce((n, s) => n + s[key], 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="scaffold-mini" tests="${sum('tests')}" failures="${sum('failures')}" errors="0" skipped="${sum('skipped')}" time="${seconds(report.timings.totalMs)}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function renderSuite(check: CheckResult, report: Report): { lines: string[]; tests: number; failures: number; skipped: number } {
  const suite = `scaffold-mini.${check.id}`;
  const cases = casesOf(check, report);
  const failures = cases.filter((c) => c.findings.some(isError)).length;
  const skipped = check.status === 'skip' ? cases.length - failures : 0;
  const lines = [
    `  <testsuite name="${attr(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(check.ms)}">`,
    ...cases.flatMap((c) => renderCase(c, check, suite, report)),
    '  </testsuite>',
  ];
  return { lines, tests: cases.length, failures, skipped };
}

// Boundaries first, then (with no boundaries) the check itself, then every other place a finding names.
function casesOf(check: CheckResult, report: Report): TestCase[] {
  const cases = new Map<string, Finding[]>();
  for (const b of report.boundaries) cases.set(`${b.from} -> ${b.to}`, []);
  if (report.boundaries.length === 0) cases.set(check.id, []);
  const findings = report.findings.filter((f) => f.check === check.id);
  if (check.status === 'fail' && !findings.some(isError)) {
    findings.push({ check: check.id, severity: 'error', where: check.id, message: check.reason ?? `${check.id} failed without a finding` });
  }
  for (const f of findings) {
    const where = f.place ? placeText(f.place) : f.where || check.id;
    cases.set(where, [...(cases.get(where) ?? []), f]);
  }
  return [...cases].map(([name, found]) => ({ name, findings: found }));
}

function renderCase(c: TestCase, check: CheckResult, suite: string, report: Report): string[] {
  const errors = c.findings.filter(isError);
  const notes = c.findings.filter((f) => !isError(f));
  const body: string[] = [];
  if (errors.length) {
    const message = errors.map((f) => f.message).join('; ');
    body.push(
      `      <failure message="${attr(message)}" type="${attr(check.id)}">${text(errors.map((f) => details(f, report)).join('\n\n'))}</failure>`,
    );
  } else if (check.status === 'skip') {
    body.push(`      <skipped message="${attr(check.reason ?? 'skipped')}"/>`);
  }
  if (notes.length)
    body.push(`      <system-out>${text(notes.map((f) => `${f.severity}: ${details(f, report)}`).join('\n\n'))}</system-out>`);
  const open = `    <testcase name="${attr(c.name)}" classname="${attr(suite)}"`;
  return body.length ? [`${open}>`, ...body, '    </testcase>'] : [`${open}/>`];
}

function details(f: Finding, report: Report): string {
  const lines = [f.message];
  if (f.source) lines.push(`at ${f.source.file}:${f.source.line}`);
  if (f.counterexample) lines.push(`counterexample: ${JSON.stringify(f.counterexample)}`);
  if (f.seed !== undefined) lines.push(`replay: ${replayCommand(report.file, f.check, f.seed)}`);
  return lines.join('\n');
}

const isError = (f: Finding) => f.severity === 'error';

const seconds = (ms: number) => (Number.isFinite(ms) ? Math.max(0, ms) / 1000 : 0).toFixed(3);

// Characters XML 1.0 forbids anywhere, even escaped (C0 controls but tab and newlines, lone surrogates, U+FFFE/F).
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const escape = (s: string, special: RegExp) => s.replace(FORBIDDEN, '').replace(special, (ch) => ENTITIES[ch] ?? ch);
// Attribute values keep their tabs and newlines as references (a parser would turn them into spaces).
const attr = (s: string) => escape(s, /[&<>"'\t\n\r]/g);
const text = (s: string) => escape(s, /[&<>\r]/g);
