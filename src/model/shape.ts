/** A tensor shape as tfjs reports it: `null` marks a free dimension (batch, sequence length, ...). */
export type Shape = readonly (number | null)[];

export type DType = 'float32' | 'int32' | 'bool' | 'complex64' | 'string';

export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}
