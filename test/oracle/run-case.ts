// One oracle case: write the composite, run the tool on it as a new user would (default options,
// the case's seed), build the real model and measure the injected bug on it, and compare.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import * as tf from '@tensorflow/tfjs';
import { isScaffoldError } from '../../src/errors.js';
import { placeNames } from '../../src/model/place.js';
import type { Finding, Report } from '../../src/model/report.js';
import { run } from '../../src/pipeline/run.js';
import type { OracleCase } from './case.js';
import { OPERATORS } from './operators.js';
import { buildReal, confirm, type Verdict } from './truth.js';

export interface CaseResult {
  id: string;
  family: string;
  bug: string | null;
  /** How the tool's run ended. */
  outcome: 'report' | 'refused' | 'crash';
  /** The error code of a refusal, or the message of a crash. */
  reason?: string;
  ms: number;
  /** Error findings (on a clean case every one is a false positive). */
  errors: string[];
  /** Bug cases: what the real model shows. */
  truth?: Verdict;
  /** Bug cases: the operator's check reported it (at its severity or worse). */
  found?: boolean;
  /** Missed padding that nothing in the model or its hints marks: the tool asked for a hint (an info finding). */
  needsHint?: boolean;
  /** ...and named the culprit. */
  attributed?: boolean;
  /** Bug cases: the operator's check's own findings, when it did not name the culprit. */
  near?: string[];
  /**
   * Found bugs: how many property runs the first finding needed (its counterexample's run index,
   * plus one; 1 for a check that is not a property): recall as a function of the run budget.
   */
  firstRun?: number;
  /** Each check's time in the run (ms). */
  checkMs?: Record<string, number>;
  /** With a seed sweep: the verdict with each other tool seed. */
  sweep?: { seed: number; errors: number; found?: boolean; attributed?: boolean; outcome: CaseResult['outcome'] }[];
  /** With `emit`: the emitted twin built and predicted, was not written (the note), or is broken (the error). */
  twin?: { built: true; ms: number } | { built: false; why: string };
}

const line = (f: Finding): string => `${f.severity} [${f.check}] ${f.where}: ${f.message}`;

/**
 * `seed` is the case's (its data and the truth's); the tool runs with `toolSeed` when given (a
 * seed sweep), reusing a `truth` already measured.
 */
