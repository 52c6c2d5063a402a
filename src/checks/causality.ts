import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { placeText } from '../model/place.js';
import type { Check, CheckContext } from './check.js';
import { alignedDifference } from './harness/compare.js';
import { makeInputs } from './harness/fake-inputs.js';
import { formatDifference } from './harness/pass-diff.js';
import { chartEvery, chartInputGradients, weightedSum } from './harness/gradient-chart.js';
import { propertyCheck } from './harness/property-check.js';
import type { TensorValue } from './harness/runner.js';
import { tensorNames } from './harness/tensor-names.js';

/**
 * For a sequence input hinted `causal: true`: what the composite computes at step t depends on no
 * input step after t. Steps after a random t get other values; every time-major tensor (and output)
 * must be unchanged at steps 0..t. A decoder that sees the future trains well and fails in use.
 */
export const causality: Check = {
  id: 'causality',
  runs: 10,
  proves: 'for a sequence input hinted causal, the output at step t depends on no input step after t',
  requires: ['determinism'],
  run(ctx) {
    const causal = ctx.space.plans.map((p, i) => ({ p, i })).filter(({ p }) => p.causal && p.shape.length >= 2);
    if (causal.length === 0) return { status: 'skip', runs: 0, findings: [], reason: 'no input is hinted causal: true' };
    const placeOf = tensorNames(ctx.probe);
    const inputIds = new Set(ctx.runner.order.slice(0, ctx.space.plans.length));
    const unchartable = new Set<number>();
    const charts = chartEvery();
    return propertyCheck(ctx, 'causality', (sample) => {
      const { tf, runner, space } = ctx;
      const inputs = makeInputs(tf, space.plans, sample);
      const other = makeInputs(tf, space.plans, { ...sample, dataSeed: (sample.dataSeed + 104729) % 0x7fffffff });
      try {
        for (const { p, i } of causal) {
          const x = inputs[i];
          const y = other[i];
          if (!x || !y) continue;
          const steps = x.shape[1] ?? 1;
          if (steps < 2) continue;
          const t = sample.dataSeed % (steps - 1);
          // Steps after t from the other draw, steps up to t as they were.
          const future = tf.tidy(() => tf.concat([tf.slice(x, [0, 0], [-1, t + 1]), tf.slice(y, [0, t + 1], [-1, -1])], 1));
          try {
            const base = ctx.passes.get(sample, inputs);
            const changed = runner.run(
              inputs.map((v, k) => (k === i ? future : v)),
              {},
              base,
            );
            if (base.error || changed.error) continue;
            const upTo = (v: TensorValue, w: TensorValue) =>
              alignedDifference(v, w, { firstA: batchOf(v, 0), firstB: batchOf(v, 0), steps: batchOf(v, t + 1) });
            for (const id of runner.order) {
              if (inputIds.has(id)) continue;
              const a = base.values.get(id);
              const b = changed.values.get(id);
              if (!a || !b || a.shape.length < 3 || a.shape[1] !== steps) continue;
              const by = upTo(a, b);
              if (by > 0) {
                const place = placeOf(id);
                return {
                  place,
                  message: `${placeText(place)} at steps 0..${t} changed (by ${formatDifference(by)}) when only steps after ${t} of causal input '${p.name}' changed: it sees the future`,
                  detail: { input: p.name, step: t },
                };
              }
            }
            if (charts()) {
              const seen = seesFutureByGradient(ctx, inputs, i, t, steps, unchartable);
              if (seen !== null) {
                return {
                  place: { kind: 'input', name: p.name },
                  blame: p.name,
                  message: `the outputs at steps 0..${t} depend on step ${seen} of causal input '${p.name}' (their gradient there is not zero): the model sees the future`,
                  detail: { input: p.name, step: t, dependsOn: seen, charted: 'gradient' },
                };
              }
            }
          } finally {
            future.dispose();
          }
        }
        return null;
      } finally {
        tf.dispose([...inputs, ...other]);
      }
    });
  },
};

function batchOf(v: TensorValue, value: number): number[] {
  return new Array<number>(v.shape[0] ?? 1).fill(value);
}

/**
 * Gradient charting: the gradient of every time-major output at steps 0..t with respect to causal
 * input `i` must be zero at every step after t. Returns the first such step, or null.
 */
function seesFutureByGradient(
  ctx: CheckContext,
  inputs: Tensor[],
  i: number,
  t: number,
  steps: number,
  unchartable: Set<number>,
): number | null {
  const { tf } = ctx;
  const charts = chartInputGradients(
    ctx,
    inputs,
    (outputs) => {
      const parts = outputs
        .filter((o) => o.rank >= 3 && o.shape[1] === steps)
        .map((o) => weightedSum(tf, tf.slice(o, [0, 0], [-1, t + 1])));
      return (parts.length ? tf.addN(parts) : tf.scalar(0)) as Scalar;
    },
    (j) => j === i,
    unchartable,
  );
  const chart = charts[i];
  const x = inputs[i];
  if (!chart || !x) return null;
  const batch = x.shape[0] ?? 1;
  const inner = chart.length / (batch * steps);
  for (let b = 0; b < batch; b++) {
    for (let step = t + 1; step < steps; step++) {
      for (let k = 0; k < inner; k++) if (chart[(b * steps + step) * inner + k] !== 0) return step;
    }
  }
  return null;
}
