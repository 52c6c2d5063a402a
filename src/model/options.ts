import type { CheckId } from './check-id.js';

export type BackendName = 'cpu' | 'wasm' | 'tensorflow';

/** Options of `scaffold()`; every one is optional (see ResolvedOptions for the defaults). */
export interface Options {
  /** Folder for the emitted twin. Default: `<name>.mini/` beside the composite. */
  out?: string;
  /** Seed of the fake data and the twin's weights. Default: 42, so two runs on the same input agree. */
  seed?: number;
  /** fast-check runs per property, for every check. Default: each check's own budget (see `thorough`). */
  runs?: number;
  /** Every property check with the full budget (100 runs), as for CI. Default: false: each check runs as many as its detection power needs. */
  thorough?: boolean;
  /** Run only these checks. */
  only?: string[];
  /** Skip these checks. */
  skip?: string[];
  /** tfjs backend. Default: `cpu`. */
  backend?: BackendName;
  /** The module export that builds the model. Default: `default`. */
  exportName?: string;
  /** Also make every built-in layer with at least this many parameters a component. Default: none (expensive layers only). */
  minParams?: number;
  /** Write the twin. Default: true. */
  emit?: boolean;
  /** Overwrite files that scaffold-mini did not generate. Default: false. */
  force?: boolean;
  /** Seconds the module import and the factory may take. Default: 60. */
  timeout?: number;
  /** A module exporting the user's preprocessing function, fingerprinted by the `environment` check. */
  preprocess?: string;
  /** The component `overfit` keeps real (slow: it trains the real thing). */
  overfitReal?: string;
}

/** Options with every default filled in (config.ts). */
export interface ResolvedOptions {
  file: string;
  /** The output folder, absolute: `--out` or `<name>.mini/` beside the composite. */
  out: string;
  seed: number;
  /** `--runs N` for every check; undefined: each check's budget (`--thorough`: the full budget). */
  runs: number | undefined;
  thorough: boolean;
  checks: CheckId[];
  backend: BackendName;
  exportName: string | undefined;
  /** undefined: the expensive layers only. */
  minParams: number | undefined;
  emit: boolean;
  force: boolean;
  timeoutMs: number;
  preprocess: string | undefined;
  overfitReal: string | undefined;
}
