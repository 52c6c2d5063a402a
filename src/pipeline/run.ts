import { relative } from 'node:path';
import type { CheckContext, CheckOutcome, LayerActivity } from '../checks/check.js';
import { sampleSpace, type MiniSpec } from '../checks/harness/fake-inputs.js';
import { createObserver } from '../checks/harness/observe.js';
import { createRunner } from '../checks/harness/runner.js';
import { createPassCache } from '../checks/harness/pass-cache.js';
import { tapsFor } from '../checks/harness/tensor-property.js';
import { CHECKS } from '../checks/registry.js';
import { resolveOptions, type Options, type ResolvedOptions } from '../config.js';
import type { CheckResult, Finding, Report, ReportComponent } from '../model/report.js';
import { REPORT_VERSION } from '../model/report.js';
import type { SourceLocation } from '../model/source.js';
import { builtinClasses } from '../tfjs/builtin-classes.js';
import { loadComposite } from './load.js';
import { probe as probeComposite, type ProbeResult } from './probe.js';
import { loadTf, selectBackend } from '../tfjs/tf-instance.js';
import { buildTwin, type Twin } from './twin.js';
import { startEmit } from './emit.js';
import { defaultOutDir } from './out-dir.js';

/** Progress events, for reporters that show the run as it goes. */
export type Progress =
  | { phase: 'load' | 'probe' | 'twin' | 'emit'; ms: number }
  | { phase: 'check-start'; id: string; index: number; total: number }
  | { phase: 'check'; id: string; status: CheckResult['status']; ms: number; index: number; total: number };

export interface RunHooks {
  onProgress?: (event: Progress) => void;
  /** The files the run loaded: the composite and the user's files it imports (watch mode). */
  onFiles?: (files: string[]) => void;
  /** A phase begins ('load' runs the user's module and factory; 'checks' the twin's checks). */
  onPhaseStart?: (phase: 'import' | 'factory' | 'probe' | 'twin' | 'checks') => void;
}

/** The whole pipeline: load -> probe -> twin -> checks -> emit, as a Report. */
export async function run(file: string, options: Options = {}, hooks: RunHooks = {}): Promise<Report> {
  const started = performance.now();
  const opts = resolveOptions(file, options);
  const clock = phaseClock(hooks);

  const { tf } = await loadTf(opts.file);
  const backend = await selectBackend(tf, opts.backend, opts.file);
  const builtins = builtinClasses(tf);
  const onStage = hooks.onPhaseStart;
  const loaded = await clock('load', () =>
    loadComposite(opts.file, tf, { exportName: opts.exportName, timeoutMs: opts.timeoutMs, ...(onStage ? { onStage } : {}) }),
  );
  hooks.onFiles?.(loaded.files);
  const probed = await clock('probe', () =>
    probeComposite(tf, loaded.model, { minParams: opts.minParams, file: opts.file, builtins, applySites: loaded.applySites }),
  );
  const twin = await clock('twin', () => buildTwin(tf, probed, opts.file, opts.seed));

  // The twin is rendered and written on the other core while the checks run here.
  const emitting = opts.emit ? startEmit({ opts, loaded, probed, twin }) : null;
  emitting?.catch(() => undefined); // awaited below; keeps an early failure from being unhandled meanwhile

  const sourceOf = sourceLookup(probed, loaded.applySites, opts.file);
  const space = sampleSpace(probed.model, loaded.exports['mini'] as MiniSpec | undefined);
  const runner = createRunner(tf, twin);
  const passes = createPassCache(runner);
  const earlier = new Map<string, CheckOutcome>();
  const ctx: CheckContext = {
    earlier,
    tf,
    file: opts.file,
    probe: probed,
    twin,
    model: twin.model,
    seed: opts.seed,
    runs: opts.runs,
    space,
    runner,
    passes,
    observer: createObserver(tf, runner, passes, space, tapsFor(probed)),
    sourceOf,
    compileSite: loaded.compileSites.get(loaded.model),
    options: {
      outDir: opts.out ?? defaultOutDir(opts.file),
      emit: opts.emit,
      force: opts.force,
      preprocess: opts.preprocess,
      backend,
      timeoutMs: opts.timeoutMs,
      overfitReal: opts.overfitReal,
    },
  };
  hooks.onPhaseStart?.('checks');
  const checksStarted = performance.now();
  const checks: CheckResult[] = [];
  const findings: Finding[] = [];
  let activity: LayerActivity[] | undefined;
  for (const [index, id] of opts.checks.entries()) {
    hooks.onProgress?.({ phase: 'check-start', id, index, total: opts.checks.length });
    const t0 = performance.now();
    const outcome = await CHECKS[id].run(ctx);
    earlier.set(id, outcome);
    activity = outcome.activity ?? activity;
    const ms = Math.round(performance.now() - t0);
    checks.push({ id, status: outcome.status, runs: outcome.runs, ms, ...(outcome.reason ? { reason: outcome.reason } : {}) });
    findings.push(...outcome.findings);
    hooks.onProgress?.({ phase: 'check', id, status: outcome.status, ms, index, total: opts.checks.length });
  }
  const checksMs = Math.round(performance.now() - checksStarted);

  const report = assemble(opts, probed, twin, checks, findings, tf.version.tfjs ?? 'unknown', backend);
  if (activity) report.activations = activity;
  const emitted = emitting ? await emitting : null;
  if (emitted) {
    clock.ms.emit = emitted.ms;
    hooks.onProgress?.({ phase: 'emit', ms: emitted.ms });
  }
  report.twin.file = emitted ? relative(process.cwd(), emitted.twinFile) : null;
  report.twin.mode = emitted?.mode ?? null;
  report.twin.notes = (emitted?.notes ?? []).filter((n) => !TYPE_ERROR.test(n));
  // Type errors found while the source was analysed for the twin: warnings, the module ran anyway.
  for (const note of emitted?.notes ?? []) {
    const m = TYPE_ERROR.exec(note);
    if (!m) continue;
    report.findings.push({
      check: 'environment',
      severity: 'warning',
      where: 'types',
      source: { file: m[1] ?? '', line: Number(m[2]) },
      message: `type error: ${m[3]} (the module ran anyway: tsx strips types without checking them)`,
    });
  }
  report.timings = {
    totalMs: Math.round(performance.now() - started),
    loadMs: clock.ms.load ?? 0,
    probeMs: clock.ms.probe ?? 0,
    twinMs: clock.ms.twin ?? 0,
    checksMs,
    emitMs: clock.ms.emit ?? 0,
  };
  if (emitted) await emitted.writeReport(report);
  return report;
}

