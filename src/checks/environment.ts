import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Finding } from '../model/report.js';
import { findUp } from '../find-up.js';
import { lineOf } from '../source-text.js';
import { fingerprintChange, fingerprintPreprocess, fingerprintText, readFingerprint } from './harness/preprocess.js';
import type { Check, CheckContext, CheckOutcome } from './check.js';

const LOCK_FILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * Records what the results depend on (node, tfjs, backend: the report's `environment`) and warns
 * where the composite's project does not pin it: no lock file, or a `@tensorflow/*` dependency
 * given as a range. With `--preprocess`, fingerprints the user's preprocessing on a fixed input and
 * warns when a later run gives another result (another decoder, another resize setting).
 */
export const environment: Check = {
  id: 'environment',
  proves: 'package versions are pinned, and the preprocessing gives the same output as last time',
  async run(ctx) {
    const findings = [...pinning(ctx.file)];
    const preprocess = ctx.options.preprocess ? await preprocessing(ctx, ctx.options.preprocess) : { findings: [], files: [] };
    findings.push(...preprocess.findings);
    return { status: 'pass', runs: 1, findings, ...(preprocess.files.length ? { files: preprocess.files } : {}) };
  },
};

function pinning(composite: string): Finding[] {
  const manifest = findUp(dirname(composite), 'package.json');
  const where = 'environment';
  if (!manifest) {
    return [
      {
        check: 'environment',
        severity: 'warning',
        where,
        message: 'no package.json above the composite: the versions of tfjs and its backends are not pinned anywhere',
      },
    ];
  }
  const findings: Finding[] = [];
  const root = dirname(manifest);
  const shown = relative(process.cwd(), manifest) || manifest;
  if (!LOCK_FILES.some((f) => existsSync(join(root, f)))) {
    findings.push({
      check: 'environment',
      severity: 'warning',
      where,
      source: { file: manifest, line: 1 },
      message: `${shown} has no lock file beside it (${LOCK_FILES.slice(0, 3).join(', ')}, ...): another install may get other versions of tfjs and give other results`,
    });
  }
  let pkg: Record<string, unknown>;
  const text = readFileSync(manifest, 'utf8');
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [
      ...findings,
      { check: 'environment', severity: 'warning', where, source: { file: manifest, line: 1 }, message: `${shown} is not valid JSON` },
    ];
  }
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = (pkg[field] ?? {}) as Record<string, unknown>;
    for (const [name, spec] of Object.entries(deps)) {
      if (!name.startsWith('@tensorflow/') || typeof spec !== 'string' || EXACT.test(spec)) continue;
      findings.push({
        check: 'environment',
        severity: 'warning',
        where,
        source: { file: manifest, line: lineOf(text, `"${name}"`) ?? 1 },
        message: `${name} is "${spec}" in ${field}, a range: pin an exact version (npm install --save-exact ${name}@<version>) so that every install runs the same kernels`,
      });
    }
  }
  return findings;
}

/** The fingerprint's findings, and the fingerprint file to record when there is none yet. */
async function preprocessing(ctx: CheckContext, file: string): Promise<{ findings: Finding[]; files: NonNullable<CheckOutcome['files']> }> {
  const now = await fingerprintPreprocess(ctx.tf, file, ctx.options.timeoutMs);
  const path = join(ctx.options.outDir, 'fingerprint.json');
  const before = await readFingerprint(path);
  const shown = relative(process.cwd(), path) || path;
  if (!before) {
    const files = ctx.options.emit ? [{ path, contents: fingerprintText(now) }] : [];
    const findings: Finding[] = [
      {
        check: 'environment',
        severity: 'info',
        where: 'preprocess',
        source: { file, line: 1 },
        message: `preprocessing fingerprint ${now.sha256.slice(0, 12)} (output [${now.shape.join(', ')}] ${now.dtype}) ${ctx.options.emit ? `recorded in ${shown}` : 'not recorded (--no-emit)'}`,
      },
    ];
    return { findings, files };
  }
  const change = fingerprintChange(before, now);
  if (!change) return { findings: [], files: [] };
  const findings: Finding[] = [
    {
      check: 'environment',
      severity: 'warning',
      where: 'preprocess',
      source: { file, line: 1 },
      message: `the preprocessing gives another output on the same test card than when ${shown} was recorded: ${change} (another image decoder, resize method or normalisation?); delete ${shown} to accept the new one`,
      counterexample: { recorded: before.sha256.slice(0, 12), now: now.sha256.slice(0, 12) },
    },
  ];
  return { findings, files: [] };
}
