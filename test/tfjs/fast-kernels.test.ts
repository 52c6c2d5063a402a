// tfjs's CPU UnsortedSegmentSum (the gradient of gather, so of every Embedding) loops over the
// segments; useFastCpuKernels replaces it with one pass. Pinned here: the same values as tfjs's
// own kernel, for the gradient of an Embedding and for the op itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { useFastCpuKernels } from '../../src/tfjs/fast-kernels.js';

await tf.setBackend('cpu');

function embeddingGradient(): Float32Array {
  const layer = tf.layers.embedding({ inputDim: 50, outputDim: 6, embeddingsInitializer: tf.initializers.randomNormal({ seed: 3 }) });
  const ids = tf.tensor2d(
    [
      [1, 4, 4, 49],
      [0, 0, 7, 4],
    ],
    [2, 4],
    'int32',
  );
  const weights = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 5);
  layer.build([null, 4]);
  const table = layer.trainableWeights[0]?.read() as tf.Variable;
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as tf.Tensor, weights)) as tf.Scalar, [table]);
  const grad = Object.values(grads)[0];
  assert.ok(grad);
  const out = grad.dataSync() as Float32Array;
  tf.dispose([value, ...Object.values(grads), ids, weights, table]);
  return out;
}

const cases = (): { x: tf.Tensor; ids: tf.Tensor1D; n: number }[] => [
  { x: tf.randomNormal([7, 3, 2], 0, 1, 'float32', 11), ids: tf.tensor1d([2, 0, 2, 5, 1, 2, 0], 'int32'), n: 6 },
  // Ids outside [0, n) belong to no segment.
  { x: tf.randomNormal([5, 4], 0, 1, 'float32', 12), ids: tf.tensor1d([-1, 3, 9, 3, 0], 'int32'), n: 4 },
  {
    x: tf.tensor2d(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [3, 2],
      'int32',
    ),
    ids: tf.tensor1d([1, 1, 0], 'int32'),
    n: 3,
  },
];

const run = (): { values: number[]; shape: number[]; dtype: string }[] =>
  cases().map(({ x, ids, n }) => {
    const out = tf.unsortedSegmentSum(x, ids, n);
    const result = { values: [...out.dataSync()], shape: out.shape, dtype: out.dtype };
    tf.dispose([x, ids, out]);
    return result;
  });

describe('useFastCpuKernels', () => {
  const before = { gradient: embeddingGradient(), ops: run() };
  const original = tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc;
  useFastCpuKernels(tf);
  const ours = tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc;

  it("replaces tfjs's CPU kernel once (calling it again keeps ours)", () => {
    assert.ok(original && ours && original !== ours);
    useFastCpuKernels(tf);
    assert.equal(tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc, ours);
  });

  it("gives an Embedding the same gradient as tfjs's own kernel", () => {
    assert.deepEqual([...embeddingGradient()], [...before.gradient]);
  });

  it("gives unsortedSegmentSum the same values, shapes and dtypes as tfjs's own kernel", () => {
    assert.deepEqual(run(), before.ops);
  });

  it('leaves no tensor behind', () => {
    const count = tf.memory().numTensors;
    run();
    embeddingGradient();
    assert.equal(tf.memory().numTensors, count);
  });
});
