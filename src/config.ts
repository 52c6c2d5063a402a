import { basename, dirname, extname, join, resolve } from 'node:path';
import { ScaffoldError } from './errors.js';
import { CHECK_IDS, isCheckId } from './model/check-id.js';
import type { Options, ResolvedOptions } from './model/options.js';

export type { Options, ResolvedOptions } from './model/options.js';

/**
 * The default of every option. Light on purpose (no check, no tfjs): the command's watchdog
 * process reads the time and memory limits from here.
 */
export const DEFAULTS = { seed: 42, runs: 100, backend: 'cpu', timeout: 60, maxMemoryMb: 4096 } as const;

/**
 * Property runs of a check: `--runs N` for all, else `--thorough`'s full budget, else the check's
 * own budget (the runs at which the oracle's recall on injected bugs reaches its plateau, with a
 * margin: README, "Run budgets"), else the full budget.
 */
export function runsFor(check: { runs?: number }, opts: Pick<ResolvedOptions, 'runs' | 'thorough'>): number {
  return opts.runs ?? (opts.thorough ? DEFAULTS.runs : (check.runs ?? DEFAULTS.runs));
}

/** Default output folder: `<name>.mini/` beside the composite. */
function defaultOutDir(file: string): string {
  return join(dirname(file), `${basename(file, extname(file))}.mini`);
}

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
      throw new ScaffoldError('E_ARGS', `--${name} must be a whole number of at least ${min}, got ${String(value)}`, {
        hint: `omit --${name} for the default (${fallback})`,
      });
    }
    return v;
  };
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0x7fffffff) {
    throw new ScaffoldError('E_ARGS', `--seed must be a whole number from 0 to 2147483647, got ${String(options.seed)}`, {
      hint: `omit --seed for the default (${DEFAULTS.seed})`,
    });
  }
  const absolute = resolve(file);
  return {
    file: absolute,
    out: resolve(options.out ?? defaultOutDir(absolute)),
    seed,
    runs: options.runs === undefined ? undefined : positive('runs', options.runs, DEFAULTS.runs),
    thorough: options.thorough ?? false,
    checks,
    backend: options.backend ?? DEFAULTS.backend,
    exportName: options.exportName,
    minParams: options.minParams === undefined ? undefined : positive('min-params', options.minParams, 0, 0),
    emit: options.emit ?? true,
    force: options.force ?? false,
    timeoutMs: positive('timeout', options.timeout, DEFAULTS.timeout) * 1000,
    preprocess: options.preprocess === undefined ? undefined : resolve(options.preprocess),
    overfitReal: options.overfitReal,
  };
}
