import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { at, type Place } from '../model/place.js';
import { ScaffoldError } from '../errors.js';
import { sig } from '../reporters/format.js';
import { freeingTapeOnError } from '../tfjs/gradients.js';
import { onGradientBackend } from '../tfjs/tf-instance.js';
import { finalActivation } from '../tfjs/activation.js';
import type { CheckId } from '../model/check-id.js';
import type { Check, CheckContext, CheckOutcome } from './check.js';
import { withSeededRandom } from '../tfjs/seeded-random.js';
import type { Twin } from '../model/twin.js';
import { makeInputs } from './harness/fake-inputs.js';
import type { Sample } from '../model/sample.js';
import { outputLosses, type OutputLoss } from './harness/losses.js';
import { firstSamples } from './harness/samples.js';
import { drawsWhere, OTHER_DRAWS } from './harness/redraw.js';
import type { Finding } from '../model/report.js';

/**
 * Adam's learning rate: large, as fitting a sample or two wants (class targets need growing
 * margins); divided by 3, from the best weights so far, whenever the loss blows up.
 */
const LEARNING_RATE = 0.1;
/** Backing off: the loss is this many times its best, or has not improved for PATIENCE steps. */
const BLOW_UP = 10;
const PATIENCE = 10;
/** Steps allowed for one sample, then for two. */
const MAX_STEPS = { one: 100, two: 200 };
/** A loss that never gets below this share of where it started does not move: learning is blocked. */
const STUCK = 0.95;
/** "Near zero": the loss above its floor has come down to this share of where it started. */
const NEAR_ZERO = 0.05;
/** How far the teacher's weights are from the twin's: this many times each weight's typical size (at least 0.1). */
const TEACHER_SPREAD = 1;
/** Teachers tried until two samples get different targets. */
const TEACHERS = 5;

interface Phase {
  samples: number;
  steps: number;
  reached: boolean;
  /** The loss above its floor at every step (the curve a failure reports). */
  curve: number[];
}

/**
 * The twin learns one sample until its loss is near zero, then two samples with different
 * targets. Targets come from a teacher: the twin itself with other weights, so they are reachable
 * by construction (tiny stubs cannot fit arbitrary targets, but can fit what a twin like them
 * outputs); class targets are made hard (see hard). Teachers are tried until the two
 * samples get different targets: when none gives any, the outputs do not depend on the inputs.
 * Adam starts at a large rate and backs off when the loss blows up. With `--overfit-real NAME` the
 * twin keeps that one component real (to see whether the real thing can learn in this wiring).
 */
export const overfit: Check = {
  id: 'overfit',
  proves: 'the twin can learn one sample, then two with different targets: an error only when its loss does not move at all',
  // An output that cannot take the targets' values (or is constant) is reported there already.
  requires: ['output-activation'],
  run(ctx) {
    // Dropout in training mode draws from tfjs's unseeded generator: seeded here, for the same report.
    return withSeededRandom(ctx.seed, () => overfitRun(ctx));
  },
};