export async function runCase(
  dir: string,
  c: OracleCase,
  seed: number,
  options: { emit?: boolean; toolSeed?: number; truth?: Verdict } = {},
): Promise<CaseResult> {
  const toolSeed = options.toolSeed ?? seed;
  const file = join(dir, `${c.id.replace(/[^\w-]+/g, '_')}.ts`);
  writeFileSync(file, c.source);
  const base = { id: c.id, family: c.family, bug: c.bug };
  const started = performance.now();
  let findings: Finding[];
  let checks: Report['checks'] = [];
  let twin: CaseResult['twin'];
  try {
    const out = join(dir, `${c.id.replace(/[^\w-]+/g, '_')}.mini`);
    const report = await run(file, options.emit ? { seed: toolSeed, out } : { emit: false, seed: toolSeed });
    findings = report.findings;
    checks = report.checks;
    if (options.emit)
      twin = report.twin.file ? await buildEmitted(report.twin.file) : { built: false, why: report.twin.notes.join('; ') || 'not written' };
  } catch (e) {
    const ms = Math.round(performance.now() - started);
    if (isScaffoldError(e)) return { ...base, outcome: 'refused', reason: `${e.code}: ${e.message}`, ms, errors: [] };
    return { ...base, outcome: 'crash', reason: (e as Error).stack ?? String(e), ms, errors: [] };
  }
  const ms = Math.round(performance.now() - started);
  const errors = findings.filter((f) => f.severity === 'error').map(line);
  const checkMs = Object.fromEntries(checks.map((k) => [k.id, k.ms]));
  if (!c.bug) return { ...base, outcome: 'report', ms, errors, checkMs, ...(twin ? { twin } : {}) };
  const op = OPERATORS[c.bug];
  const truth = options.truth ?? (await measure(file, c, op, seed));
  const severe = (f: Finding) => f.severity === 'error' || (op.severity === 'warning' && f.severity === 'warning');
  // A bug that makes the real model throw is found by the finding that reports the throw.
  const reportsThrow = (f: Finding) =>
    truth.thrown !== undefined && f.check === 'shape' && f.severity === 'error' && /throw/.test(f.message);
  // A check skipped because a check it requires failed ("fix that first"): that one's errors speak for it.
  const blockedBy = /^'([\w-]+)' failed: fix that first/.exec(
    checks.find((k) => k.id === op.check && k.status === 'skip')?.reason ?? '',
  )?.[1];
  const own = findings.filter(
    (f) => (f.check === op.check && severe(f)) || reportsThrow(f) || (f.check === blockedBy && f.severity === 'error'),
  );
  const culprit = c.culprit;
  const names = (f: Finding): string[] => (f.place ? placeNames(f.place) : [f.where]);
  const attributed = culprit === undefined ? own.length > 0 : own.some((f) => names(f).some((n) => n === culprit || n.includes(culprit)));
  return {
    ...base,
    outcome: 'report',
    ms,
    errors,
    truth,
    found: own.length > 0,
    checkMs,
    ...(own.length ? { firstRun: Math.min(...own.map(runsNeeded)) } : {}),
    // Padding no layer masks and no hint mentions: the tool cannot know the data is padded, and says so.
    ...(own.length === 0 && op.truth === 'padding' && findings.some((f) => f.check === 'masking' && f.severity === 'info')
      ? { needsHint: true }
      : {}),
    attributed,
    ...(own.length && !attributed ? { near: own.map(line) } : {}),
    ...(twin ? { twin } : {}),
  };
}

/** A counterexample's path is "run:shrink:..." (fast-check's): the runs it took to meet it. */
function runsNeeded(f: Finding): number {
  const run = Number(f.path?.split(':')[0]);
  return Number.isInteger(run) ? run + 1 : 1;
}

/**
 * The truth of a case, on its own random draws: tfjs draws an unseeded initialiser (glorot, the
 * default of most layers) from Math.random, which the tool's run before it in this process has
 * moved on by an amount that depends on the tool's code. A generator seeded by the case stands in
 * for it meanwhile, so that the truth of a case is the same whatever ran before.
 */
async function measure(file: string, c: OracleCase, op: (typeof OPERATORS)[keyof typeof OPERATORS], seed: number): Promise<Verdict> {
  const random = Math.random;
  let state = (seed * 2654435761) >>> 0 || 1;
  Math.random = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return ((state ^ (state >>> 13)) >>> 0) / 4294967296;
  };
  try {
    const model = await buildReal(tf, file, seed);
    try {
      return await confirm(tf, model, c, op, seed);
    } finally {
      model.dispose();
    }
  } finally {
    Math.random = random;
  }
}

/** Imports the emitted twin, builds it and predicts on zeros of its input shapes (free axes 5 long). */
async function buildEmitted(file: string): Promise<NonNullable<CaseResult['twin']>> {
  const started = performance.now();
  try {
    const mod = (await tsImport(pathToFileURL(resolve(file)).href, import.meta.url)) as {
      default: () => tf.LayersModel | Promise<tf.LayersModel>;
    };
    const model = await mod.default();
    const inputs = model.inputs.map((t) =>
      tf.zeros(
        t.shape.map((d, a) => (a === 0 ? 2 : (d ?? 5))),
        t.dtype as 'float32',
      ),
    );
    const out = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
    tf.dispose([...inputs, ...(Array.isArray(out) ? out : [out])]);
    model.dispose();
    return { built: true, ms: Math.round(performance.now() - started) };
  } catch (e) {
    return { built: false, why: `broken: ${(e as Error).message}` };
  }
}
