import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { placeText } from '../model/place.js';
import type { Check, CheckContext } from './check.js';
import { maxDifference, sampleOf } from './harness/compare.js';
import { makeInputs } from './harness/fake-inputs.js';
import { firstDifference, formatDifference } from './harness/pass-diff.js';
import type { TensorValue } from './harness/runner.js';
import { chartEvery, chartInputGradients, weightedSum } from './harness/gradient-chart.js';
import { propertyCheck, type Violation } from './harness/property-check.js';
import { tensorNames } from './harness/tensor-names.js';

/** Each sample's results are the same alone as inside a batch, at every tensor. */
export const batchIndependence: Check = {
  id: 'batch-independence',
  runs: 10,
  proves: "each sample's outputs are the same alone as inside a batch",
  requires: ['determinism'],
  run(ctx) {
    const placeOf = tensorNames(ctx.probe);
    const unchartable = new Set<number>();
    const charts = chartEvery();
    return propertyCheck(
      ctx,
      'batch-independence',
      (sample) => {
        const { tf, runner } = ctx;
        const inputs = makeInputs(tf, ctx.space.plans, sample);
        try {
          const together = ctx.passes.get(sample, inputs);
          if (together.error) return null;
          // One sample alone per run (which one comes from the data seed): over the runs every
          // position is tried, at a pass per run instead of one per sample.
          for (const i of [sample.dataSeed % sample.batch]) {
            const alone = inputs.map((t) => tf.slice(t, i, 1) as Tensor);
            try {
              // Stubs handle each sample on their own by construction: they give row i of the batch
              // pass; every user layer runs again on the sample alone.
              const single = runner.run(alone, {}, together, { row: i });
              if (single.error) continue;
              const changed = firstDifference(ctx, together, single, (x, y) => sampleDifference(x, y, sample.batch, i));
              if (!changed) {
                const leak = charts() ? dependsOnOtherSamples(ctx, inputs, i, sample.dataSeed, unchartable) : null;
                if (leak) return leak;
                continue;
              }
              const place = placeOf(changed.id);
              return {
                place,
                message: `sample ${i} gives another ${placeText(place)} (by ${formatDifference(changed.by)}) alone than inside a batch of ${sample.batch}: values move between samples (a reshape or transpose across the batch axis, batch statistics)`,
                detail: { sample: i },
              };
            } finally {
              tf.dispose(alone);
            }
          }
          return null;
        } finally {
          tf.dispose(inputs);
        }
      },
      { filter: (s) => s.batch >= 2 },
    );
  },
};

/**
 * How far sample `i` alone (`y`) is from its part of the batch pass (`x`): its row, or, for a
 * tensor with the batch folded into its leading axis (`[B*T, ...]`), its rows, wherever the fold
 * put them (batch-major or time-major, a fold keeps each row whole: mixing shows where a row is
 * found nowhere in the batch pass).
 */
function sampleDifference(x: TensorValue, y: TensorValue, batch: number, i: number): number {
  const lead = x.shape[0] ?? 0;
  const own = y.shape[0] ?? 0;
  if (lead === batch && own === 1) return maxDifference(sampleOf(x, i), y);
  if (own < 1 || lead !== batch * own || x.shape.slice(1).join() !== y.shape.slice(1).join()) return Infinity;
  const size = y.values.length / own;
  let worst = 0;
  for (let r = 0; r < own; r++) {
    const row = y.values.subarray(r * size, (r + 1) * size);
    let best = Infinity;
    for (let q = 0; q < lead && best > 0; q++) {
      best = Math.min(
        best,
        maxDifference(
          { shape: [size], dtype: x.dtype, values: x.values.subarray(q * size, (q + 1) * size) },
          { shape: [size], dtype: y.dtype, values: row },
        ),
      );
    }
    worst = Math.max(worst, best);
  }
  return worst;
}

/**
 * Gradient charting: the gradient of sample i's outputs with respect to the whole input batch must
 * be zero at every other sample. Catches a dependency that the values of one draw happen to hide.
 */
function dependsOnOtherSamples(
  ctx: CheckContext,
  inputs: Tensor[],
  i: number,
  dataSeed: number,
  unchartable: Set<number>,
): Violation | null {
  const { tf } = ctx;
  // One input per charted run, in turn.
  const chosen = Math.floor(dataSeed / 4) % inputs.length;
  const charts = chartInputGradients(
    ctx,
    inputs,
    (outputs) => tf.addN(outputs.map((o) => weightedSum(tf, tf.slice(o, i, 1)))) as Scalar,
    (j) => j === chosen,
    unchartable,
  );
  for (const [j, chart] of charts.entries()) {
    if (!chart) continue;
    const batch = inputs[j]?.shape[0] ?? 1;
    const size = chart.length / batch;
    for (let other = 0; other < batch; other++) {
      if (other === i) continue;
      for (let k = other * size; k < (other + 1) * size; k++) {
        if (chart[k] !== 0) {
          const name = ctx.space.plans[j]?.name ?? String(j);
          return {
            place: { kind: 'input', name },
            blame: name,
            message: `the outputs of sample ${i} depend on sample ${other} of input '${name}' (their gradient there is not zero): values move between samples`,
            detail: { sample: i, dependsOn: other, charted: 'gradient' },
          };
        }
      }
    }
  }
  return null;
}
