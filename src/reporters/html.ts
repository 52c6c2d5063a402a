import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve as resolvePath } from 'node:path';
import type Handlebars from 'handlebars';
import { placeNames } from '../model/place.js';
import type { Finding, Report, ReportComponent, Severity } from '../model/report.js';
import { formatShape } from '../model/shape.js';
import { packageInfo } from '../package-info.js';
import { formatBytes, formatCount, formatDuration, formatMs, formatNumber, formatShare, percent, plural, replayCommand } from './format.js';
import { graphView } from './html-graph.js';
import { round1 } from './html-format.js';

export interface HtmlOptions {
  /** The text of a source file named in the report (paths relative to the working directory), if readable. */
  source(file: string): string | undefined;
}

/**
 * The offline HTML report: one self-contained page (inline CSS and SVG, no script, no request).
 * Pure: the graph layout, the snippets and every number are computed here, the template only places
 * them, and handlebars escapes every value.
 */
export function renderHtml(report: Report, options: HtmlOptions): string {
  return template()(reportView(report, options));
}

// ---------------------------------------------------------------------------------------------
// The template: handlebars is loaded and the template compiled on first use, once.

type Render = (view: ReportView) => string;
let compiled: Render | undefined;

function template(): Render {
  if (!compiled) {
    const handlebars = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
    const source = readFileSync(join(packageInfo().templatesDir, 'report.html.hbs'), 'utf8');
    // Escaping stays on (no `noEscape`); strict: a field the view lacks is a bug, not an empty string.
    const render = handlebars.compile<ReportView>(source, { strict: true });
    compiled = (view) => render(view);
  }
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// The view: everything the template shows, already formatted. Absent values are null, never missing.

type ReportView = ReturnType<typeof reportView>;

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const SNIPPET_CONTEXT = 3;

function reportView(report: Report, options: HtmlOptions) {
  const count = (severity: Severity) => report.findings.filter((f) => f.severity === severity).length;
  const status = (s: string) => report.checks.filter((c) => c.status === s).length;
  const flags = flaggedNames(report.findings);
  const errors = count('error');
  const warnings = count('warning');
  const maxCheckMs = Math.max(1, ...report.checks.map((c) => c.ms));
  const findings = report.findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.index - b.index)
    .map(({ finding }, i) => findingView(finding, i, report, options));
  return {
    file: report.file,
    title: `${report.ok ? 'ok' : 'not ok'}: ${report.file} (scaffold-mini report)`,
    ok: report.ok,
    verdict: report.ok ? 'ok' : 'not ok',
    verdictDetail: errors ? plural(errors, 'error') : 'no errors',
    seed: report.seed,
    version: packageInfo().version,
    reportVersion: report.version,
    counts: {
      components: report.components.length,
      boundaries: report.boundaries.length,
      checks: report.checks.length,
      passed: status('pass'),
      failed: status('fail'),
      skipped: status('skip'),
      errors,
      warnings,
      infos: count('info'),
      findings: report.findings.length,
    },
    words: {
      components: plural(report.components.length, 'component'),
      boundaries: plural(report.boundaries.length, 'boundary', 'boundaries'),
      errors: plural(errors, 'error').replace(/^\d+ /, ''),
      warnings: plural(warnings, 'warning').replace(/^\d+ /, ''),
      layers: plural(report.activations?.length ?? 0, 'layer'),
    },
    params: {
      real: formatCount(report.twin.realParams),
      twin: formatCount(report.twin.params),
      share: percent(report.twin.params, report.twin.realParams),
    },
    twin: {
      file: report.twin.file,
      mode: report.twin.mode,
      notes: report.twin.notes,
    },
    environment: report.environment,
    timings: timingsView(report.timings),
    graph: graphView(report, flags),
    boundaries: report.boundaries.map((b) => ({
      from: b.from,
      to: b.to,
      shape: formatShape(b.shape),
      dtype: b.dtype,
      masked: b.masked,
    })),
    components: report.components.map(componentView),
    checks: report.checks.map((c) => ({
      id: c.id,
      status: c.status,
      label: c.status === 'fail' ? 'FAIL' : c.status,
      runs: c.runs,
      ms: c.ms,
      bar: round1((100 * c.ms) / maxCheckMs),
      reason: c.reason ?? null,
    })),
    findings,
    activations: report.activations?.length ? report.activations.map((a) => activationView(a, report, flags)) : null,
  };
}

function componentView(c: ReportComponent) {
  const mask: string[] = [];
  if (c.masking.consumes) mask.push('consumes');
  if (c.masking.emits === 'pass') mask.push('passes');
  if (c.masking.emits === 'nonzero') mask.push('emits input != 0');
  return {
    name: c.name,
    className: c.wrapper ? `${c.className} in ${c.wrapper}` : c.className,
    kind: c.kind,
    inputs: c.inputShapes.map(formatShape).join(' '),
    outputs: c.outputShapes.map(formatShape).join(' '),
    dtypes: unique([...c.inputDtypes, ...c.outputDtypes]).join(', '),
    activation: c.outputActivation,
    mask: mask.length ? mask.join(', ') : null,
    params: formatCount(c.params),
    stubParams: formatCount(c.stub.params),
    stubTemplate: c.stub.template,
    share: percent(c.stub.params, c.params),
    source: c.source ? `${c.source.file}:${c.source.line}` : null,
    cost: c.cost
      ? {
          weights: formatBytes(c.cost.real.weightBytes),
          activations: formatBytes(c.cost.real.activationBytesPerSample),
          build: formatDuration(c.cost.real.buildMs),
          forward: formatDuration(c.cost.real.forwardMs),
          twin: c.cost.twin
            ? {
                weights: formatBytes(c.cost.twin.weightBytes),
                activations: formatBytes(c.cost.twin.activationBytesPerSample),
                build: formatDuration(c.cost.twin.buildMs),
                forward: formatDuration(c.cost.twin.forwardMs),
              }
            : null,
        }
      : null,
  };
}

