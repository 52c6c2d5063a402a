// Part of scaffold-mini's stub runtime: shape helpers and the errors a stub raises.
import type { StubShape, StubSpec } from './spec.js';

/** An Error whose message names the component the stub stands in for. */
export function stubError(spec: Pick<StubSpec, 'name' | 'template'>, message: string): Error {
  return new Error(`scaffold-mini stub "${spec.name}" (template '${spec.template}'): ${message}`);
}

export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** True when `shape` is a list of shapes rather than one shape. */
function isShapeList(shape: StubShape | StubShape[]): shape is StubShape[] {
  return shape.length > 0 && Array.isArray(shape[0]);
}

export function toShapeList(shape: StubShape | StubShape[]): StubShape[] {
  return isShapeList(shape) ? shape : [shape as StubShape];
}

/** The dimension at `axis`, which the spec must fix. */
export function fixedDim(spec: StubSpec, shape: readonly (number | null)[], axis: number, what: string): number {
  const d = shape[axis];
  if (typeof d !== 'number' || !(d > 0)) {
    throw stubError(spec, `${what} must be a fixed positive size, got ${formatShape(shape)}`);
  }
  return d;
}

/** Product of the fixed dims of `shape` from `from` on (free dims count as 1). */
export function fixedProduct(shape: readonly (number | null)[], from = 1): number {
  let p = 1;
  for (let a = from; a < shape.length; a++) p *= shape[a] ?? 1;
  return p;
}

/**
 * Checks that `actual` (what the stub is applied to) fits the spec's input shapes: same count,
 * same ranks, the same size on every axis the spec fixes (batch excluded).
 */
export function checkInputShapes(spec: StubSpec, actual: StubShape[]): void {
  const expected = spec.inputShapes;
  const want = expected.map(formatShape).join(', ');
  if (actual.length !== expected.length) {
    throw stubError(
      spec,
      `expects ${expected.length} input(s) (${want}) but was applied to ${actual.length} (${actual.map(formatShape).join(', ')})`,
    );
  }
  actual.forEach((shape, i) => {
    const ref = expected[i] ?? [];
    const bad = shape.length !== ref.length || ref.some((d, a) => a > 0 && d !== null && shape[a] !== null && shape[a] !== d);
    if (bad) {
      throw stubError(spec, `input ${i} has shape ${formatShape(shape)} but the original takes ${formatShape(ref)}`);
    }
  });
}

/** Output size of a strided spatial axis of size `n` (see StubSpec.conv). */
export function stridedSize(n: number, stride: number, padding: 'same' | 'valid', kernel: number): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - kernel) / stride) + 1;
}

/** Entry `i` of a per-axis list, the single entry broadcast, or `fallback`. */
export function perAxis(list: readonly number[] | undefined, i: number, fallback: number): number {
  if (!list || list.length === 0) return fallback;
  return list.length === 1 ? (list[0] ?? fallback) : (list[i] ?? fallback);
}
