import type { LayerVariable, Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import type { Finding } from '../model/report.js';
import { finalActivation } from '../tfjs/activation.js';
import { InternalError } from '../errors.js';
import { freeingTapeOnError } from '../tfjs/gradients.js';
import { onGradientBackend } from '../tfjs/tf-instance.js';
import type { Check, CheckContext, CheckOutcome } from './check.js';
import { makeInputs } from './harness/fake-inputs.js';
import type { Sample } from '../model/sample.js';
import { outputLosses, type OutputLoss } from './harness/losses.js';
import { propertyCheck, type Violation } from './harness/property-check.js';
import { drawsWhere, OTHER_DRAWS } from './harness/redraw.js';

/**
 * Every trainable weight gets a non-zero gradient from the loss. The loss is the one the factory
 * compiled, or inferred from each output's activation (said in an info finding). The twin runs
 * eagerly with `training: true`, with taps on every layer's inputs and outputs, so a layer that
 * lets gradient in but none out (or that tfjs cannot differentiate at all) is named.
 */
export const gradientFlow: Check = {
  id: 'gradient-flow',
  runs: 10,
  proves: 'every trainable weight outside frozen layers gets a non-zero gradient from the loss',
  requires: ['determinism'],
  run(ctx) {
    const activations = ctx.probe.model.outputs.map((t) => finalActivation(t.sourceLayer));
    const losses = outputLosses(ctx.tf, ctx.probe.model, activations);
    if (ctx.probe.model.trainableWeights.length === 0) return nothingTrainable(ctx);
    const vars = ctx.twin.model.trainableWeights;
    if (vars.length === 0) return { status: 'skip', runs: 0, findings: [], reason: 'the twin has no trainable weights' };
    const luck: DrawLuck = {};
    const outcome = propertyCheck(ctx, 'gradient-flow', (sample) => violation(ctx, sample, losses, luck));
    return { ...outcome, findings: [...outcome.findings, ...luckNote(ctx, luck), ...notes(ctx, losses)] };
  },
};

/**
 * Every layer frozen, the new head included (a freezing loop over `model.layers`): no weight can
 * change, so training does nothing. Reported on the model, with the frozen layers that hold weights.
 */
function nothingTrainable(ctx: CheckContext): CheckOutcome {
  const frozen = ctx.probe.model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
  const last = ctx.probe.model.outputs[0]?.sourceLayer.name;
  const source = last ? ctx.sourceOf(last) : undefined;
  return {
    status: 'fail',
    runs: 1,
    findings: [
      {
        check: 'gradient-flow',
        severity: 'error',
        where: 'model',
        ...(source ? { source } : {}),
        message: `nothing in the model can learn: every layer with weights is frozen (trainable = false: ${frozen.slice(0, 8).join(', ')}${frozen.length > 8 ? ', ...' : ''}), so training changes nothing; unfreeze at least the layers you train (a freezing loop over model.layers also freezes the new head)`,
      },
    ],
  };
}

/**
 * A gradient that is zero on one sample is not a bug (one real step from a zero state gives a
 * recurrent kernel no gradient): gradients are taken on full sequences of at least 3 steps, where
 * a zero gradient means no path. Which weights a loss reaches does not depend on the batch size:
 * one sample is enough (a batch-mixing bug is batch-independence's).
 */
function rich(sample: Sample): Sample {
  return { ...sample, batch: 1, length: Math.max(sample.length, 3), real: sample.real.map(() => Number.MAX_SAFE_INTEGER) };
}

interface Gradients {
  /** The backward pass cannot run (a kernel without gradient): the violation to report. */
  failure?: Violation;
  /** Trainable weights with no gradient or an all-zero one. */
  dead: LayerVariable[];
  /** A layer that gets gradient at its output and passes none to its inputs. */
  blocked?: string;
}

/** Weights dead on the run's draw but not on every other draw (the first such suspicion). */
interface DrawLuck {
  dead?: string[];
  /** Of the other draws, how many had them dead too. */
  held?: number;
}

/**
 * A weight with no gradient on one sample may just have met zero data (codes that round to 0):
 * a suspicion on one sample is confirmed on another of 3 samples, and only weights dead on both
 * are reported. Then on other draws of the user's weights: a narrow ReLU stack dead for every
 * input is the luck of one draw, not the model's wiring (a real training starts from its own).
 */
function violation(ctx: CheckContext, given: Sample, losses: OutputLoss[], luck: DrawLuck): Violation | null {
  // Without taps first (cheap); the taps that name a culprit only when something is wrong.
  const quick = gradientsOn(ctx, rich(given), losses, false);
  if (!quick.failure && quick.dead.length === 0) return null;
  const first = gradientsOn(ctx, rich(given), losses, true);
  if (first.failure) return first.failure;
  if (first.dead.length === 0) return null;
  const other = { ...rich(given), batch: 3, dataSeed: (given.dataSeed ^ 0x5bd1e995) & 0x7fffffff };
  const second = gradientsOn(ctx, other, losses, true);
  if (second.failure) return second.failure;
  let dead = first.dead.filter((w) => second.dead.includes(w));
  if (dead.length === 0) return null;
  const onDraws = [dead];
  const held = drawsWhere(ctx.tf, ctx.twin, ctx.seed, () => {
    const a = gradientsOn(ctx, rich(given), losses, false);
    const b = gradientsOn(ctx, other, losses, false);
    const still = dead.filter((w) => a.dead.includes(w) && b.dead.includes(w));
    onDraws.push(still);
    return still.length > 0;
  });
  if (held < OTHER_DRAWS) {
    luck.dead ??= dead.map((w) => ownerOf(ctx, w.originalName));
    luck.held ??= held;
    return null;
  }
  dead = dead.filter((w) => onDraws.every((d) => d.includes(w)));
  if (dead.length === 0) return null;
  const blocked = second.blocked ?? first.blocked;
  if (blocked) {
    return {
      place: { kind: 'layer', name: blocked },
      blame: blocked,
      message: `'${blocked}' passes no gradient back to its inputs: ${owners(ctx, dead)} never train`,
      detail: { weights: dead.map((w) => w.originalName) },
    };
  }
  const owner = ownerOf(ctx, dead[0]?.originalName ?? '');
  return {
    place: { kind: 'layer', name: owner },
    blame: owner,
    message: `${owners(ctx, dead)} get no gradient from the loss (no path from them to a loss, every path blocked, or an output saturated so far that its gradient is exactly 0)`,
    detail: { weights: dead.map((w) => w.originalName) },
  };
}

function gradientsOn(ctx: CheckContext, sample: Sample, losses: OutputLoss[], taps: boolean): Gradients {
  return onGradientBackend(ctx.tf, () => gradientsOnBackend(ctx, sample, losses, taps));
}

function gradientsOnBackend(ctx: CheckContext, sample: Sample, losses: OutputLoss[], taps: boolean): Gradients {
  const { tf, runner, twin } = ctx;
  const inputs = makeInputs(tf, ctx.space.plans, sample);
  const gradIn = new Map<string, number>();
  const gradOut = new Map<string, number>();
  const order: string[] = [];
  const tap =
    (into: Map<string, number>, layer: string) =>
    (t: Tensor): Tensor => {
      if (t.dtype !== 'float32') return t;
      const identity = tf.customGrad(((x: Tensor) => ({
        value: tf.clone(x),
        gradFunc: (dy: Tensor) => {
          into.set(layer, (into.get(layer) ?? 0) + (tf.sum(tf.abs(dy)).dataSync()[0] ?? 0));
          if (into === gradOut) order.push(layer);
          return dy;
        },
      })) as Parameters<typeof tf.customGrad>[0]);
      return identity(t) as Tensor;
    };
  const targets: Tensor[] = [];
  try {
    const variables = twin.model.trainableWeights.map((w) => w.read() as Variable);
    let grads: Record<string, Tensor>;
    try {
      let value: Scalar;
      ({ value, grads } = freeingTapeOnError(tf, () =>
        tf.variableGrads(() => {
          const forward = () => twin.model.apply(inputs, { training: true });
          const out = taps
            ? runner.trace(
                { inputs: (layer, xs) => xs.map(tap(gradIn, layer)), outputs: (layer, ys) => ys.map(tap(gradOut, layer)) },
                forward,
              )
            : forward();
          const outs = (Array.isArray(out) ? out : [out]) as Tensor[];
          const parts = outs.map((y, i) => {
            const loss = losses[i] as OutputLoss;
            const target = loss.target(tf, y.shape, sample.dataSeed + i);
            targets.push(target);
            return loss.compute(tf, target, y);
          });
          return tf.addN(parts) as Scalar;
        }, variables),
      ));
      value.dispose();
    } catch (e) {
      const message = (e as Error).message;
      const kernel = /gradient function not found for (\w+)/.exec(message)?.[1];
      const failing = order.length ? (order[order.length - 1] as string) : undefined;
      // The backward pass broke in a stub: scaffold-mini's own code, not the user's layer.
      if (failing !== undefined && ctx.twin.stubs.has(failing))
        throw new InternalError(`the gradient of the stub of '${failing}' failed: ${message}`);
      return {
        dead: [],
        failure: {
          place: failing ? { kind: 'layer', name: failing } : 'backward pass',
          ...(failing ? { blame: failing } : {}),
          message: kernel
            ? `training fails: tfjs has no gradient for ${kernel}${failing ? `, used in '${failing}'` : ''} (wrap it in tf.customGrad or use differentiable ops)`
            : `the backward pass throws: ${message}`,
        },
      };
    }
    try {
      const blocked = [...gradOut.entries()].find(([layer, g]) => g > 0 && gradIn.has(layer) && (gradIn.get(layer) ?? 0) === 0)?.[0];
      const dead = twin.model.trainableWeights.filter((w) => {
        const g = grads[(w.read() as Variable).name];
        return !g || tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0] ?? 0) === 0;
      });
      return blocked ? { dead, blocked } : { dead };
    } finally {
      tf.dispose(Object.values(grads));
    }
  } finally {
    tf.dispose([...inputs, ...targets]);
  }
}

