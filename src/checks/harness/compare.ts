import type { TensorValue } from './runner.js';

/**
 * Two float values are the same when |a - b| <= ABS + REL * |a|. The twin computes in float32:
 * the same arithmetic in another order (a batch of 3 instead of 1, a sequence re-packed by the
 * recurrent stub) can move the last bits, about 1e-7 relative; real wiring bugs move values by
 * 1e-3 and more. 1e-5 absolute plus 1e-4 relative sits between the two.
 */
const TOLERANCE: Tolerance = { abs: 1e-5, rel: 1e-4 };

/** Values are the same when |a - b| <= abs + rel * |a| (NaN and NaN are the same). */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
}

/** No difference at all is the same. */
export const EXACT: Tolerance = { abs: 0, rel: 0 };

export function close(a: number, b: number, tolerance: Tolerance = TOLERANCE): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= tolerance.abs + tolerance.rel * Math.abs(a);
}

/** The largest difference between two values of the same shape beyond the tolerance (0: the same), or Infinity when the shapes differ. */
export function maxDifference(a: TensorValue, b: TensorValue, tolerance: Tolerance = TOLERANCE): number {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return Infinity;
  // A layer a pass reused hands on the very array of the pass it was reused from.
  if (a.values === b.values) return 0;
  return worstDifference(a.values, b.values, tolerance);
}

/** maxDifference over a layer's outputs, one by one (Infinity when their numbers differ). */
export function maxDifferenceOf(a: readonly TensorValue[], b: readonly TensorValue[], tolerance: Tolerance = TOLERANCE): number {
  if (a.length !== b.length) return Infinity;
  return Math.max(0, ...a.map((v, i) => maxDifference(v, b[i] as TensorValue, tolerance)));
}

/** The loop of maxDifference, on its own so that it stays monomorphic and fast (equal values are the common case). */
function worstDifference(xs: ArrayLike<number>, ys: ArrayLike<number>, tolerance: Tolerance): number {
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (x === y) continue;
    if (!close(x, y, tolerance)) worst = Math.max(worst, Number.isNaN(x - y) ? Infinity : Math.abs(x - y));
  }
  return worst;
}

/** Values of sample `i` of a batch (axis 0), as a value of batch 1. */
export function sampleOf(value: TensorValue, i: number): TensorValue {
  const size = value.shape.slice(1).reduce((a, b) => a * b, 1);
  return { shape: [1, ...value.shape.slice(1)], dtype: value.dtype, values: value.values.subarray(i * size, (i + 1) * size) };
}

/**
 * The largest difference between two time-major tensors ([batch, steps, ...]) compared at the
 * real steps only: step `t` of sample `i` in `a` is step `t - firstA[i] + firstB[i]` in `b`.
 */
export function alignedDifference(a: TensorValue, b: TensorValue, real: { firstA: number[]; firstB: number[]; steps: number[] }): number {
  const batch = a.shape[0] ?? 1;
  const stepsA = a.shape[1] ?? 1;
  const stepsB = b.shape[1] ?? 1;
  const inner = a.shape.slice(2).reduce((x, y) => x * y, 1);
  if (b.shape[0] !== batch || b.shape.slice(2).reduce((x, y) => x * y, 1) !== inner) return Infinity;
  let worst = 0;
  for (let i = 0; i < batch; i++) {
    for (let t = 0; t < (real.steps[i] ?? 0); t++) {
      const ta = (real.firstA[i] ?? 0) + t;
      const tb = (real.firstB[i] ?? 0) + t;
      if (ta >= stepsA || tb >= stepsB) return Infinity;
      for (let k = 0; k < inner; k++) {
        const x = a.values[(i * stepsA + ta) * inner + k] as number;
        const y = b.values[(i * stepsB + tb) * inner + k] as number;
        if (!close(x, y)) worst = Math.max(worst, Number.isNaN(x - y) ? Infinity : Math.abs(x - y));
      }
    }
  }
  return worst;
}
