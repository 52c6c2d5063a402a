import type { Check } from './check.js';
import { checkEveryTensor } from './harness/tensor-property.js';

/** No NaN or Inf at any boundary or output. */
export const finite: Check = {
  id: 'finite',
  runs: 10,
  proves: 'no NaN or Inf at any boundary or output',
  run: (ctx) =>
    checkEveryTensor(ctx, 'finite', (_tensor, seen) =>
      seen.nonFinite === 0 ? null : `${seen.nonFinite} NaN or infinite value(s) of ${seen.shape.reduce((a, b) => a * b, 1)}`,
    ),
};
