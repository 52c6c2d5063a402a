import { readFileSync } from 'node:fs';
import type { Check, CheckContext, CheckOutcome, LayerActivity } from '../checks/check.js';
import { sampleSpace, shortestLength } from '../checks/harness/fake-inputs.js';
import { carriedPasses, carryOver, createCarry, stubPrints, type Carry } from '../checks/harness/carry.js';
import { heldTensors, userLayers } from '../checks/harness/own-layers.js';
import { createObserver } from '../checks/harness/observe.js';
import { createPassCache } from '../checks/harness/pass-cache.js';
import { createRunner, type Pass } from '../checks/harness/runner.js';
import { tapsFor } from '../checks/harness/tensor-property.js';
import { CHECKS } from '../checks/registry.js';
import { isScaffoldError } from '../errors.js';
import type { CheckId } from '../model/check-id.js';
import type { LoadedComposite } from '../model/composite.js';
import type { OutputFile } from '../model/emitted.js';
import type { MiniSpec } from '../model/hints.js';
import type { ProbeResult } from '../model/probe.js';
import type { CheckResult, Finding } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import type { SourceLocation } from '../model/source.js';
import type { Twin } from '../model/twin.js';
import { buildTwin } from './twin.js';
import { runsFor } from '../config.js';

export interface CheckInput {
  loaded: LoadedComposite;
  probed: ProbeResult;
  twin: Twin;
}

/** The check stage's output: every check's result and findings, and what they ask emit to write. */
export interface Checked {
  checks: CheckResult[];
  findings: Finding[];
  activity: LayerActivity[] | undefined;
  files: OutputFile[];
  ms: number;
  /** By original layer name: the least time per sample a stand-in for a component took in the checks' passes (see Runner). */
  standInMs?: ReadonlyMap<string, number>;
}

/**
 * Set (to anything) in the environment, as the project's own tests set it: a check that leaves
 * tensors behind, or fails in scaffold-mini's own code, fails the run instead of being reported.
 */
const STRICT_ENV = 'SCAFFOLD_MINI_STRICT';

/** The check stage: the options' checks, in order, on the twin, sharing one sample space and pass cache. */
export async function check(input: CheckInput, ctx: RunContext): Promise<Checked> {
  // This stage's part of a watch session is its carry (nothing else reads or writes it); a single
  // run copies no stub weights for a next run that will not come.
  const carry = ctx.session ? ((ctx.session.checks ??= createCarry()) as Carry) : undefined;
  const stubs = carry ? stubPrints(input.twin) : undefined;
  const checkContext = contextFor(input, ctx, stubs && carriedPasses(carry, stubs));
  const list = ctx.opts.checks.map((id) => CHECKS[id]);
  ctx.hooks.onPhaseStart?.('checks');
  const strict = process.env[STRICT_ENV] !== undefined;
  const checked = await runChecks(list, checkContext, ctx, { leakGuard: strict, strict, runsOf: (c) => runsFor(c, ctx.opts) });
  if (stubs) carryOver(carry, stubs, checkContext.passes.held);
  return { ...checked, standInMs: checkContext.runner.standInMs };
}

/**
 * Runs checks in order. A check whose `requires` include one that failed is skipped. With
 * `leakGuard`, `tf.memory().numTensors` must be the same after each check as before it: a check
 * that leaks throws (an internal error, which fails the project's own tests).
 */
export async function runChecks(
  list: readonly Check[],
  checkContext: CheckContext & { earlier: Map<CheckId, CheckOutcome> },
  ctx: Pick<RunContext, 'tf' | 'hooks'>,
  options: { leakGuard: boolean; strict?: boolean; runsOf?: (check: Check) => number },
): Promise<Checked> {
  const started = performance.now();
  const checks: CheckResult[] = [];
  const findings: Finding[] = [];
  const files: OutputFile[] = [];
  let activity: LayerActivity[] | undefined;
  // Tensors the user's layers hold in their fields (a cache of the last output) are the model's
  // state, not a check's leak.
  const users = options.leakGuard && checkContext.twin ? [...userLayers(checkContext.twin, checkContext.probe.builtins).keys()] : [];
  const held = (): number => heldTensors(users);
  for (const [index, check] of list.entries()) {
    const { id } = check;
    ctx.hooks.onProgress?.({ phase: 'check-start', id, index, total: list.length });
    const t0 = performance.now();
    const tensors = transientTensors(ctx.tf);
    const heldBefore = held();
    const blocked = check.requires?.find((required) => checkContext.earlier.get(required)?.status === 'fail');
    const outcome: CheckOutcome = blocked
      ? { status: 'skip', runs: 0, findings: [], reason: `'${blocked}' failed: fix that first` }
      : await runOne(check, options.runsOf ? { ...checkContext, runs: options.runsOf(check) } : checkContext, options.strict ?? false);
    // What the user's code kept meanwhile: in its layers' fields, or measured by the check itself
    // (which counts the fields' growth too).
    const userKept = Math.max(held() - heldBefore, outcome.userTensors ?? 0);
    const leaked = transientTensors(ctx.tf) - tensors - userKept;
    if (options.leakGuard && leaked !== 0) {
      throw new Error(
        `internal: check '${id}' ${leaked > 0 ? `left ${leaked} tensor(s) behind` : `disposed ${-leaked} tensor(s) it did not make`}`,
      );
    }
    checkContext.earlier.set(id, outcome);
    activity = outcome.activity ?? activity;
    files.push(...(outcome.files ?? []));
    const ms = Math.round(performance.now() - t0);
    checks.push({ id, status: outcome.status, runs: outcome.runs, ms, ...(outcome.reason ? { reason: outcome.reason } : {}) });
    findings.push(...outcome.findings);
    ctx.hooks.onProgress?.({ phase: 'check', id, status: outcome.status, ms, index, total: list.length });
  }
  return { checks, findings, activity, files, ms: Math.round(performance.now() - started) };
}

