// useFastCpuKernels replaces tfjs's CPU kernels for broadcasting element-wise ops (they map every
// output element's coordinates back one by one). Pinned here on random broadcasting shapes: the
// same values, shapes and dtypes as tfjs's own kernels, and the same errors for shapes that do
// not broadcast.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { useFastCpuKernels } from '../../src/tfjs/fast-kernels.js';

await tf.setBackend('cpu');

const OPS: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['add', tf.add],
  ['sub', tf.sub],
  ['mul', tf.mul],
  ['div', tf.div],
  ['maximum', tf.maximum],
  ['minimum', tf.minimum],
  ['squaredDifference', tf.squaredDifference],
];

/** A shape, and another that broadcasts with it (axes set to 1 or dropped on the left). */
const pair = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 5 }).chain((shape) =>
  fc.record({
    a: fc.constant(shape),
    b: fc
      .tuple(fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.integer({ min: 0, max: shape.length }))
      .map(([ones, drop]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop)),
    swap: fc.boolean(),
    dtype: fc.constantFrom('float32' as const, 'float32' as const, 'int32' as const),
    seed: fc.integer({ min: 1, max: 1000 }),
  }),
);

type Case = typeof pair extends fc.Arbitrary<infer T> ? T : never;
const cases: Case[] = fc.sample(pair, { numRuns: 300, seed: 7 });

function compute(c: Case): { op: string; values: number[]; shape: number[]; dtype: string }[] {
  const [sa, sb] = c.swap ? [c.b, c.a] : [c.a, c.b];
  const x = tf.randomUniform(sa, -3, 3, c.dtype, c.seed);
  // Some zeros in the divisor: the same Infinity and NaN as tfjs's kernel.
  const y = tf.tidy(() =>
    tf.mul(
      tf.randomUniform(sb, -3, 3, c.dtype, c.seed + 1),
      tf
        .randomUniform(sb, 0, 1, 'float32', c.seed + 2)
        .greater(0.1)
        .cast(c.dtype),
    ),
  );
  const out = OPS.map(([op, f]) => {
    const z = f(x, y);
    const result = { op, values: [...z.dataSync()], shape: z.shape, dtype: z.dtype };
    z.dispose();
    return result;
  });
  tf.dispose([x, y]);
  return out;
}

/** Shapes and the axes to sum over (ascending, as tfjs's reductions pass them), with keepDims. */
const reductions = fc.sample(
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      axes: fc.subarray(shape.map((_, i) => i)),
      keepDims: fc.boolean(),
      negative: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1000 }),
    }),
  ),
  { numRuns: 200, seed: 9 },
);

function sums(): { values: number[]; shape: number[] }[] {
  return reductions.map((r) =>
    tf.tidy(() => {
      const x = tf.randomNormal(r.shape, 0, 3, 'float32', r.seed);
      const axes = r.negative ? r.axes.map((a) => a - r.shape.length) : r.axes;
      const y = tf.sum(x, axes.length ? axes : undefined, r.keepDims);
      const m = tf.mean(x, axes.length ? axes : undefined, r.keepDims);
      return { values: [...y.dataSync(), ...m.dataSync()], shape: [...y.shape, -1, ...m.shape] };
    }),
  );
}

describe('useFastCpuKernels: broadcasting element-wise ops', () => {
  const before = cases.map(compute);
  const sumsBefore = sums();
  const mismatch = () => tf.add(tf.zeros([2, 3]), tf.zeros([4, 3]));
  const beforeError = (() => {
    try {
      mismatch();
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  })();
  useFastCpuKernels(tf);

  it('gives the same values as tfjs on 300 random broadcasting shape pairs (float32 and int32)', () => {
    const after = cases.map(compute);
    assert.ok(
      cases.some((c) => c.a.join() !== c.b.join() && c.dtype === 'float32'),
      'some cases broadcast',
    );
    cases.forEach((c, i) => assert.deepEqual(after[i], before[i], JSON.stringify(c)));
  });

  it('sums and means over any axes give the same values and shapes as tfjs (200 random cases)', () => {
    assert.ok(
      reductions.some((r) => r.axes.length > 0 && r.axes[r.axes.length - 1] !== r.shape.length - 1),
      'some sums need a transpose in tfjs',
    );
    assert.deepEqual(sums(), sumsBefore);
  });

  it('leaves shapes that do not broadcast to tfjs (the same error)', () => {
    assert.ok(beforeError.length > 0);
    assert.throws(mismatch, (e: Error) => e.message === beforeError);
  });

  it('is installed once', () => {
    const kernel = tf.getKernel('Add', 'cpu')?.kernelFunc;
    useFastCpuKernels(tf);
    assert.equal(tf.getKernel('Add', 'cpu')?.kernelFunc, kernel);
  });
});

describe('useFastCpuKernels: the conv2d kernel gradient', () => {
  it('gives the same kernel gradient as tfjs for strides, padding and kernel sizes', async () => {
    // Run in a child: this file's process has the fast kernels installed already.
    const { spawnSync } = await import('node:child_process');
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { useFastCpuKernels } from './src/tfjs/fast-kernels.ts';
      await tf.setBackend('cpu');
      const cases = [];
      for (const [k, s, pad, h, w] of [[1, 1, 'valid', 5, 4], [3, 1, 'same', 6, 5], [3, 2, 'same', 7, 6], [2, 2, 'valid', 6, 7], [5, 3, 'same', 9, 8]])
        cases.push({ k, s, pad, h, w });
      const grads = () => cases.map(({ k, s, pad, h, w }) => {
        const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 1);
        const kernel = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2);
        const dy = tf.randomNormal(tf.conv2d(x, kernel, s, pad).shape, 0, 1, 'float32', 3);
        const g = tf.grad((f) => tf.sum(tf.mul(tf.conv2d(x, f, s, pad), dy)))(kernel);
        return [...g.dataSync()];
      });
      const before = grads();
      useFastCpuKernels(tf);
      const after = grads();
      console.log(JSON.stringify({ same: JSON.stringify(before) === JSON.stringify(after), n: before.flat().length }));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { same: boolean; n: number };
    assert.ok(result.n > 100);
    assert.equal(result.same, true);
  });
});
