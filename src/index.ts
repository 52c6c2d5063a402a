import type { Options } from './config.js';
import type { Report } from './model/report.js';
import { run, type RunHooks } from './pipeline/run.js';

/**
 * Loads a composite, probes it without real initialisation, builds its miniature twin, runs the
 * checks and (unless `emit: false`) writes the twin. Rejects with a ScaffoldError for unusable input.
 * `hooks.onProgress` hears each phase and check as it ends.
 */
export async function scaffold(file: string, options: Options = {}, hooks: RunHooks = {}): Promise<Report> {
  return run(file, options, hooks);
}

export type { RunHooks, Progress } from './pipeline/run.js';

export type { Options } from './config.js';
export { ScaffoldError, type ErrorCode } from './errors.js';
export type { Report, Finding, Boundary, CheckResult, ReportComponent } from './model/report.js';
export type { ComponentInfo, MaskBehaviour, StubTemplate } from './model/component.js';
export type { Shape, DType } from './model/shape.js';
export type { SourceLocation } from './model/source.js';
export type { MiniSpec, InputHint } from './checks/harness/fake-inputs.js';
export { REPORT_VERSION } from './model/report.js';
