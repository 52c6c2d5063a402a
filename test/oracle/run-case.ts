// One oracle case: write the composite, run the tool on it as a new user would (default options,
// the case's seed), build the real model and measure the injected bug on it, and compare.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isScaffoldError } from '../../src/errors.js';
import { placeNames } from '../../src/model/place.js';
import type { Finding } from '../../src/model/report.js';
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
  /** ...and named the culprit. */
  attributed?: boolean;
  /** Bug cases: the operator's check's own findings, when it did not name the culprit. */
  near?: string[];
}

const line = (f: Finding): string => `${f.severity} [${f.check}] ${f.where}: ${f.message}`;

export async function runCase(dir: string, c: OracleCase, seed: number): Promise<CaseResult> {
  const file = join(dir, `${c.id.replace(/[^\w-]+/g, '_')}.ts`);
  writeFileSync(file, c.source);
  const base = { id: c.id, family: c.family, bug: c.bug };
  const started = performance.now();
  let findings: Finding[];
  try {
    const report = await run(file, { emit: false, seed });
    findings = report.findings;
  } catch (e) {
    const ms = Math.round(performance.now() - started);
    if (isScaffoldError(e)) return { ...base, outcome: 'refused', reason: `${e.code}: ${e.message}`, ms, errors: [] };
    return { ...base, outcome: 'crash', reason: (e as Error).stack ?? String(e), ms, errors: [] };
  }
  const ms = Math.round(performance.now() - started);
  const errors = findings.filter((f) => f.severity === 'error').map(line);
  if (!c.bug) return { ...base, outcome: 'report', ms, errors };
  const op = OPERATORS[c.bug];
  let truth: Verdict;
  const model = await buildReal(tf, file, seed);
  try {
    truth = confirm(tf, model, c, op, seed);
  } finally {
    model.dispose();
  }
  const severe = (f: Finding) => f.severity === 'error' || (op.severity === 'warning' && f.severity === 'warning');
  const own = findings.filter((f) => f.check === op.check && severe(f));
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
    attributed,
    ...(own.length && !attributed ? { near: own.map(line) } : {}),
  };
}
