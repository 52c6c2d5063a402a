import type { Check } from './check.js';
import { placeText } from '../model/place.js';
import { makeInputs } from './harness/fake-inputs.js';
import { exactDifference, firstDifference, formatDifference } from './harness/pass-diff.js';
import { propertyCheck } from './harness/property-check.js';
import { tensorNames } from './harness/tensor-names.js';

/** Two inference passes on the same input agree exactly, at every tensor. */
export const determinism: Check = {
  id: 'determinism',
  runs: 10,
  proves: 'two inference calls on the same input agree exactly',
  run(ctx) {
    const placeOf = tensorNames(ctx.probe);
    return propertyCheck(ctx, 'determinism', (sample) => {
      const inputs = makeInputs(ctx.tf, ctx.space.plans, sample);
      try {
        const first = ctx.passes.get(sample, inputs);
        // Every layer of the user's runs again; stubs whose inputs came out the same are taken from
        // the first pass (they are pure functions of their inputs).
        const second = ctx.runner.run(inputs, {}, first, { stubsOnly: true });
        if (first.error || second.error) return null;
        const changed = firstDifference(ctx, first, second, exactDifference);
        if (!changed) return null;
        const place = placeOf(changed.id);
        return {
          place,
          message: `${placeText(place)} differs (by ${formatDifference(changed.by)}) between two inference calls on the same input: something random runs at inference (noise, dropout forced on, Math.random)`,
        };
      } finally {
        ctx.tf.dispose(inputs);
      }
    });
  },
};
