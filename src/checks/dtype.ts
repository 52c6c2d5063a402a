import type { Check } from './check.js';
import { checkEveryTensor } from './harness/tensor-property.js';

/** Every boundary tensor has the dtype the probe recorded. */
export const dtype: Check = {
  id: 'dtype',
  runs: 10,
  proves: 'every boundary tensor has the probed dtype',
  run: (ctx) =>
    checkEveryTensor(ctx, 'dtype', (tensor, seen) =>
      seen.dtype === tensor.dtype ? null : `expected dtype ${tensor.dtype}, got ${seen.dtype}`,
    ),
};
