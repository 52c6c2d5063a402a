import type { Options } from './model/options.js';
import type { RunHooks } from './model/progress.js';
import type { Report } from './model/report.js';
import { run } from './pipeline/run.js';

/**
 * Loads a composite, probes it without real initialisation, builds its miniature twin, runs the
 * checks and (unless `emit: false`) writes the twin. Rejects with a ScaffoldError for unusable input.
 * `hooks.onProgress` hears each phase and check as it ends.
 */
export async function scaffold(file: string, options: Options = {}, hooks: RunHooks = {}): Promise<Report> {
  return run(file, options, hooks);
}

export type { RunHooks, Progress } from './model/progress.js';
export type { Options } from './model/options.js';
export { ScaffoldError, type ErrorCode } from './errors.js';
export type { Report, Finding, Boundary, CheckResult, ReportComponent } from './model/report.js';
export type { ComponentInfo, MaskBehaviour, StubTemplate } from './model/component.js';
export type { Shape, DType } from './model/shape.js';
export type { SourceLocation } from './model/source.js';
export type { MiniSpec, InputHint } from './model/hints.js';
export type { CheckId } from './model/check-id.js';
export { REPORT_VERSION } from './model/report.js';
