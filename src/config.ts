import { resolve } from 'node:path';
import { CHECK_IDS, isCheckId, type CheckId } from './checks/registry.js';
import { DEFAULTS } from './defaults.js';
import { ScaffoldError } from './errors.js';
import type { BackendName } from './tfjs/tf-instance.js';

/** Options of `scaffold()`; every one is optional (see ResolvedOptions for the defaults). */
export interface Options {
  /** Folder for the emitted twin. Default: `<name>.mini/` beside the composite. */
  out?: string;
  /** Seed of the fake data and the twin's weights. Default: 42, so two runs on the same input agree. */
  seed?: number;
  /** fast-check runs per property. Default: 100. */
  runs?: number;
  /** Run only these checks. */
  only?: string[];
  /** Skip these checks. */
  skip?: string[];
  /** tfjs backend. Default: `cpu`. */
  backend?: BackendName;
  /** The module export that builds the model. Default: `default`. */
  exportName?: string;
  /** Built-in layers with at least this many parameters are components. Default: 10,000. */
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

export interface ResolvedOptions {
  file: string;
  out: string | undefined;
  seed: number;
  runs: number;
  checks: CheckId[];
  backend: BackendName;
  exportName: string | undefined;
  minParams: number;
  emit: boolean;
  force: boolean;
  timeoutMs: number;
  preprocess: string | undefined;
  overfitReal: string | undefined;
}

export { DEFAULTS };

/** Fills every default in one place and rejects unusable values (E_ARGS). */
export function resolveOptions(file: string, options: Options = {}): ResolvedOptions {
  const only = options.only ?? [];
  const skip = options.skip ?? [];
  for (const id of [...only, ...skip]) {
    if (!isCheckId(id)) {
      throw new ScaffoldError('E_ARGS', `unknown check '${id}'`, { hint: `checks are: ${CHECK_IDS.join(', ')}` });
    }
  }
  const checks = CHECK_IDS.filter((id) => (only.length === 0 || only.includes(id)) && !skip.includes(id));
  const positive = (name: string, value: number | undefined, fallback: number, min = 1): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < min) {
      throw new ScaffoldError('E_ARGS', `--${name} must be a whole number of at least ${min}, got ${String(value)}`, { hint: `omit --${name} for the default (${fallback})` });
    }
    return v;
  };
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0x7fffffff) {
    throw new ScaffoldError('E_ARGS', `--seed must be a whole number from 0 to 2147483647, got ${String(options.seed)}`, {
      hint: `omit --seed for the default (${DEFAULTS.seed})`,
    });
  }
  return {
    file: resolve(file),
    out: options.out === undefined ? undefined : resolve(options.out),
    seed,
    runs: positive('runs', options.runs, DEFAULTS.runs),
    checks,
    backend: options.backend ?? DEFAULTS.backend,
    exportName: options.exportName,
    minParams: positive('min-params', options.minParams, DEFAULTS.minParams, 0),
    emit: options.emit ?? true,
    force: options.force ?? false,
    timeoutMs: positive('timeout', options.timeout, DEFAULTS.timeout) * 1000,
    preprocess: options.preprocess === undefined ? undefined : resolve(options.preprocess),
    overfitReal: options.overfitReal,
  };
}
