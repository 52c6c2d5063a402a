import type { Tensor } from '@tensorflow/tfjs';
import { premiseFailed, type Check } from './check.js';
import { maxDifference, sampleOf } from './compare.js';
import { makeInputs } from './fake-inputs.js';
import { firstDifference, formatDifference } from './pass-diff.js';
import { propertyCheck } from './property-check.js';
import { tensorNames } from './tensor-names.js';

/** Each sample's results are the same alone as inside a batch, at every tensor. */
export const batchIndependence: Check = {
  id: 'batch-independence',
  proves: "each sample's outputs are the same alone as inside a batch",
  run(ctx) {
    const premise = premiseFailed(ctx, 'determinism');
    if (premise) return premise;
    const names = tensorNames(ctx.probe);
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
              const single = runner.run(alone);
              if (single.error) continue;
              const changed = firstDifference(ctx, together, single, maxDifference, (v) => sampleOf(v, i));
              if (!changed) continue;
              const where = names.get(changed.id) ?? `tensor ${changed.id}`;
              return {
                where,
                message: `sample ${i} gives another ${where} (by ${formatDifference(changed.by)}) alone than inside a batch of ${sample.batch}: values move between samples (a reshape or transpose across the batch axis, batch statistics)`,
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
