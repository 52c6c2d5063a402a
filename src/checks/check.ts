import type { LayersModel } from '@tensorflow/tfjs';
import type { CheckId } from '../model/check-id.js';
import type { OutputFile } from '../model/emitted.js';
import type { ProbeResult } from '../model/probe.js';
import type { Finding } from '../model/report.js';
import type { SampleSpace } from '../model/sample.js';
import type { SourceLocation } from '../model/source.js';
import type { Twin } from '../model/twin.js';
import type { Tf } from '../tfjs/tf-instance.js';
import type { Observer } from './harness/observe.js';
import type { PassCache } from './harness/pass-cache.js';
import type { Runner } from './harness/runner.js';

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
  /** Outcomes of the checks that ran before this one, by id. */
  earlier: ReadonlyMap<CheckId, CheckOutcome>;
  /** The user's source line for a layer or component name (its `.apply` call), when known. */
  sourceOf(name: string): SourceLocation | undefined;
  /** The line that declares a class of this name in the user's files, when found. */
  classSource?(className: string): SourceLocation | undefined;
  /** Where the factory called `model.compile`, when it did. */
  compileSite: SourceLocation | undefined;
  /** The twin again, with this one component kept real (`--overfit-real`). */
  twinWithReal(component: string): Twin;
  /** What the checks need of the run's options. */
  options: {
    /** The output folder (`<name>.mini/` by default); written only when `emit`. */
    outDir: string;
    emit: boolean;
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
  /** Files for the emit stage to write (checks write none themselves). */
  files?: OutputFile[];
  /**
   * Tensors the user's own code kept alive while the check ran (tensor-leak measures them; they
   * cannot be disposed from outside): the check stage's leak guard does not count them.
   */
  userTensors?: number;
}

/** One check behind the common interface; ids are the contract's (section 5). */
export interface Check {
  readonly id: CheckId;
  /** One line for `--help` and the README. */
  readonly proves: string;
  /**
   * Checks this one builds on: when one of them ran and failed, this one is skipped (its
   * differences would be noise) with the reason "'id' failed: fix that first".
   */
  readonly requires?: readonly CheckId[];
  /**
   * Property runs by default: where recall on the oracle's injected bugs and the zoo's stops
   * growing (every bug found by the 3rd run), with a margin (README, "Run budgets"); `--runs N`
   * and `--thorough` (100) override it.
   */
  readonly runs?: number;
  run(ctx: CheckContext): Promise<CheckOutcome> | CheckOutcome;
}
