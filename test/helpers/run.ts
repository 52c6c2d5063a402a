import { resolve } from 'node:path';
import { isScaffoldError, type ScaffoldError } from '../../src/errors.js';
import type { Options } from '../../src/config.js';
import type { Report } from '../../src/model/report.js';
import { run } from '../../src/pipeline/run.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const fixture = (path: string): string => resolve(ROOT, 'test/fixtures', path);
export const example = (path: string): string => resolve(ROOT, 'examples', path);

/** Runs the pipeline without writing anything, with a fixed seed and few runs unless told otherwise. */
export function runQuiet(file: string, options: Options = {}): Promise<Report> {
  return run(file, { emit: false, seed: 7, runs: 30, ...options });
}

/** The ScaffoldError a run rejects with (fails the test if it resolves or throws something else). */
export async function scaffoldError(file: string, options: Options = {}): Promise<ScaffoldError> {
  try {
    await runQuiet(file, options);
  } catch (e) {
    if (isScaffoldError(e)) return e;
    throw e;
  }
  throw new Error(`expected ${file} to be rejected`);
}