function findingView(f: Finding, index: number, report: Report, options: HtmlOptions) {
  const seed = f.seed ?? report.seed;
  return {
    id: `finding-${index + 1}`,
    number: index + 1,
    severity: f.severity,
    check: f.check,
    where: f.where,
    message: f.message,
    location: f.source ? `${f.source.file}:${f.source.line}${f.source.column ? `:${f.source.column}` : ''}` : null,
    snippet: f.source ? snippet(options.source(f.source.file), f.source.line) : null,
    counterexample: f.counterexample ? formatJson(f.counterexample) : null,
    seed,
    path: f.path ?? null,
    replay: replayCommand(report.file, f.check, seed),
  };
}

/** The lines around `line` (1-based) of a source text, the line itself marked; null when unreadable. */
function snippet(text: string | undefined, line: number): { number: number; text: string; current: boolean }[] | null {
  if (text === undefined) return null;
  const lines = text.split(/\r?\n/);
  if (!Number.isInteger(line) || line < 1 || line > lines.length) return null;
  const first = Math.max(1, line - SNIPPET_CONTEXT);
  const last = Math.min(lines.length, line + SNIPPET_CONTEXT);
  const out = [];
  for (let n = first; n <= last; n++) out.push({ number: n, text: lines[n - 1] ?? '', current: n === line });
  return out;
}

function timingsView(t: Report['timings']) {
  const phases = [
    { key: 'load', label: 'load', ms: t.loadMs },
    { key: 'probe', label: 'probe', ms: t.probeMs },
    { key: 'twin', label: 'twin', ms: t.twinMs },
    { key: 'checks', label: 'checks', ms: t.checksMs },
    { key: 'emit', label: 'emit', ms: t.emitMs },
  ];
  const known = phases.reduce((sum, p) => sum + p.ms, 0);
  const total = Math.max(t.totalMs, known);
  phases.push({ key: 'other', label: 'other', ms: Math.max(0, t.totalMs - known) });
  return {
    total: formatMs(t.totalMs),
    phases: phases.map((p) => ({ ...p, text: formatMs(p.ms), width: total ? round1((100 * p.ms) / total) : 0 })),
  };
}

// ---------------------------------------------------------------------------------------------
// Activation histograms.

const HIST = { width: 240, height: 56 };

function activationView(a: NonNullable<Report['activations']>[number], report: Report, flags: Map<string, Severity>) {
  const counts = a.histogram.counts;
  const bins = Math.max(1, counts.length);
  const top = Math.max(1, ...counts);
  const step = (a.histogram.max - a.histogram.min) / bins;
  const barWidth = HIST.width / bins;
  const bars = counts.map((n, i) => {
    const h = n > 0 ? Math.max(1, (HIST.height * n) / top) : 0;
    const lo = a.histogram.min + i * step;
    return {
      x: round1(i * barWidth + 0.5),
      y: round1(HIST.height - h),
      width: round1(Math.max(1, barWidth - 1)),
      height: round1(h),
      title: `${formatNumber(lo)} to ${formatNumber(lo + step)}: ${n}`,
    };
  });
  const flag = flags.get(a.layer);
  return {
    layer: a.layer,
    activation: a.activation,
    stub: report.components.some((c) => c.name === a.layer),
    flag: flag === 'error' || flag === 'warning' ? flag : null,
    dead: formatShare(a.dead),
    deadWidth: round1(100 * clamp01(a.dead)),
    saturated: formatShare(a.saturated),
    saturatedWidth: round1(100 * clamp01(a.saturated)),
    min: formatNumber(a.histogram.min),
    max: formatNumber(a.histogram.max),
    values: counts.reduce((s, n) => s + n, 0),
    chart: { width: HIST.width, height: HIST.height, bars },
    label: `Histogram of ${a.layer}'s outputs from ${formatNumber(a.histogram.min)} to ${formatNumber(a.histogram.max)} in ${bins} bins`,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/** The names the findings' places point at (both ends of a boundary), with the worst severity of each. */
function flaggedNames(findings: Finding[]): Map<string, Severity> {
  const flags = new Map<string, Severity>();
  for (const f of findings) {
    for (const name of f.place ? placeNames(f.place) : []) {
      const before = flags.get(name);
      if (name && (before === undefined || SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[before])) flags.set(name, f.severity);
    }
  }
  return flags;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** JSON with arrays of plain values on one line (loss curves, shapes) and objects indented. */
function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const flat = JSON.stringify(value);
    if (flat.length <= 72 && entries.every(([, v]) => v === null || typeof v !== 'object'))
      return flat.replace(/,"/g, ', "').replace(/":/g, '": ');
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Reads a source file named in a report (relative to the working directory) for the snippets; undefined when unreadable. */
export function readSourceText(file: string): string | undefined {
  try {
    return readFileSync(resolvePath(process.cwd(), file), 'utf8');
  } catch {
    return undefined;
  }
}
