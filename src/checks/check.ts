import type { LayersModel } from '@tensorflow/tfjs';
import type { Finding } from '../model/report.js';
import type { SourceLocation } from '../model/source.js';
import type { ProbeResult } from '../pipeline/probe.js';
import type { Tf } from '../tfjs/tf-instance.js';
import type { Twin } from '../pipeline/twin.js';
import type { SampleSpace } from './harness/fake-inputs.js';
import type { Observer } from './harness/observe.js';
import type { Runner } from './harness/runner.js';
import type { PassCache } from './harness/pass-cache.js';

/** What every check gets: the probed composite, its twin, and shared fake-data machinery. */
export interface CheckContext {
  tf: Tf;
  file: string;
  probe: ProbeResult;
  twin: Twin;
  model: LayersModel;
  seed: number;
  runs: number;
  space: SampleSpace;
  observer: Observer;
  /** Runs passes of the twin that record every tensor and mask (for checks that compare passes). */
  runner: Runner;
  /** Base passes per sample, shared by the checks. */
  passes: PassCache;
  /** Outcomes of the checks that ran before this one, by id (later checks skip on a failed premise). */
  earlier: ReadonlyMap<string, CheckOutcome>;
  /** The user's source line for a layer or component name (its `.apply` call), when known. */
  sourceOf(name: string): SourceLocation | undefined;
  /** Where the factory called `model.compile`, when it did. */
  compileSite: SourceLocation | undefined;
  /** What the checks need of the run's options. */
  options: {
    /** The output folder (`<name>.mini/` by default); written only when `emit`. */
    outDir: string;
    emit: boolean;
    force: boolean;
    /** `--preprocess FILE`: a module exporting the user's preprocessing function. */
    preprocess: string | undefined;
    backend: string;
    timeoutMs: number;
    /** `--overfit-real NAME`: the component overfit keeps real. */
    overfitReal: string | undefined;
  };
}

/** Activation statistics of one layer's output on fake data (kept for the HTML report). */
export interface LayerActivity {
  layer: string;
  activation: string;
  /** Share of units (last axis) that are zero on every sample and position. */
  dead: number;
  /** Share of values at the activation's limits (sigmoid, tanh, softmax). */
  saturated: number;
  /** Counts over `bins` equal bins from `min` to `max`. */
  histogram: { min: number; max: number; counts: number[] };
}

export interface CheckOutcome {
  status: 'pass' | 'fail' | 'skip';
  runs: number;
  findings: Finding[];
  reason?: string;
  /** activation-health's per-layer statistics. */
  activity?: LayerActivity[];
}

/** One check behind the common interface; ids are the contract's (section 5). */
export interface Check {
  readonly id: string;
  /** One line for `--help` and the README. */
  readonly proves: string;
  run(ctx: CheckContext): Promise<CheckOutcome> | CheckOutcome;
}

/** A skip outcome when an earlier check this one relies on failed (its differences would be noise). */
export function premiseFailed(ctx: CheckContext, ...ids: string[]): CheckOutcome | null {
  const failed = ids.find((id) => ctx.earlier.get(id)?.status === 'fail');
  return failed ? { status: 'skip', runs: 0, findings: [], reason: `'${failed}' failed: fix that first` } : null;
}
