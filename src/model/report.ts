import type { ComponentInfo, CostFigures } from './component.js';
import type { Place } from './place.js';
import type { DType, Shape } from './shape.js';
import type { SourceLocation } from './source.js';

export const REPORT_VERSION = 1;

/** A tensor crossing between a component and the rest of the graph. */
export interface Boundary {
  /** Producer layer (or model input) name. */
  from: string;
  /** Consumer layer name, or `output` when the tensor is a model output. */
  to: string;
  shape: Shape;
  dtype: DType;
  /** A mask travels with this tensor under Keras rules. */
  masked: boolean;
}

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  status: CheckStatus;
  runs: number;
  ms: number;
  reason?: string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  check: string;
  severity: Severity;
  /** The boundary (`"crop -> motion"`) or the layer where it shows, for people: the text of `place`. */
  where: string;
  /** Where in the graph it shows (additive in version 1); absent for findings about the project (versions, types, preprocessing) and for lists of places. */
  place?: Place;
  source?: SourceLocation;
  message: string;
  counterexample?: Record<string, unknown>;
  /** Replays the counterexample: `--only <check> --seed <seed>`. */
  seed?: number;
  path?: string;
}

export interface ReportComponent extends Omit<ComponentInfo, 'source'> {
  source?: SourceLocation;
  stub: { template: string; params: number };
  /**
   * What the component costs (additive in version 1): `real` estimated from its config and shapes
   * on the stock tfjs CPU backend, `twin` its stand-in's, with build and forward times measured.
   */
  cost?: { real: CostFigures; twin?: CostFigures };
}

/** The JSON report, version 1 of the contract. */
export interface Report {
  version: typeof REPORT_VERSION;
  file: string;
  ok: boolean;
  seed: number;
  components: ReportComponent[];
  boundaries: Boundary[];
  checks: CheckResult[];
  findings: Finding[];
  twin: { file: string | null; mode: 'rewritten' | 'generated' | null; params: number; realParams: number; notes: string[] };
  timings: { totalMs: number; loadMs: number; probeMs: number; twinMs: number; checksMs: number; emitMs: number };
  environment: { node: string; tfjs: string; backend: string };
  /** Additive: activation-health's per-layer statistics and histograms (for the HTML report). */
  activations?: {
    layer: string;
    activation: string;
    dead: number;
    saturated: number;
    histogram: { min: number; max: number; counts: number[] };
  }[];
}