function overfitRun(ctx: CheckContext): CheckOutcome {
  const twin = ctx.options.overfitReal ? partlyRealTwin(ctx, ctx.options.overfitReal) : ctx.twin;
  const trainer = { ...ctx, model: twin.model };
  const vars = twin.model.trainableWeights.map((w) => w.read() as Variable);
  if (vars.length === 0) return { status: 'skip', runs: 0, findings: [], reason: 'nothing in the twin can learn (gradient-flow says why)' };
  const outputs = ctx.probe.model.outputs;
  const losses = outputLosses(
    ctx.tf,
    ctx.probe.model,
    outputs.map((t) => finalActivation(t.sourceLayer)),
  );
  const base = firstSamples(ctx, 1)[0] as Sample;
  const attempt = (): Attempt => {
    const saved = vars.map((v) => ctx.tf.clone(v));
    try {
      const one = onGradientBackend(ctx.tf, () => phase(trainer, vars, saved, losses, { ...base, batch: 1 }, MAX_STEPS.one) as Phase);
      const two = one.reached
        ? onGradientBackend(ctx.tf, () => phase(trainer, vars, saved, losses, { ...base, batch: 2 }, MAX_STEPS.two))
        : null;
      return { one, two };
    } finally {
      vars.forEach((v, i) => v.assign(saved[i] as Tensor));
      ctx.tf.dispose(saved);
    }
  };
  /**
   * The same failure on another draw, paying only for what decides it: the teachers alone for
   * two samples that get the same outputs (they perturb the start, not a trained twin); the
   * stuck phase stopped as soon as its loss moves.
   */
  const failsAgain = (failure: 'stuck' | 'no-difference', was: Attempt): boolean => {
    const saved = vars.map((v) => ctx.tf.clone(v));
    const run = (batch: number, steps: number, stop: boolean) =>
      onGradientBackend(ctx.tf, () => phase(trainer, vars, saved, losses, { ...base, batch }, steps, { stopWhenMoved: stop }));
    try {
      if (failure === 'no-difference') return run(2, 0, false) === 'no-difference';
      const stuckAt = failedPhase(was).samples;
      if (stuckAt === 2) {
        const one = run(1, MAX_STEPS.one, false);
        if (one === 'no-difference' || !one.reached) return false;
        vars.forEach((v, i) => v.assign(saved[i] as Tensor));
      }
      const again = run(stuckAt, stuckAt === 1 ? MAX_STEPS.one : MAX_STEPS.two, true);
      return again !== 'no-difference' && judge({ one: again, two: null }) === 'stuck';
    } finally {
      vars.forEach((v, i) => v.assign(saved[i] as Tensor));
      ctx.tf.dispose(saved);
    }
  };
  try {
    const first = attempt();
    const verdict = judge(first);
    const runs = first.one.steps + (first.two !== null && first.two !== 'no-difference' ? first.two.steps : 0);
    if (verdict === 'pass') return { status: 'pass', runs, findings: [] };
    if (verdict === 'slow') return { status: 'pass', runs, findings: [slowFinding(ctx, first)] };
    // Blocked on the run's draw of the user's weights: a real training starts from a draw of its
    // own, so the verdict must hold on other draws too (a narrow ReLU stack dies on some).
    // A path gradient-flow found blocked on every draw already is that evidence.
    const blocked = ctx.earlier.get('gradient-flow')?.status === 'fail';
    const held = blocked ? OTHER_DRAWS : drawsWhere(ctx.tf, twin, ctx.seed, () => failsAgain(verdict, first));
    if (held < OTHER_DRAWS) return { status: 'pass', runs, findings: [luckFinding(ctx, first, held)] };
    const blockedBy = (message: string, extra: Pick<Finding, 'source' | 'counterexample'> = {}): CheckOutcome => ({
      status: 'fail',
      runs,
      findings: [
        {
          check: 'overfit',
          severity: 'error',
          ...outputsPlace(outputs),
          ...(extra.source ? { source: extra.source } : {}),
          message,
          ...(extra.counterexample ? { counterexample: extra.counterexample } : {}),
        },
      ],
    });
    if (verdict === 'no-difference') {
      return blockedBy(
        `two different samples get the same outputs under ${TEACHERS} different weight settings: the outputs do not depend on the inputs, so no training can fit two samples with different targets. Likely causes: ${likelyCauses(ctx).join('; ')}`,
      );
    }
    const failed = failedPhase(first);
    const source = outputs.length === 1 ? ctx.sourceOf(outputs[0]?.sourceLayer.name ?? '') : undefined;
    const { first: first0, best } = lossRange(failed);
    return blockedBy(
      `the twin cannot fit ${what(failed)}: in ${failed.steps} steps its loss does not move (from ${sig(first0)}, at best ${sig(best)}): something blocks learning. ` +
        `Likely causes: ${likelyCauses(ctx).join('; ')}`,
      { ...(source ? { source } : {}), counterexample: curveOf(failed) },
    );
  } catch (e) {
    // A twin that cannot even run (shape reports why) has nothing to say about training.
    return { status: 'skip', runs: 0, findings: [], reason: `the twin throws when it trains: ${(e as Error).message}` };
  }
}

