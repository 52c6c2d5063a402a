import type { Tensor } from '@tensorflow/tfjs';
import type { CheckContext } from '../check.js';
import { firstRealStep, realSteps } from './fake-inputs.js';
import type { Sample } from '../../model/sample.js';
import type { Pass, TensorValue } from './runner.js';

export interface Repadded {
  inputs: Tensor[];
  /** First real step of sample i in the new inputs. */
  first: (i: number) => number;
  /** Steps of the new sequence inputs. */
  steps: number;
  description: string;
}

/**
 * The same inputs with the same real steps, but other padding around them: moved to the other
 * side when the hints allow both, else two more padded steps when the length is free. Every padded
 * input moves together (they share real lengths). Null when neither is possible.
 */
export function repad(ctx: CheckContext, sample: Sample, base: Pass, index: number): Repadded | null {
  const plan = ctx.space.plans[index];
  const value = base.values.get(ctx.runner.order[index] ?? -1);
  if (!plan?.sequence || !value) return null;
  const steps = value.shape[1] ?? 1;
  const otherSide = sample.side === 'post' ? 'pre' : 'post';
  const canFlip = ctx.space.plans.every((p) => !p.sequence || p.sequence.sides.includes(otherSide));
  const free = plan.shape[1] === null;
  if (!canFlip && !free) return null;
  const newSteps = canFlip ? steps : steps + 2;
  const side = canFlip ? otherSide : sample.side;
  const count = (i: number): number => realSteps(sample, i, steps);
  const first = (i: number): number => (side === 'pre' ? newSteps - count(i) : 0);
  const inputs = ctx.space.plans.map((p, k) => {
    const v = base.values.get(ctx.runner.order[k] ?? -1);
    if (!v) throw new Error(`internal: no value for input ${p.name}`);
    if (!p.sequence || v.shape[1] !== steps) return ctx.tf.tensor(v.values, v.shape, v.dtype as 'float32');
    return ctx.tf.tensor(
      move(v, steps, newSteps, p.sequence.pad, (i) => firstRealStep(sample, i, steps), first, count),
      [v.shape[0] ?? 1, newSteps, ...v.shape.slice(2)],
      v.dtype as 'float32',
    );
  });
  const description = canFlip ? `${side}-padding instead of ${sample.side}-padding` : `2 more padded steps (${newSteps} in all)`;
  return { inputs, first, steps: newSteps, description };
}

function move(
  v: TensorValue,
  steps: number,
  newSteps: number,
  pad: number,
  firstOld: (i: number) => number,
  firstNew: (i: number) => number,
  count: (i: number) => number,
): Float32Array | Int32Array {
  const batch = v.shape[0] ?? 1;
  const inner = v.shape.slice(2).reduce((a, b) => a * b, 1);
  const out = v.values instanceof Int32Array ? new Int32Array(batch * newSteps * inner) : new Float32Array(batch * newSteps * inner);
  out.fill(pad);
  for (let i = 0; i < batch; i++) {
    const from = (i * steps + firstOld(i)) * inner;
    const to = (i * newSteps + firstNew(i)) * inner;
    out.set(v.values.subarray(from, from + count(i) * inner) as Float32Array & Int32Array, to);
  }
  return out;
}
