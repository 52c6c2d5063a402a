import type { Tf } from './tf-instance.js';

type Values = Float32Array | Int32Array | Uint8Array;
interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}
interface CpuBackend {
  data: { get(dataId: object): { values: Values } };
  makeTensorInfo(shape: number[], dtype: string, values: Values): TensorInfo;
}

const replaced = new WeakSet<object>();

/**
 * Replaces slow CPU kernels: the broadcasting element-wise ops (see BINARY), and
 * `UnsortedSegmentSum` (the gradient of every `gather`, hence of every Embedding) with a single
 * pass over its input. tfjs's kernel runs an equal, a multiply and a sum
 * over the whole input for each of `numSegments` segments: for an Embedding of 2,009 rows the
 * backward pass took 3.5 s (1.7 ms a row) here, and the tool runs hundreds of them. The sums are
 * taken in the same row order and rounded once, so the result is the same (except that a
 * non-finite value no longer turns every other segment into NaN through tfjs's `0 * Inf`).
 */
export function useFastCpuKernels(tf: Tf): void {
  const kernel = tf.getKernel('UnsortedSegmentSum', 'cpu');
  if (!kernel || replaced.has(kernel.kernelFunc)) return;
  const kernelFunc = ((args: { inputs: { x: TensorInfo; segmentIds: TensorInfo }; backend: CpuBackend; attrs: { numSegments: number } }) =>
    unsortedSegmentSum(args.inputs.x, args.inputs.segmentIds, args.attrs.numSegments, args.backend)) as never;
  replaced.add(kernelFunc);
  tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'cpu', kernelFunc });
  for (const [name, op] of Object.entries(BINARY)) useBroadcastingBinary(tf, name, op);
}

/**
 * Float32 element-wise ops whose CPU kernels broadcast element by element: tfjs computes each
 * output's coordinates, slices them and maps them back per element (a user's per-sample
 * normalisation, `(x - mean) / std` on a 32x32x96 map, took most of a detector's pass here).
 * The same operation per element, in the same float32 rounding.
 */
const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Multiply: (a, b) => a * b,
  RealDiv: (a, b) => a / b,
  Maximum: (a, b) => Math.max(a, b),
  Minimum: (a, b) => Math.min(a, b),
  SquaredDifference: (a, b) => {
    const d = a - b;
    return d * d;
  },
};

type BinaryArgs = { inputs: { a: TensorInfo; b: TensorInfo }; backend: CpuBackend; attrs: object };

function useBroadcastingBinary(tf: Tf, name: string, op: (a: number, b: number) => number): void {
  const original = tf.getKernel(name, 'cpu');
  if (!original) return;
  const fallback = original.kernelFunc as unknown as (args: BinaryArgs) => TensorInfo;
  const kernelFunc = ((args: BinaryArgs) => {
    const { a, b } = args.inputs;
    const shape = a.dtype === 'float32' && b.dtype === 'float32' ? broadcastShape(a.shape, b.shape) : null;
    if (!shape) return fallback(args);
    const out = broadcast(op, shape, a.shape, b.shape, args.backend.data.get(a.dataId).values, args.backend.data.get(b.dataId).values);
    return args.backend.makeTensorInfo(shape, 'float32', out);
  }) as never;
  replaced.add(kernelFunc);
  tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({ ...original, kernelFunc });
}

/** The broadcast shape when the shapes differ and broadcast (null: tfjs's own kernel, for equal or incompatible shapes). */
function broadcastShape(a: number[], b: number[]): number[] | null {
  if (a.length === b.length && a.every((d, i) => d === b[i])) return null;
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const x = a[d - rank + a.length] ?? 1;
    const y = b[d - rank + b.length] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    shape.push(x === 1 ? y : x);
  }
  return shape;
}

/** Strides of `shape` padded on the left to `rank`, 0 on the axes it broadcasts along. */
function broadcastStrides(shape: number[], rank: number): number[] {
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    const size = shape[d - rank + shape.length] ?? 1;
    strides[d] = size === 1 ? 0 : stride;
    stride *= size;
  }
  return strides;
}

function broadcast(
  op: (a: number, b: number) => number,
  shape: number[],
  aShape: number[],
  bShape: number[],
  av: Values,
  bv: Values,
): Float32Array {
  const rank = shape.length;
  const size = shape.reduce((x, y) => x * y, 1);
  const out = new Float32Array(size);
  if (size === 0) return out;
  const sa = broadcastStrides(aShape, rank);
  const sb = broadcastStrides(bShape, rank);
  const inner = shape[rank - 1] as number;
  const ia = sa[rank - 1] as number;
  const ib = sb[rank - 1] as number;
  const index = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let p = 0; p < size;) {
    for (let k = 0, x = offA, y = offB; k < inner; k++, x += ia, y += ib) out[p++] = op(av[x] as number, bv[y] as number);
    // The next row: an odometer over the outer axes.
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      offA += sa[d] as number;
      offB += sb[d] as number;
      if ((index[d] as number) < (shape[d] as number)) break;
      offA -= (sa[d] as number) * (shape[d] as number);
      offB -= (sb[d] as number) * (shape[d] as number);
      index[d] = 0;
    }
  }
  return out;
}

function unsortedSegmentSum(x: TensorInfo, segmentIds: TensorInfo, numSegments: number, backend: CpuBackend): TensorInfo {
  const values = backend.data.get(x.dataId).values;
  const ids = backend.data.get(segmentIds.dataId).values;
  const rows = ids.length;
  const inner = rows === 0 ? 0 : values.length / rows;
  // Accumulated in doubles and rounded once, as tfjs's own sum does.
  const sums = new Float64Array(numSegments * inner);
  for (let r = 0; r < rows; r++) {
    const id = ids[r] as number;
    // Ids outside [0, numSegments) belong to no segment (as in TensorFlow).
    if (id < 0 || id >= numSegments) continue;
    const from = r * inner;
    const to = id * inner;
    for (let j = 0; j < inner; j++) sums[to + j] = (sums[to + j] as number) + (values[from + j] as number);
  }
  // Always float32, as tfjs's kernel (it multiplies by a float32 mask).
  const out = Float32Array.from(sums);
  return backend.makeTensorInfo([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32', out);
}