/** One try from the current weights: a sample, then (when it fits) two. */
interface Attempt {
  one: Phase;
  two: Phase | 'no-difference' | null;
}

/**
 * Evidence of a blocked path: the loss does not move at all. A loss that comes down but not to
 * near zero is a 2-unit twin learning slowly, not a bug of the model.
 */
function judge(attempt: Attempt): 'pass' | 'slow' | 'stuck' | 'no-difference' {
  if (attempt.two === 'no-difference') return 'no-difference';
  if (attempt.one.reached && (attempt.two === null || attempt.two.reached)) return 'pass';
  const { first, best } = lossRange(failedPhase(attempt));
  return !(first > 0) || best > STUCK * first ? 'stuck' : 'slow';
}

function failedPhase(attempt: Attempt): Phase {
  return attempt.one.reached && attempt.two !== null && attempt.two !== 'no-difference' ? attempt.two : attempt.one;
}

/** A phase's loss at its first step and its best (finite) loss. */
function lossRange(failed: Phase): { first: number; best: number } {
  return { first: failed.curve[0] ?? NaN, best: Math.min(...failed.curve.filter(Number.isFinite)) };
}

function what(failed: Phase): string {
  return failed.samples === 1 ? 'a single sample' : 'two samples with different targets';
}

function curveOf(failed: Phase): { samples: number; steps: number; lossCurve: number[] } {
  return { samples: failed.samples, steps: failed.steps, lossCurve: sampleCurve(failed.curve) };
}

function slowFinding(ctx: CheckContext, attempt: Attempt): Finding {
  const failed = failedPhase(attempt);
  const { first, best } = lossRange(failed);
  return {
    check: 'overfit',
    severity: 'info',
    ...outputsPlace(ctx.probe.model.outputs),
    message:
      `the twin learns ${what(failed)} but slowly: in ${failed.steps} steps its loss came down from ${sig(first)} to ${sig(best)} (${sig((100 * best) / first)}% left, near zero is ${100 * NEAR_ZERO}%); ` +
      `a twin of 2-unit stubs can be slow where the real model is not, so this is no finding against the model`,
    counterexample: curveOf(failed),
  };
}

function luckFinding(ctx: CheckContext, attempt: Attempt, held: number): Finding {
  const stuck = attempt.two === 'no-difference' ? 'gives two samples the same outputs' : `cannot fit ${what(failedPhase(attempt))}`;
  return {
    check: 'overfit',
    severity: 'info',
    ...outputsPlace(ctx.probe.model.outputs),
    message:
      `with this run's initial weights the twin ${stuck}, but it learns with ${OTHER_DRAWS - held} of ${OTHER_DRAWS} other draws of them: ` +
      `the initialisation can leave the model stuck (ReLU units that are off for the training samples), not a path that is blocked`,
  };
}

