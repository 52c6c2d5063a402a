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
  replaceKernel(
    tf,
    'UnsortedSegmentSum',
    () => (args: { inputs: { x: TensorInfo; segmentIds: TensorInfo }; backend: CpuBackend; attrs: { numSegments: number } }) =>
      unsortedSegmentSum(args.inputs.x, args.inputs.segmentIds, args.attrs.numSegments, args.backend),
  );
  for (const [name, op] of Object.entries(BINARY)) useBroadcastingBinary(tf, name, op);
  useFastConvFilterGradient(tf);
  useFastSum(tf);
}

/** Puts `make(tfjs's own kernel)` in place of the CPU kernel `name`; the new one falls back to tfjs's where it does not apply. */
function replaceKernel<A>(tf: Tf, name: string, make: (fallback: (args: A) => TensorInfo) => (args: A) => TensorInfo): void {
  const original = tf.getKernel(name, 'cpu');
  if (!original) return;
  const kernelFunc = make(original.kernelFunc as unknown as (args: A) => TensorInfo);
  replaced.add(kernelFunc);
  tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as never });
}

type SumArgs = { inputs: { x: TensorInfo }; backend: CpuBackend; attrs: { axis: number | number[]; keepDims: boolean } };

/**
 * A sum over axes that are not the innermost (every `mean` over a map's positions, and the
 * gradient of every broadcast op): tfjs's CPU kernel transposes the whole input first, most of a
 * detector's remaining training time here. One pass over the input instead, each output
 * accumulating its elements in the same order as tfjs's (row-major over the reduced axes, in a
 * double, rounded once): the same values. Float32 with ascending axes only.
 */
function useFastSum(tf: Tf): void {
  replaceKernel<SumArgs>(tf, 'Sum', (fallback) => (args) => {
    const { x } = args.inputs;
    const rank = x.shape.length;
    const axes = (Array.isArray(args.attrs.axis) ? args.attrs.axis : [args.attrs.axis]).map((a) => (a < 0 ? a + rank : a));
    const ascending = axes.every((a, i) => Number.isInteger(a) && a >= 0 && a < rank && (i === 0 || a > (axes[i - 1] as number)));
    // Innermost axes need no transpose: tfjs's own kernel is fast there.
    const innermost = axes.every((a, i) => a === rank - axes.length + i);
    if (x.dtype !== 'float32' || !ascending || innermost || axes.length === 0 || x.shape.some((d) => d === 0)) return fallback(args);
    const reduced = new Set(axes);
    const outShape = x.shape.filter((_, d) => !reduced.has(d));
    const sums = sumOver(x.shape, reduced, args.backend.data.get(x.dataId).values);
    const shape = args.attrs.keepDims ? x.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : outShape;
    return args.backend.makeTensorInfo(shape, 'float32', Float32Array.from(sums));
  });
}

function sumOver(shape: number[], reduced: Set<number>, values: Values): Float64Array {
  const rank = shape.length;
  // Each input axis's stride in the output (0 along a reduced axis).
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (reduced.has(d)) continue;
    strides[d] = stride;
    stride *= shape[d] as number;
  }
  const sums = new Float64Array(stride);
  const inner = shape[rank - 1] as number;
  const step = strides[rank - 1] as number;
  const index = new Array<number>(rank).fill(0);
  let out = 0;
  for (let p = 0; p < values.length;) {
    for (let k = 0, o = out; k < inner; k++, o += step) sums[o] = (sums[o] as number) + (values[p++] as number);
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      out += strides[d] as number;
      if ((index[d] as number) < (shape[d] as number)) break;
      out -= (strides[d] as number) * (shape[d] as number);
      index[d] = 0;
    }
  }
  return sums;
}

interface ConvInfo {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  dataFormat: string;
  filterShape: number[];
  padInfo: { top: number; left: number };
}
type ConvArgs = {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: CpuBackend;
  attrs: { strides: number | [number, number]; pad: unknown; dataFormat: string; dimRoundingMode?: string; filterShape: number[] };
};

/**
 * The gradient of a conv2d's kernel (every training step of a model with a real conv layer): tfjs's
 * CPU kernel reads each input and output-gradient element through `TensorBuffer.get` (a call with
 * argument checks per element), 10 s of a detector's 100 overfit steps here. The same loops, in
 * the same order of summation, on the arrays directly; channels-last float32 only.
 */
