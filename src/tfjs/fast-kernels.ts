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
 * Replaces the CPU backend's `UnsortedSegmentSum` (the gradient of every `gather`, hence of every
 * Embedding) with a single pass over its input. tfjs's kernel runs an equal, a multiply and a sum
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