function phase(
  ctx: CheckContext,
  vars: Variable[],
  start: Tensor[],
  losses: OutputLoss[],
  sample: Sample,
  maxSteps: number,
  options: { stopWhenMoved?: boolean } = {},
): Phase | 'no-difference' {
  const { tf } = ctx;
  const inputs = contrast(ctx, makeInputs(tf, ctx.space.plans, sample));
  const targets = teacherTargets(ctx, vars, start, losses, inputs, sample);
  vars.forEach((v, i) => v.assign(start[i] as Tensor));
  if (!targets) {
    tf.dispose(inputs);
    return 'no-difference';
  }
  const floor = ctx.tf.tidy(() => lossFloor(ctx, losses, targets));
  const curve: number[] = [];
  let reached = false;
  let steps = 0;
  let rate = LEARNING_RATE;
  let optimizer = tf.train.adam(rate);
  let best = Infinity;
  let sinceBest = 0;
  let bestWeights: Tensor[] = [];
  try {
    for (; steps < maxSteps; steps++) {
      // The loss minimize returns is that of the weights before its update: keep those.
      const before = vars.map((v) => tf.clone(v));
      const value = freeingTapeOnError(
        tf,
        () => optimizer.minimize(() => total(ctx, losses, targets, predict(ctx, inputs)), true, vars) as Scalar,
      );
      const loss = Math.max(0, (value.dataSync()[0] ?? NaN) - floor);
      value.dispose();
      curve.push(loss);
      // Asked only whether learning is blocked: a loss that moved answers it.
      if (options.stopWhenMoved && (curve[0] as number) > 0 && loss <= STUCK * (curve[0] as number)) {
        tf.dispose(before);
        steps++;
        break;
      }
      if (loss <= NEAR_ZERO * (curve[0] as number) || loss < 1e-6) {
        tf.dispose(before);
        reached = true;
        steps++;
        break;
      }
      if (loss < best) {
        best = loss;
        sinceBest = 0;
        tf.dispose(bestWeights);
        bestWeights = before;
        continue;
      }
      tf.dispose(before);
      sinceBest++;
      // A jump may be the way out of a plateau (a quantised code flipping): back off only when the
      // loss explodes or has not improved for a while.
      if (!Number.isFinite(loss) || loss > BLOW_UP * best || sinceBest >= PATIENCE) {
        sinceBest = 0;
        // Blown up: back to the best weights, with a smaller step.
        vars.forEach((v, i) => v.assign(bestWeights[i] as Tensor));
        optimizer.dispose();
        rate /= 3;
        optimizer = tf.train.adam(rate);
        curve.push(best);
      }
    }
  } finally {
    optimizer.dispose();
    tf.dispose([...inputs, ...targets, ...bestWeights]);
  }
  return { samples: sample.batch, steps, reached, curve: reached ? curve : [...curve, best] };
}

/**
 * Targets from a teacher (the twin's weights moved by seeded noise), made hard for classes; with
 * two samples, teachers are tried until the samples' targets differ (null when none does).
 */
function teacherTargets(
  ctx: CheckContext,
  vars: Variable[],
  start: Tensor[],
  losses: OutputLoss[],
  inputs: Tensor[],
  sample: Sample,
): Tensor[] | null {
  const { tf } = ctx;
  for (let teacher = 0; teacher < TEACHERS; teacher++) {
    vars.forEach((v, k) =>
      tf.tidy(() => {
        const w = start[k] as Tensor;
        const scale = Math.max(0.1, Math.sqrt(tf.mean(tf.square(w)).dataSync()[0] ?? 0)) * TEACHER_SPREAD;
        v.assign(tf.add(w, tf.randomNormal(w.shape, 0, scale, 'float32', (ctx.seed * 1009 + 97 * teacher + 13 * k) % 0x7fffffff)));
      }),
    );
    const soft = tf.tidy(() => predict(ctx, inputs));
    const differ = sample.batch < 2 || rowsDiffer(ctx, soft);
    const targets = differ ? tf.tidy(() => soft.map((o, j) => hard(ctx, losses[j] as OutputLoss, o))) : null;
    tf.dispose(soft);
    if (targets) return targets;
  }
  return null;
}

/** Some output differs between sample 0 and sample 1 (by more than float noise). */
function rowsDiffer(ctx: CheckContext, outputs: Tensor[]): boolean {
  return outputs.some((t) =>
    ctx.tf.tidy(() => (ctx.tf.max(ctx.tf.abs(ctx.tf.sub(ctx.tf.slice(t, 0, 1), ctx.tf.slice(t, 1, 1)))).dataSync()[0] ?? 0) > 1e-6),
  );
}

