import type { CheckContext } from '../check.js';
import { maxDifference } from './compare.js';
import type { Pass, TensorValue } from './runner.js';

/** The first tensor of the composite (topological order, model inputs left out) that differs between two passes. */
export function firstDifference(
  ctx: CheckContext,
  a: Pass,
  b: Pass,
  diff: (x: TensorValue, y: TensorValue, id: number) => number = (x, y) => maxDifference(x, y),
  pick: (value: TensorValue) => TensorValue = (v) => v,
  skip: ReadonlySet<number> = new Set(),
): { id: number; by: number } | null {
  const inputs = new Set(ctx.runner.order.slice(0, ctx.space.plans.length));
  for (const id of ctx.runner.order) {
    if (inputs.has(id) || skip.has(id)) continue;
    const x = a.values.get(id);
    const y = b.values.get(id);
    if (!x || !y) continue;
    const by = diff(pick(x), y, id);
    if (by > 0) return { id, by };
  }
  return null;
}

/** Bitwise difference: any change at all counts (NaN equals NaN). */
export function exactDifference(x: TensorValue, y: TensorValue): number {
  if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) return Infinity;
  if (x.values === y.values) return 0;
  let worst = 0;
  for (let i = 0; i < x.values.length; i++) {
    const p = x.values[i] as number;
    const q = y.values[i] as number;
    if (p !== q && !(Number.isNaN(p) && Number.isNaN(q))) worst = Math.max(worst, Math.abs(p - q) || Infinity);
  }
  return worst;
}

export function formatDifference(by: number): string {
  return Number.isFinite(by) ? by.toPrecision(3) : 'a different shape or NaN';
}
