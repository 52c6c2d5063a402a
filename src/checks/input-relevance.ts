import type { Tensor } from '@tensorflow/tfjs';
import type { Check } from './check.js';
import { makeInput, makeInputs, otherIds } from './harness/fake-inputs.js';
import { exactDifference } from './harness/pass-diff.js';
import { propertyCheck } from './harness/property-check.js';
import type { InputPlan, Sample } from '../model/sample.js';

/** Other samples an input that moved nothing must move nothing on, too, before it counts as irrelevant. */
const CONFIRMATIONS = 3;

/** Every model input influences at least one model output. */
export const inputRelevance: Check = {
  id: 'input-relevance',
  runs: 10,
  proves: 'each model input influences at least one output',
  requires: ['determinism', 'batch-independence'],
  run(ctx) {
    if (ctx.space.plans.length === 0) return { status: 'skip', runs: 0, findings: [], reason: 'the model has no inputs' };
    const { tf, runner, space } = ctx;
    /** Whether other values for input j move some output on this sample (a pass that throws counts as moved). */
    const moves = (sample: Sample, j: number): boolean | null => {
      const inputs = makeInputs(tf, space.plans, sample);
      const plan = space.plans[j] as InputPlan;
      try {
        const base = ctx.passes.get(sample, inputs);
        if (base.error) return null;
        // Other values for input j, each one different: for ids every id replaced by another one;
        // for floats a fresh draw, and the same scaled by 10 (a layer that rounds or clips may
        // not move on small changes, yet depends on the input).
        // A padded input also gets a draw without padding: behind a long run of padding a
        // stub (or a real RNN) may have forgotten the real steps to within a float's precision.
        const otherSeed = (sample.dataSeed + 7919 * (j + 1)) % 0x7fffffff;
        const given = inputs[j] as Tensor;
        // Each draw made only when the one before it moved nothing (most inputs move on the first).
        const drawsOf: (() => Tensor)[] = [
          ...(plan.values.kind === 'int'
            ? [() => otherIds(tf, plan, given, otherSeed)]
            : [
                () => makeInput(tf, space.plans, { ...sample, dataSeed: otherSeed }, j),
                () => tf.tidy(() => tf.mul(makeInput(tf, space.plans, { ...sample, dataSeed: otherSeed }, j), 10)),
              ]),
          ...(plan.sequence
            ? [() => makeInput(tf, space.plans, { ...sample, dataSeed: otherSeed, real: sample.real.map(() => Infinity) }, j)]
            : []),
        ];
        return drawsOf.some((drawOf) => {
          const draw = drawOf();
          try {
            const other = runner.run(
              inputs.map((t, k) => (k === j ? draw : t)),
              {},
              base,
            );
            if (other.error) return true;
            return base.outputs.some((out, k) => {
              const o = other.outputs[k];
              return o !== undefined && exactDifference(out, o) > 0;
            });
          } finally {
            draw.dispose();
          }
        });
      } finally {
        tf.dispose(inputs);
      }
    };
    return propertyCheck(ctx, 'input-relevance', (sample) => {
      for (const [j, plan] of space.plans.entries()) {
        if (moves(sample, j) !== false) continue;
        // An input that moves nothing on one sample may still be wired to an output: a product
        // with a gate that is zero for that sample hides it. A branch that reaches no output moves
        // nothing on any sample: confirmed on others (batches of 3, other data) before it counts.
        const others = Array.from({ length: CONFIRMATIONS }, (_, k): Sample => ({
          ...sample,
          batch: 3,
          dataSeed: (sample.dataSeed + 104_729 * (k + 1)) % 0x7fffffff,
          real: [Infinity, Infinity, Infinity],
        }));
        if (others.some((other) => moves(other, j) !== false)) continue;
        return {
          place: { kind: 'input', name: plan.name },
          blame: plan.name,
          message: `input '${plan.name}' influences no model output: other values for it leave every output unchanged (a branch that never reaches an output?)`,
          detail: { input: plan.name },
        };
      }
      return null;
    });
  },
};