/** Yes/no targets: the teacher's rounded outputs; the same for both samples, the second's most moved unit flips. */
function hardLabels(ctx: CheckContext, t: Tensor): Tensor {
  const batch = t.shape[0] ?? 1;
  const p = Array.from(t.dataSync());
  const labels: number[] = p.map((v) => (v >= 0.5 ? 1 : 0));
  const size = p.length / batch;
  if (batch >= 2 && labels.slice(0, size).join() === labels.slice(size, 2 * size).join()) {
    let most = 0;
    for (let i = 1; i < size; i++)
      if (Math.abs((p[size + i] ?? 0) - (p[i] ?? 0)) > Math.abs((p[size + most] ?? 0) - (p[most] ?? 0))) most = i;
    labels[size + most] = labels[size + most] === 1 ? 0 : 1;
  }
  return ctx.tf.tensor(labels, t.shape, 'float32');
}

/**
 * Two fake samples of the same noise look alike to a model (its pooled features are the same
 * means); real samples with different labels do not. With two samples, the first takes its values
 * from the lower half of each input's range and the second from the upper half (padding kept), so
 * that telling them apart is a matter of training, not of amplifying noise.
 */
function contrast(ctx: CheckContext, inputs: Tensor[]): Tensor[] {
  const { tf } = ctx;
  const batch = inputs[0]?.shape[0] ?? 1;
  if (batch < 2) return inputs;
  const out = inputs.map((x, i) => {
    const plan = ctx.space.plans[i];
    if (!plan) return x.clone();
    const { lo, hi } = plan.values;
    const pad = plan.sequence?.pad;
    const values = Float64Array.from(x.dataSync() as ArrayLike<number>);
    const rowSize = values.length / batch;
    for (let k = 0; k < values.length; k++) {
      const v = values[k] as number;
      if (v === pad) continue;
      const upper = Math.floor(k / rowSize) % 2 === 1;
      if (plan.values.kind === 'int') {
        const half = Math.max(1, Math.floor((hi - lo) / 2));
        let w = (upper ? lo + half : lo) + (Math.floor(v - lo) % half);
        if (w === pad) w = w + 1 < hi ? w + 1 : w - 1;
        values[k] = w;
      } else {
        values[k] = (upper ? (lo + hi) / 2 : lo) + (v - lo) / 2;
      }
    }
    return x.dtype === 'int32'
      ? tf.tensor(Int32Array.from(values), x.shape, 'int32')
      : tf.tensor(Float32Array.from(values), x.shape, 'float32');
  });
  tf.dispose(inputs);
  return out;
}

/**
 * Class targets made hard: the teacher's class (one-hot), its rounded yes/no (see hardLabels). Their loss can go to
 * zero, and they are reachable (the teacher's logits scaled up). When the teacher gives both
 * samples the same class, the second gets the class whose probability grew the most from the first
 * sample to the second (the class that direction of the logits reaches, so still reachable).
 */
function hard(ctx: CheckContext, loss: OutputLoss, t: Tensor): Tensor {
  const { tf } = ctx;
  // A loss on values (squared error, ...) reaches the teacher's own outputs exactly: keep them.
  if (loss.reads === 'values' || loss.targets === 'values') return t.clone();
  if (loss.targets === 'binary') return hardLabels(ctx, t);
  const classes = t.shape[t.rank - 1] ?? 1;
  const batch = t.shape[0] ?? 1;
  const rows = tf.reshape(t, [batch, -1, classes]);
  const ids = tf.argMax(rows, -1).arraySync() as number[][];
  if (batch >= 2 && classes >= 2 && ids[0]?.join() === ids[1]?.join()) {
    const p = rows.arraySync() as number[][][];
    ids[1] = (p[1] ?? []).map((step, s) => {
      const taken = ids[0]?.[s] ?? 0;
      let pick = taken === 0 ? 1 : 0;
      const growth = (c: number): number => Math.log(Math.max(1e-12, step[c] ?? 0)) - Math.log(Math.max(1e-12, p[0]?.[s]?.[c] ?? 0));
      for (let c = 0; c < classes; c++) if (c !== taken && growth(c) > growth(pick)) pick = c;
      return pick;
    });
  }
  const indices = tf.tensor2d(ids, [batch, ids[0]?.length ?? 1], 'int32');
  // Class indices for a sparse loss ([..., 1], as its targets come), one-hot rows otherwise.
  if (loss.targets === 'class-index') return tf.reshape(indices.toFloat(), [...t.shape.slice(0, -1), 1]);
  return tf.reshape(tf.oneHot(indices, classes).toFloat(), t.shape);
}

