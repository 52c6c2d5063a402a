import { formatShape } from '../model/shape.js';
import type { Check } from './check.js';
import { checkEveryTensor } from './harness/tensor-property.js';

/** Every boundary tensor and model output has the probed shape, for any batch size and free length. */
export const shape: Check = {
  id: 'shape',
  proves: 'every boundary tensor and model output has the probed shape, for random batch sizes and free lengths',
  run: (ctx) =>
    checkEveryTensor(ctx, 'shape', (tensor, seen, sample) => {
      const expected = tensor.shape;
      const ok =
        seen.shape.length === expected.length &&
        seen.shape[0] === sample.batch &&
        expected.every((d, axis) => axis === 0 || d === null || d === seen.shape[axis]);
      return ok
        ? null
        : `expected ${formatShape([sample.batch, ...expected.slice(1)])} for batch ${sample.batch}, got ${formatShape(seen.shape)}`;
    }),
};