function useFastConvFilterGradient(tf: Tf): void {
  const util = (
    tf as unknown as { backend_util: { convertConv2DDataFormat(f: string): string; computeConv2DInfo(...a: unknown[]): ConvInfo } }
  ).backend_util;
  replaceKernel<ConvArgs>(tf, 'Conv2DBackpropFilter', (fallback) => (args) => {
    const { x, dy } = args.inputs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') return fallback(args);
    const info = util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      util.convertConv2DDataFormat(dataFormat),
    );
    if (info.dataFormat !== 'channelsLast') return fallback(args);
    const dW = convFilterGradient(info, args.backend.data.get(x.dataId).values, args.backend.data.get(dy.dataId).values);
    return args.backend.makeTensorInfo(info.filterShape, 'float32', dW);
  });
}

function convFilterGradient(c: ConvInfo, xv: Values, dyv: Values): Float32Array {
  const dW = new Float32Array(c.filterHeight * c.filterWidth * c.inChannels * c.outChannels);
  const { top, left } = c.padInfo;
  for (let wR = 0; wR < c.filterHeight; ++wR) {
    const yRMin = Math.max(0, Math.ceil((top - wR) / c.strideHeight));
    const yRMax = Math.min(c.outHeight, (c.inHeight + top - wR) / c.strideHeight);
    for (let wC = 0; wC < c.filterWidth; ++wC) {
      const yCMin = Math.max(0, Math.ceil((left - wC) / c.strideWidth));
      const yCMax = Math.min(c.outWidth, (c.inWidth + left - wC) / c.strideWidth);
      for (let d1 = 0; d1 < c.inChannels; ++d1) {
        for (let d2 = 0; d2 < c.outChannels; ++d2) {
          let dot = 0;
          for (let b = 0; b < c.batchSize; ++b) {
            for (let yR = yRMin; yR < yRMax; ++yR) {
              const xR = wR + yR * c.strideHeight - top;
              const xRow = (b * c.inHeight + xR) * c.inWidth;
              const yRow = (b * c.outHeight + yR) * c.outWidth;
              for (let yC = yCMin; yC < yCMax; ++yC) {
                const xC = wC + yC * c.strideWidth - left;
                dot += (xv[(xRow + xC) * c.inChannels + d1] as number) * (dyv[(yRow + yC) * c.outChannels + d2] as number);
              }
            }
          }
          dW[((wR * c.filterWidth + wC) * c.inChannels + d1) * c.outChannels + d2] = dot;
        }
      }
    }
  }
  return dW;
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
  replaceKernel<BinaryArgs>(tf, name, (fallback) => (args) => {
    const { a, b } = args.inputs;
    const shape = a.dtype === 'float32' && b.dtype === 'float32' ? broadcastShape(a.shape, b.shape) : null;
    if (!shape) return fallback(args);
    const out = broadcast(op, shape, a.shape, b.shape, args.backend.data.get(a.dataId).values, args.backend.data.get(b.dataId).values);
    return args.backend.makeTensorInfo(shape, 'float32', out);
  });
}

/**
 * The broadcast shape when an axis of size 1 is stretched (null: tfjs's own kernel, for equal or
 * incompatible shapes, and for a scalar or a trailing-axes operand, which it reads with one
 * modulo per element: already fast, and every optimizer step's scalar products are such).
 */
function broadcastShape(a: number[], b: number[]): number[] | null {
  if (a.length === b.length && a.every((d, i) => d === b[i])) return null;
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  let stretched = false;
  for (let d = 0; d < rank; d++) {
    const x = a[d - rank + a.length];
    const y = b[d - rank + b.length];
    const xs = x ?? 1;
    const ys = y ?? 1;
    if (xs !== ys && xs !== 1 && ys !== 1) return null;
    // An axis of size 1 against a longer one (a missing leading axis is no stretch for tfjs).
    if ((x === 1 && ys > 1) || (y === 1 && xs > 1)) stretched = true;
    shape.push(xs === 1 ? ys : xs);
  }
  return stretched ? shape : null;
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