function predict(ctx: CheckContext, inputs: Tensor[]): Tensor[] {
  const out = ctx.model.apply(inputs, { training: true }) as Tensor | Tensor[];
  return Array.isArray(out) ? out : [out];
}

/** The twin again, with one component kept real (`--overfit-real NAME`); its weights are drawn for real (seeded). */
function partlyRealTwin(ctx: CheckContext, name: string): Twin {
  const names = ctx.probe.components.map((c) => c.info.name);
  if (!names.includes(name)) {
    throw new ScaffoldError('E_ARGS', `--overfit-real: the composite has no component '${name}'`, {
      hint: `its components are: ${names.join(', ')}`,
    });
  }
  return ctx.twinWithReal(name);
}

/**
 * The lowest loss the targets allow: the loss of the targets as their own prediction (not zero
 * for every loss), zero for class indices (no prediction has their shape).
 */
function lossFloor(ctx: CheckContext, losses: OutputLoss[], targets: Tensor[]): number {
  return targets.reduce((sum, t, j) => {
    const loss = losses[j] as OutputLoss;
    if (loss.targets === 'class-index') return sum;
    return sum + (loss.compute(ctx.tf, t, t).dataSync()[0] ?? 0);
  }, 0);
}

function total(ctx: CheckContext, losses: OutputLoss[], targets: Tensor[], outputs: Tensor[]): Scalar {
  return ctx.tf.addN(outputs.map((y, j) => (losses[j] as OutputLoss).compute(ctx.tf, targets[j] as Tensor, y))) as Scalar;
}

/** The one output a finding is about, or all of them (no single place). */
function outputsPlace(outputs: readonly { sourceLayer: { name: string } }[]): { where: string; place?: Place } {
  const only = outputs.length === 1 ? outputs[0] : undefined;
  return only ? at.output(only.sourceLayer.name) : { where: 'outputs' };
}

/** What earlier checks found that explains a twin that cannot learn. */
function likelyCauses(ctx: CheckContext): string[] {
  const causes: string[] = [];
  const said = (id: CheckId): string | undefined => ctx.earlier.get(id)?.findings.find((f) => f.severity === 'error')?.message;
  const gradient = said('gradient-flow');
  if (gradient) causes.push(`a blocked gradient (gradient-flow: ${gradient})`);
  const activation = said('output-activation');
  if (activation) causes.push(`an output that cannot take the targets' values (output-activation: ${activation})`);
  const relevance = said('input-relevance');
  if (relevance) causes.push(`an output that ignores its input (input-relevance: ${relevance})`);
  if (causes.length === 0)
    causes.push(
      'an output that ignores its input or a gradient that vanishes (check the layers between the inputs and the outputs)',
      'a loss that does not fit the output activation',
    );
  return causes;
}

/** At most 20 points of the curve, first and last included. */
function sampleCurve(curve: number[]): number[] {
  if (curve.length <= 20) return curve.map((v) => sig(v));
  return Array.from({ length: 20 }, (_, i) => sig(curve[Math.round((i * (curve.length - 1)) / 19)] ?? NaN));
}
