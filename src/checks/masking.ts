import type { Tensor } from '@tensorflow/tfjs';
import type { Check, CheckContext, CheckOutcome } from './check.js';
import type { Finding } from '../model/report.js';
import { at, placeText, type Place } from '../model/place.js';
import { firstDifference, formatDifference } from './harness/pass-diff.js';
import { propertyCheck, type Violation } from './harness/property-check.js';
import { alignedDifference, close, maxDifference } from './harness/compare.js';
import { firstRealStep, makeInputs, realMask, realSteps } from './harness/fake-inputs.js';
import type { Sample } from '../model/sample.js';
import { repad } from './harness/repad.js';
import type { Pass, TensorValue } from './harness/runner.js';
import { tensorNames } from './harness/tensor-names.js';

/**
 * Padding must not matter: perturbing the values at padded steps (after the layer that makes the
 * mask), or moving the same real content to other padding, changes no output and no tensor of the
 * composite at real steps. Also: the layer meant to mask the padding must recognise it.
 */
export const masking: Check = {
  id: 'masking',
  // A padding side or a length a mask bug needs may come only at the third sample (zoo, seeds 1 to 3).
  runs: 15,
  proves: 'padded steps change no output and no tensor at real steps (perturbed padding, or other padding around the same content)',
  requires: ['determinism'],
  run(ctx): CheckOutcome {
    const padded = ctx.space.plans.map((p, i) => ({ plan: p, index: i })).filter((x) => x.plan.sequence);
    if (padded.length === 0) {
      // Token ids padded to a length are the usual case, but nothing here says so: the twin cannot
      // decide, so it says that, below an error.
      const ids = ctx.space.plans.filter((p) => p.values.kind === 'int' && p.shape.length === 2 && p.shape[1] !== 1);
      const findings: Finding[] = ids.map((p) => ({
        check: 'masking',
        severity: 'info',
        ...at.input(p.name),
        message: `input '${p.name}' holds sequences of integer ids, and nothing masks or hints padding: if they are padded (with 0, say), hint \`pad\` and \`padding\` for '${p.name}' in \`mini\` and masking checks that the padding changes nothing (an Embedding reading padded ids needs maskZero: true)`,
      }));
      return {
        status: 'skip',
        runs: 0,
        findings,
        reason: 'no padded sequence input (none feeds Masking or an Embedding with maskZero; hint `pad` in `mini` if your data is padded)',
      };
    }
    const placeOf = tensorNames(ctx.probe);
    return propertyCheck(ctx, 'masking', (sample) => violation(ctx, sample, placeOf));
  },
};

