/** A tensor shape as tfjs reports it: `null` marks a free dimension (batch, sequence length, ...). */
export type Shape = readonly (number | null)[];

export type DType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

/** Number of elements of a fully known shape, or null when a dimension is free. */
export function knownSize(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** True when `actual` fits `expected`: same rank, and every known dimension equal. */
export function shapeFits(expected: Shape, actual: readonly number[]): boolean {
  if (expected.length !== actual.length) return false;
  return expected.every((d, i) => d === null || d === actual[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}