function assemble(opts: ResolvedOptions, probed: ProbeResult, twin: Twin, checks: CheckResult[], findings: Finding[], tfjs: string, backend: string): Report {
  const components: ReportComponent[] = probed.components.map((c) => {
    const stub = twin.stubs.get(c.info.name);
    return { ...c.info, stub: { template: stub?.spec.template ?? c.info.kind, params: stub?.layer.countParams() ?? 0 } };
  });
  const realParams = probed.model.countParams();
  const rel = <T extends { source?: SourceLocation }>(item: T): T =>
    item.source ? { ...item, source: { ...item.source, file: relative(process.cwd(), item.source.file) } } : item;
  return {
    version: REPORT_VERSION,
    file: relative(process.cwd(), opts.file) || opts.file,
    ok: !findings.some((f) => f.severity === 'error'),
    seed: opts.seed,
    components: components.map(rel),
    boundaries: probed.boundaries,
    checks,
    findings: findings.map(rel),
    twin: { file: null, mode: null, params: twin.params, realParams, notes: [] },
    timings: { totalMs: 0, loadMs: 0, probeMs: 0, twinMs: 0, checksMs: 0, emitMs: 0 },
    environment: { node: process.version, tfjs, backend },
  };
}

function sourceLookup(probed: ProbeResult, sites: WeakMap<object, SourceLocation[]>, file: string): (name: string) => SourceLocation | undefined {
  const byName = new Map<string, SourceLocation>();
  for (const node of probed.nodes) {
    const site = sites.get(node.layer)?.find((s) => s.file === file);
    if (site && !byName.has(node.layer.name)) byName.set(node.layer.name, { file: site.file, line: site.line });
  }
  for (const c of probed.components) {
    if (c.info.source) byName.set(c.info.name, c.info.source);
  }
  return (name) => byName.get(name);
}

/** A type-error note of the emitted twin's header (codegen/type-check.ts). */
const TYPE_ERROR = /^type error at (.+):(\d+): (.*)$/;

type Phase = 'load' | 'probe' | 'twin' | 'emit';
interface PhaseClock {
  <T>(phase: Phase, work: () => Promise<T> | T): Promise<T>;
  ms: Partial<Record<Phase, number>>;
}

function phaseClock(hooks: RunHooks): PhaseClock {
  const ms: Partial<Record<Phase, number>> = {};
  const clock = (async <T>(phase: Phase, work: () => Promise<T> | T): Promise<T> => {
    if (phase === 'probe' || phase === 'twin') hooks.onPhaseStart?.(phase);
    const t0 = performance.now();
    const result = await work();
    ms[phase] = Math.round(performance.now() - t0);
    hooks.onProgress?.({ phase, ms: ms[phase] ?? 0 });
    return result;
  }) as PhaseClock;
  clock.ms = ms;
  return clock;
}