function violation(ctx: CheckContext, sample: Sample, placeOf: (id: number) => Place): Violation | null {
  const { tf, runner, space } = ctx;
  const inputs = makeInputs(tf, space.plans, sample);
  try {
    const base = ctx.passes.get(sample, inputs);
    if (base.error) return null; // the shape check reports passes that throw
    for (const [index, plan] of space.plans.entries()) {
      const sequence = plan.sequence;
      if (!sequence) continue;
      const steps = inputs[index]?.shape[1] ?? 1;
      const real = realMask(sample, steps);
      if (!real.some((row) => row.some((r) => !r))) continue;
      const label = `input '${plan.name}'`;
      // 1. The layer meant to mask this padding must recognise it.
      if (sequence.maker) {
        const made = base.produced.get(sequence.maker);
        const wrong = made ? paddedMarkedReal(made, real) : null;
        const inputId = runner.order[index] ?? -1;
        const into = intoLayer(ctx, placeOf, sequence.maker, inputId);
        if (!made || wrong) {
          return {
            place: into,
            message: made
              ? `'${sequence.maker}' does not recognise the padding of ${label}: it marks padded step(s) ${wrong} as real, so the values reaching it are no longer its mask value ${sequence.pad} (a layer before it changes them)`
              : `'${sequence.maker}' makes no mask for the padding of ${label}`,
            detail: { input: plan.name, paddedSteps: wrong },
          };
        }
      }
      // 2. Perturbing padded steps after the mask is made changes nothing at real steps.
      if (sequence.maker) {
        const maker = sequence.maker;
        const perturbed = runner.run(
          inputs,
          { outputs: (layer, outs) => (layer === maker ? outs.map((t) => perturbPadded(ctx, t, real)) : undefined) },
          base,
        );
        const makerOutput = outputsOf(ctx, maker);
        const changed = firstChange(
          ctx,
          base,
          perturbed,
          steps,
          (i) => firstRealStep(sample, i, steps),
          (i) => firstRealStep(sample, i, steps),
          (i) => realSteps(sample, i, steps),
          new Set(makerOutput),
        );
        if (changed !== null) {
          return {
            place: placeOf(changed.id),
            message: `${placeText(placeOf(changed.id))} changed (by ${formatDifference(changed.by)}) at real steps when only the padded steps after '${maker}' were perturbed: a layer there ignores the mask`,
            detail: { input: plan.name, perturbed: 'padded steps', after: maker },
          };
        }
      }
      // 2b. Nothing makes a mask: the padded steps must still not matter. They are perturbed right
      // after a built-in layer that reads the input step by step (an Embedding: other vectors at the
      // padded ids), so that a mask the user computes from the input itself still sees the padding.
      const noMaskMade = !sequence.maker && !sequence.inside && ![...base.produced.values()].some((m) => m && m.shape[1] === steps);
      const reader = noMaskMade ? stepReader(ctx, runner.order[index] ?? -1, steps) : undefined;
      if (reader) {
        const perturbed = runner.run(
          inputs,
          { outputs: (layer, outs) => (layer === reader ? outs.map((t) => perturbPadded(ctx, t, real)) : undefined) },
          base,
        );
        if (!perturbed.error) {
          const first = (i: number): number => firstRealStep(sample, i, steps);
          const changed = firstChange(
            ctx,
            base,
            perturbed,
            steps,
            first,
            first,
            (i) => realSteps(sample, i, steps),
            new Set(outputsOf(ctx, reader)),
          );
          if (changed !== null) {
            return {
              place: placeOf(runner.order[index] ?? -1),
              message: `nothing masks the padding of ${label} (pad value ${sequence.pad}): ${placeText(placeOf(changed.id))} changed by ${formatDifference(changed.by)} at real steps when only the padded steps after '${reader}' were perturbed (an Embedding needs maskZero: true; float features a Masking layer)`,
              detail: { input: plan.name, perturbed: 'padded steps', after: reader },
            };
          }
        }
      }
      // 3. The same real content with other padding around it gives the same results at real steps.
      const other = repad(ctx, sample, base, index);
      if (other) {
        try {
          const moved = runner.run(other.inputs, {}, base);
          if (!moved.error) {
            const changed = firstChange(
              ctx,
              base,
              moved,
              steps,
              (i) => firstRealStep(sample, i, steps),
              other.first,
              (i) => realSteps(sample, i, steps),
              new Set(),
              other.steps,
            );
            if (changed !== null) {
              const noMask = !sequence.maker && !sequence.inside && ![...base.produced.values()].some((m) => m && m.shape[1] === steps);
              const inputPlace = placeOf(runner.order[index] ?? -1);
              return {
                place: noMask ? inputPlace : placeOf(changed.id),
                message: noMask
                  ? `nothing masks the padding of ${label} (pad value ${sequence.pad}): ${placeText(placeOf(changed.id))} changed by ${formatDifference(changed.by)} when the same real steps got ${other.description} (an Embedding needs maskZero: true; float features a Masking layer)`
                  : `${placeText(placeOf(changed.id))} changed (by ${formatDifference(changed.by)}) at real steps when the same real content got ${other.description}: a layer there uses padded steps`,
                detail: { input: plan.name, repadded: other.description },
              };
            }
          }
        } finally {
          tf.dispose(other.inputs);
        }
      }
    }
    return null;
  } finally {
    tf.dispose(inputs);
  }
}

/**
 * The first layer that reads input `inputId` step by step into a float tensor of its steps: a
 * built-in layer (or a component's stub) applied to it directly. A layer of the user's own is
 * never chosen: it may compute a mask from the input's values.
 */
function stepReader(ctx: CheckContext, inputId: number, steps: number): string | undefined {
  const stubbed = new Set(ctx.probe.components.map((c) => c.holder));
  for (const node of ctx.probe.nodes) {
    if (!node.inputs.some((t) => t.id === inputId)) continue;
    const builtin = ctx.probe.builtins.has(node.layer.constructor) || stubbed.has(node.layer);
    const output = node.outputs[0];
    if (!builtin || node.outputs.length !== 1 || !output || output.dtype !== 'float32') continue;
    if (output.shape.length < 3 || (output.shape[1] !== null && output.shape[1] !== steps)) continue;
    return node.layer.name;
  }
  return undefined;
}

/** Ids of the tensors a layer of the twin produces. */
function outputsOf(ctx: CheckContext, layer: string): number[] {
  return [...ctx.runner.producer.entries()].filter(([, name]) => name === layer).map(([id]) => id);
}

/** The boundary into the mask maker when the input reaches it through other layers, else the input's own place. */
function intoLayer(ctx: CheckContext, placeOf: (id: number) => Place, maker: string, inputId: number): Place {
  const into = ctx.probe.nodes.find((node) => node.layer.name === maker)?.inputs.find((t) => t.id !== inputId);
  if (!into) return placeOf(inputId);
  const producer = placeOf(into.id);
  return { kind: 'boundary', from: producer.kind === 'boundary' ? producer.from : into.sourceLayer.name, to: maker };
}

