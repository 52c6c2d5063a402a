import { formatShape } from '../model/shape.js';
import type { InputPlan, Sample } from '../model/sample.js';
import type { Check } from './check.js';
import { concreteShape } from './harness/fake-inputs.js';
import { checkEveryTensor, type WatchedTensor } from './harness/tensor-property.js';

/**
 * Every boundary tensor and model output has the probed shape, for any batch size and free length.
 * A leading axis that is a whole multiple of the batch (time folded into it, `[B*T, ...]`, between a
 * fold and an unfold) is legitimate when the multiple is the same for every batch size.
 */
export const shape: Check = {
  id: 'shape',
  runs: 10,
  proves: 'every boundary tensor and model output has the probed shape, for random batch sizes and free lengths',
  run(ctx) {
    // Per tensor and free length: the multiple of the batch its leading axis was seen with.
    const folds = new Map<WatchedTensor, Map<number, number>>();
    return checkEveryTensor(ctx, 'shape', (tensor, seen, sample) => {
      const expected = tensor.shape;
      const lead = seen.shape[0] ?? 0;
      const rest = seen.shape.length === expected.length && expected.every((d, axis) => axis === 0 || d === null || d === seen.shape[axis]);
      const want = `expected ${formatShape([sample.batch, ...expected.slice(1)])} for batch ${sample.batch}, got ${formatShape(seen.shape)}`;
      if (!rest) return want;
      if (lead === sample.batch) return null;
      if (lead % sample.batch !== 0) return want;
      const factor = lead / sample.batch;
      // A fold merges the batch with the axes after it: the multiple is the size of an input's
      // first axes (T, or T * N), not any number (a concatenation on the batch axis doubles it).
      if (!foldFactors(ctx.space.plans, sample).has(factor)) return want;
      const byLength = folds.get(tensor) ?? new Map<number, number>();
      folds.set(tensor, byLength);
      const before = byLength.get(sample.length);
      if (before === undefined) byLength.set(sample.length, factor);
      else if (before !== factor) {
        return `its leading axis is ${factor} times the batch for batch ${sample.batch} but ${before} times for another batch of the same length: not a fold of the batch (${formatShape(seen.shape)})`;
      }
      return null;
    });
  },
};

/** The sizes a fold can multiply the batch by: of each input, the products of its axes 1..k. */
function foldFactors(plans: readonly InputPlan[], sample: Sample): Set<number> {
  const factors = new Set<number>();
  for (const plan of plans) {
    let product = 1;
    for (const d of concreteShape(plan.shape, sample).slice(1)) {
      product *= d;
      if (product > 1) factors.add(product);
    }
  }
  return factors;
}
