import { relative } from 'node:path';
import type { Finding, Report } from '../model/report.js';
import { formatShape } from '../model/shape.js';
import { formatBytes, formatCount, formatDuration, formatMs, percent, replayCommand } from './format.js';

export interface TerminalStyle {
  color: boolean;
  /** Only the findings and the closing line. */
  quiet?: boolean;
}

/** Text in an ANSI colour (31 red, 32 green, 33 yellow, 2 dim, 1 bold) when `on`. */
export const paint = (on: boolean, code: number) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** A summary a person reads at a glance: components, checks, findings, the twin, the time. */
export function renderTerminal(report: Report, style: TerminalStyle): string {
  const text = summary(report, style);
  return style.quiet
    ? text
        .split('\n')
        .filter((l) => /error|warning|FAIL|checks in/.test(l))
        .join('\n')
    : text;
}

function summary(report: Report, style: TerminalStyle): string {
  const red = paint(style.color, 31);
  const green = paint(style.color, 32);
  const yellow = paint(style.color, 33);
  const dim = paint(style.color, 2);
  const bold = paint(style.color, 1);
  const lines: string[] = [];
  lines.push(bold(`scaffold-mini ${report.file}`) + dim(`  seed ${report.seed}`));
  lines.push('');
  const rows = report.components.map((c) => [
    c.name,
    c.wrapper ? `${c.kind} (in ${c.wrapper})` : c.kind,
    `${c.inputShapes.map(formatShape).join(' ')} -> ${c.outputShapes.map(formatShape).join(' ')}`,
    c.outputActivation,
    `${formatCount(c.params)} -> ${formatCount(c.stub.params)} (${percent(c.stub.params, c.params)})`,
  ]);
  lines.push(...table(['component', 'kind', 'shapes', 'activation', 'params real -> stub'], rows).map((l, i) => (i === 0 ? dim(l) : l)));
  const costs = report.components.filter((c) => c.cost);
  if (costs.length) {
    lines.push('');
    const arrow = (real: string, twin: string | undefined) => (twin === undefined ? real : `${real} -> ${twin}`);
    const costRows = costs.map((c) => {
      const { real, twin } = c.cost as NonNullable<typeof c.cost>;
      return [
        c.name,
        arrow(formatBytes(real.weightBytes), twin && formatBytes(twin.weightBytes)),
        arrow(formatBytes(real.activationBytesPerSample), twin && formatBytes(twin.activationBytesPerSample)),
        arrow(`~${formatDuration(real.buildMs)}`, twin && formatDuration(twin.buildMs)),
        arrow(`~${formatDuration(real.forwardMs)}`, twin && formatDuration(twin.forwardMs)),
      ];
    });
    lines.push(
      ...table(['cost', 'weights real -> stub', 'activations/sample', 'build real -> stub', 'forward/sample real -> stub'], costRows).map(
        (l, i) => (i === 0 ? dim(l) : l),
      ),
    );
    lines.push(dim('  ~ estimated for the stock tfjs CPU backend from config and shapes; the stubs measured'));
  }
  lines.push('');
  lines.push(
    dim(`${report.boundaries.length} boundaries: `) +
      report.boundaries.map((b) => `${b.from} -> ${b.to}${b.masked ? ' (masked)' : ''}`).join(', '),
  );
  lines.push('');
  for (const check of report.checks) {
    const mark = check.status === 'pass' ? green('pass') : check.status === 'fail' ? red('FAIL') : yellow('skip');
    lines.push(
      `  ${mark}  ${check.id.padEnd(20)} ${dim(`${check.runs} runs, ${check.ms} ms`)}${check.reason ? dim(`  (${check.reason})`) : ''}`,
    );
  }
  if (report.findings.length) lines.push('');
  for (const finding of report.findings) lines.push(...renderFinding(finding, report, { red, yellow, dim }));
  lines.push('');
  if (report.twin.file)
    lines.push(
      `twin: ${report.twin.file} (${report.twin.mode}; ${formatCount(report.twin.params)} params vs ${formatCount(report.twin.realParams)} real)`,
    );
  for (const note of report.twin.notes) lines.push(dim(`  note: ${note}`));
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const verdict = errors ? red(`${errors} error(s)`) : green('no errors');
  const t = report.timings;
  lines.push(
    `${verdict}, ${warnings} warning(s); ${report.checks.length} checks in ${formatMs(t.totalMs)} ` +
      dim(`(load ${t.loadMs} ms, probe ${t.probeMs} ms, twin ${t.twinMs} ms, checks ${t.checksMs} ms, emit ${t.emitMs} ms)`),
  );
  return lines.join('\n');
}

function renderFinding(f: Finding, report: Report, c: Record<'red' | 'yellow' | 'dim', (s: string) => string>): string[] {
  const label = f.severity === 'error' ? c.red('error') : c.yellow(f.severity);
  const out = [`${label} [${f.check}] ${f.message}`];
  if (f.source) out.push(c.dim(`    at ${relative(process.cwd(), f.source.file) || f.source.file}:${f.source.line}`));
  if (f.counterexample) out.push(c.dim(`    counterexample: ${JSON.stringify(f.counterexample)}`));
  if (f.seed !== undefined) out.push(c.dim(`    replay: ${replayCommand(report.file, f.check, f.seed)}`));
  return out;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