function ownerOf(ctx: CheckContext, weightName: string): string {
  for (const [name, layer] of ctx.twin.layers) {
    if (layer.weights.some((w) => w.originalName === weightName)) return name;
  }
  return weightName.split('/')[0] ?? weightName;
}

function owners(ctx: CheckContext, weights: { originalName: string }[]): string {
  const names = [...new Set(weights.map((w) => ownerOf(ctx, w.originalName)))];
  return `the weights of ${names.map((n) => `'${n}'`).join(', ')}`;
}

/** An info finding when weights were dead on the run's draw only: the model can die at initialisation. */
function luckNote(ctx: CheckContext, luck: DrawLuck): Finding[] {
  if (!luck.dead) return [];
  const names = [...new Set(luck.dead)];
  return [
    {
      check: 'gradient-flow',
      severity: 'info',
      where: names.map((n) => `layer '${n}'`).join(', '),
      message: `with this run's initial weights ${names.map((n) => `'${n}'`).join(', ')} get no gradient, but not with ${OTHER_DRAWS - (luck.held ?? 0)} of ${OTHER_DRAWS} other draws: an initialisation that can leave the model dead (narrow ReLU layers whose units are all off), not a path that is blocked; training from such a draw stays stuck`,
    },
  ];
}

/** Info findings: which loss was used per output, and which layers are frozen on purpose. */
function notes(ctx: CheckContext, losses: OutputLoss[]): Finding[] {
  const findings: Finding[] = [];
  const outputs = ctx.probe.model.outputs.map((t) => t.sourceLayer.name);
  const inferred = losses.map((l, i) => ({ l, out: outputs[i] ?? String(i) })).filter((x) => !x.l.compiled);
  if (inferred.length) {
    findings.push({
      check: 'gradient-flow',
      severity: 'info',
      where: 'loss',
      message: `loss inferred from the output activation (the factory did not compile the model): ${inferred.map((x) => `'${x.out}': ${x.l.name}`).join(', ')}`,
    });
  }
  const frozen = [...ctx.twin.layers.entries()].filter(([, layer]) => !layer.trainable && layer.weights.length > 0).map(([name]) => name);
  if (frozen.length) {
    findings.push({
      check: 'gradient-flow',
      severity: 'info',
      where: frozen.map((n) => `layer '${n}'`).join(', '),
      message: `frozen on purpose (trainable = false), not checked: ${frozen.join(', ')}`,
    });
  }
  return findings;
}