/**
 * Tensors that are not variables. A variable a check brings into being is long-lived state (the
 * weights of a component --overfit-real keeps real, allocated on first use), not a leak.
 */
function transientTensors(tf: Pick<RunContext, 'tf'>['tf']): number {
  const variables = Object.keys((tf.engine() as unknown as { state: { registeredVariables: object } }).state.registeredVariables).length;
  return tf.memory().numTensors - variables;
}

/**
 * One check; a failure of scaffold-mini's own code in it (anything but a ScaffoldError about the
 * input) marks it as not run and says so in an info finding, never a finding against the model.
 * The project's own tests (`strict`) let it through, to fail.
 */
async function runOne(check: Check, ctx: CheckContext, strict: boolean): Promise<CheckOutcome> {
  try {
    return await check.run(ctx);
  } catch (e) {
    if (isScaffoldError(e) || strict) throw e;
    const message = (e as Error).message ?? String(e);
    return {
      status: 'skip',
      runs: 0,
      reason: `internal error of scaffold-mini: ${message}`,
      findings: [
        {
          check: check.id,
          severity: 'info',
          where: 'scaffold-mini',
          message: `${check.id} did not run: scaffold-mini failed in its own code (${message}). This is a bug of the tool, not of your model; please report it`,
        },
      ],
    };
  }
}

/** The context every check gets: fake data planned from the original model, a runner on the twin. */
function contextFor(
  { loaded, probed, twin }: CheckInput,
  ctx: RunContext,
  carried: ((key: string) => Pass | undefined) | undefined,
): CheckContext & { earlier: Map<CheckId, CheckOutcome> } {
  const { tf, opts } = ctx;
  const hints = loaded.exports['mini'] as MiniSpec | undefined;
  const planned = sampleSpace(probed.model, hints);
  // Free lengths start where the model's declared shapes allow them.
  const space = planned.hasFreeDims ? sampleSpace(probed.model, hints, shortestLength(probed.model, probed.nodes)) : planned;
  const runner = createRunner(tf, twin);
  const passes = createPassCache(runner, undefined, carried);
  return {
    earlier: new Map<CheckId, CheckOutcome>(),
    tf,
    file: opts.file,
    probe: probed,
    twin,
    model: twin.model,
    seed: opts.seed,
    runs: runsFor({}, opts),
    space,
    runner,
    passes,
    observer: createObserver(tf, runner, passes, space, tapsFor(probed)),
    sourceOf: sourceLookup(probed, loaded.applySites, opts.file),
    classSource: classLookup(loaded.files),
    compileSite: loaded.compileSites.get(loaded.model),
    twinWithReal: (component) => buildTwin(tf, probed, opts.file, opts.seed, { keepReal: component, gains: twin.gains }),
    options: {
      outDir: opts.out,
      emit: opts.emit,
      preprocess: opts.preprocess,
      backend: ctx.backend,
      timeoutMs: opts.timeoutMs,
      overfitReal: opts.overfitReal,
    },
  };
}

/** Where the user's files declare a class of a name (read when first asked). */
function classLookup(files: readonly string[]): (className: string) => SourceLocation | undefined {
  let texts: { file: string; text: string }[] | undefined;
  return (className) => {
    texts ??= files.flatMap((file) => {
      try {
        return [{ file, text: readFileSync(file, 'utf8') }];
      } catch {
        return [];
      }
    });
    const declaration = new RegExp(`\\bclass\\s+${className.replace(/[^\w$]/g, '')}\\b`);
    for (const { file, text } of texts) {
      const m = declaration.exec(text);
      if (m) return { file, line: text.slice(0, m.index).split('\n').length };
    }
    return undefined;
  };
}

function sourceLookup(
  probed: ProbeResult,
  sites: WeakMap<object, SourceLocation[]>,
  file: string,
): (name: string) => SourceLocation | undefined {
  const byName = new Map<string, SourceLocation>();
  for (const node of probed.nodes) {
    const site = sites.get(node.layer)?.find((s) => s.file === file);
    if (site && !byName.has(node.layer.name)) byName.set(node.layer.name, { file: site.file, line: site.line });
  }
  for (const c of probed.components) {
    if (c.info.source) byName.set(c.info.name, c.info.source);
  }
  return (name) => byName.get(name);
}
