import { relative } from 'node:path';
import type { Emitted } from '../model/emitted.js';
import type { ProbeResult } from '../model/probe.js';
import { REPORT_VERSION, type Finding, type Report, type ReportComponent } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import type { SourceLocation } from '../model/source.js';
import type { Twin } from '../model/twin.js';
import type { CostFigures } from '../model/component.js';
import { realCost } from '../stubbing/cost.js';
import type { Checked } from './check.js';

export interface ReportInput {
  probed: ProbeResult;
  twin: Twin;
  checked: Checked;
  emitted: Emitted | null;
  timings: Report['timings'];
}

/** The report stage: the contract's report (section 4) from what the stages found; paths relative to the working folder. */
export function report({ probed, twin, checked, emitted, timings }: ReportInput, ctx: Pick<RunContext, 'tf' | 'opts' | 'backend'>): Report {
  const { opts } = ctx;
  const components: ReportComponent[] = probed.components.map((c) => {
    const inner = twin.layered.get(c.info.name);
    const stub = twin.stubs.get(c.info.name);
    const stand = inner?.model ?? stub?.layer;
    const forward = checked.standInMs?.get(c.holder.name);
    const measured = (figures: CostFigures): CostFigures => ({
      ...figures,
      buildMs: round(twin.buildMs.get(c.info.name) ?? 0),
      // Not run in this run's passes (a watch session reused its outputs): not measured.
      forwardMs: forward === undefined ? null : round(forward),
    });
    const cost = { real: rounded(realCost(c.layer, c.holder)), ...(stand ? { twin: measured(realCost(stand, stand)) } : {}) };
    if (inner) return { ...c.info, stub: { template: 'layered', params: inner.params }, cost };
    return { ...c.info, stub: { template: stub?.spec.template ?? c.info.kind, params: stub?.layer.countParams() ?? 0 }, cost };
  });
  const findings = [...checked.findings, ...typeErrorFindings(emitted, opts.file)];
  const result: Report = {
    version: REPORT_VERSION,
    file: relative(process.cwd(), opts.file) || opts.file,
    ok: !checked.findings.some((f) => f.severity === 'error'),
    seed: opts.seed,
    components: components.map(relativeSource),
    boundaries: probed.boundaries,
    checks: checked.checks,
    findings: findings.map(relativeSource),
    twin: {
      file: emitted ? relative(process.cwd(), emitted.twinFile) : null,
      mode: emitted?.mode ?? null,
      params: twin.params,
      realParams: probed.model.countParams(),
      notes: [
        ...(probed.components.length || probed.kept.length ? [] : [NOTHING_TO_STUB]),
        ...probed.kept.map((k) => `kept real: '${k.name}' (no stub fits it: ${k.reason})`),
        ...twin.notes,
        ...(emitted?.notes ?? []),
      ],
    },
    timings,
    environment: { node: process.version, tfjs: ctx.tf.version.tfjs ?? 'unknown', backend: ctx.backend },
  };
  if (checked.activity) result.activations = checked.activity;
  return result;
}

const NOTHING_TO_STUB =
  'nothing expensive to stub (no nested model, no expensive built-in layer): the model is checked as it is, with seeded weights';

/** Type errors found while the source was analysed for the twin: warnings, the module ran anyway. */
function typeErrorFindings(emitted: Emitted | null, file: string): Finding[] {
  return (emitted?.typeErrors ?? []).map((error) => ({
    check: 'environment',
    severity: 'warning',
    where: 'types',
    source: { file, line: error.line },
    message: `type error: ${error.message} (the module ran anyway: tsx strips types without checking them)`,
  }));
}

function relativeSource<T extends { source?: SourceLocation }>(item: T): T {
  return item.source ? { ...item, source: { ...item.source, file: relative(process.cwd(), item.source.file) } } : item;
}

/** Milliseconds to 3 significant digits (an estimate claims no more). */
function round(ms: number): number {
  return ms === 0 ? 0 : Number(ms.toPrecision(3));
}

function rounded(figures: CostFigures): CostFigures {
  return { ...figures, buildMs: round(figures.buildMs), forwardMs: figures.forwardMs === null ? null : round(figures.forwardMs) };
}
