import fc from 'fast-check';
import type { CheckContext } from '../check.js';
import { makeInputs } from './fake-inputs.js';
import type { Sample } from '../../model/sample.js';
import type { Pass } from './runner.js';

/**
 * The first `n` samples of the run's sample space for its seed: the ones the property checks drew
 * first, so their base passes are already in the pass cache.
 */
export function firstSamples(ctx: CheckContext, n: number): Sample[] {
  return fc.sample(ctx.space.arbitrary, { seed: ctx.seed, numRuns: n });
}

/** The base pass of a sample (its fake inputs made, run or taken from the pass cache, disposed). */
export function basePass(ctx: CheckContext, sample: Sample): Pass {
  const inputs = makeInputs(ctx.tf, ctx.space.plans, sample);
  try {
    return ctx.passes.get(sample, inputs);
  } finally {
    ctx.tf.dispose(inputs);
  }
}

/** The base passes of the first `n` samples (shared with the property checks through the pass cache). */
export function basePasses(ctx: CheckContext, n: number): { sample: Sample; pass: Pass }[] {
  return firstSamples(ctx, n).map((sample) => ({ sample, pass: basePass(ctx, sample) }));
}
