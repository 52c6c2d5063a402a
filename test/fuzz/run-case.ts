// One fuzz case: write the generated module (inside the repository, so that it resolves tfjs), run
// the tool on it in this process, and say how it ended. Anything but a report or a ScaffoldError
// (an internal error, a hang) is a bug of the tool.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isScaffoldError } from '../../src/errors.js';
import { run } from '../../src/pipeline/run.js';
import { compositeSource, type Breakage, type CompositeSpec } from './composites.js';

/** The checks a fuzz case runs: the structural ones (the twin must be shape-faithful), few runs. */
const FUZZ_CHECKS = ['shape', 'dtype', 'finite', 'determinism', 'masking', 'mask-provenance', 'sequence-states', 'gradient-flow'];

export type Outcome =
  { kind: 'report'; ok: boolean; shapeErrors: string[] } | { kind: 'refused'; code: string } | { kind: 'crash'; error: string };

export async function fuzzCase(dir: string, index: number, spec: CompositeSpec, broken: Breakage, cut: number): Promise<Outcome> {
  const file = join(dir, `case-${index}.ts`);
  writeFileSync(file, compositeSource(spec, broken, cut));
  try {
    const report = await run(file, { emit: false, seed: index, runs: 2, minParams: 100, only: FUZZ_CHECKS, timeout: 20 });
    const shapeErrors = report.findings
      .filter((f) => (f.check === 'shape' || f.check === 'dtype') && f.severity === 'error')
      .map((f) => `${f.where}: ${f.message}`);
    return { kind: 'report', ok: report.ok, shapeErrors };
  } catch (e) {
    if (isScaffoldError(e)) return { kind: 'refused', code: e.code };
    return { kind: 'crash', error: (e as Error).stack ?? String(e) };
  }
}

/** A bug of the tool in this outcome, in words, or null. */
export function bugIn(outcome: Outcome, broken: Breakage): string | null {
  if (outcome.kind === 'crash') return `internal error: ${outcome.error}`;
  if (outcome.kind !== 'report') return null;
  // A reshape to the wrong size builds in tfjs (the batch axis is free) and throws when run: the
  // shape check must report it (exit 1), if the factory did not already fail (exit 2).
  if (broken === 'bad-shape') return outcome.shapeErrors.length ? null : 'a reshape to the wrong size went unreported';
  if (outcome.shapeErrors.length) return `the twin is not shape-faithful: ${outcome.shapeErrors.join('; ')}`;
  if (broken !== 'none') return `a broken module (${broken}) gave a report instead of exit 2`;
  return null;
}