/**
 * The first tensor (in topological order) that differs between two passes at real steps. A tensor
 * that carries a mask of its own (its producer's computeMask, e.g. after a layer that reverses time
 * and its mask) is compared where that mask says real, the k-th real step of one pass against the
 * k-th of the other; any other time-major tensor at the input's real steps; the rest whole.
 */
function firstChange(
  ctx: CheckContext,
  a: Pass,
  b: Pass,
  steps: number,
  firstA: (i: number) => number,
  firstB: (i: number) => number,
  real: (i: number) => number,
  skip: Set<number>,
  stepsB = steps,
): { id: number; by: number } | null {
  return firstDifference(
    ctx,
    a,
    b,
    (x, y, id) => {
      const producer = ctx.runner.producer.get(id) ?? '';
      const maskA = a.produced.get(producer) ?? null;
      const maskB = b.produced.get(producer) ?? null;
      return maskA && maskB && isTimeMajor(x, maskA) && isTimeMajor(y, maskB)
        ? differenceAtMasks(x, y, maskA, maskB)
        : differenceAtRealSteps(x, y, steps, stepsB, firstA, firstB, real);
    },
    (v) => v,
    skip,
  );
}

function differenceAtRealSteps(
  x: TensorValue,
  y: TensorValue,
  stepsA: number,
  stepsB: number,
  firstA: (i: number) => number,
  firstB: (i: number) => number,
  real: (i: number) => number,
): number {
  const batch = x.shape[0] ?? 1;
  const timeMajor = x.shape.length >= 3 && x.shape[1] === stepsA && y.shape[1] === stepsB;
  if (!timeMajor) return maxDifference(x, y);
  const range = Array.from({ length: batch }, (_, i) => i);
  return alignedDifference(x, y, { firstA: range.map(firstA), firstB: range.map(firstB), steps: range.map(real) });
}

function isTimeMajor(v: TensorValue, mask: TensorValue): boolean {
  return v.shape.length >= 3 && mask.shape.length === 2 && mask.shape[0] === v.shape[0] && mask.shape[1] === v.shape[1];
}

/** Compares the k-th real step (by each tensor's own mask) of every sample; differing real counts differ. */
function differenceAtMasks(x: TensorValue, y: TensorValue, maskA: TensorValue, maskB: TensorValue): number {
  const batch = x.shape[0] ?? 1;
  const stepsA = x.shape[1] ?? 1;
  const stepsB = y.shape[1] ?? 1;
  const inner = x.shape.slice(2).reduce((p, q) => p * q, 1);
  let worst = 0;
  for (let i = 0; i < batch; i++) {
    const realA: number[] = [];
    const realB: number[] = [];
    for (let t = 0; t < stepsA; t++) if (maskA.values[i * stepsA + t]) realA.push(t);
    for (let t = 0; t < stepsB; t++) if (maskB.values[i * stepsB + t]) realB.push(t);
    if (realA.length !== realB.length) return Infinity;
    realA.forEach((ta, k) => {
      const tb = realB[k] as number;
      for (let c = 0; c < inner; c++) {
        const p = x.values[(i * stepsA + ta) * inner + c] as number;
        const q = y.values[(i * stepsB + tb) * inner + c] as number;
        if (!close(p, q)) worst = Math.max(worst, Number.isNaN(p - q) ? Infinity : Math.abs(p - q));
      }
    });
  }
  return worst;
}

/** Adds noise to every padded step of a time-major tensor (axis 1 = the padded input's steps). */
function perturbPadded(ctx: CheckContext, t: Tensor, real: boolean[][]): Tensor {
  const { tf } = ctx;
  if (t.rank < 2 || t.shape[1] !== real[0]?.length || t.dtype !== 'float32') return t;
  const inner = t.shape.slice(2).reduce((a, b) => a * b, 1);
  const steps = t.shape[1] ?? 1;
  const values = (t.dataSync() as Float32Array).slice();
  real.forEach((row, i) => {
    row.forEach((isReal, step) => {
      if (isReal) return;
      for (let k = 0; k < inner; k++) {
        const at = (i * steps + step) * inner + k;
        values[at] = (values[at] as number) + 0.5 + ((at * 2654435761) % 1000) / 1000;
      }
    });
  });
  return tf.tensor(values, t.shape, 'float32');
}

/** `'3..5'`-style ranges of padded steps a mask marks as real, or null when it marks none. */
function paddedMarkedReal(mask: TensorValue, real: boolean[][]): string | null {
  const steps = mask.shape[1] ?? 0;
  if (steps !== real[0]?.length) return null;
  for (let i = 0; i < real.length; i++) {
    const bad: number[] = [];
    real[i]?.forEach((isReal, t) => {
      if (!isReal && (mask.values[i * steps + t] ?? 0) !== 0) bad.push(t);
    });
    if (bad.length) return `${bad[0]}..${bad[bad.length - 1]} of sample ${i}`;
  }
  return null;
}
