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
    seed: fc.integer({ min: 0, max: 1000 }),
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

describe('useFastCpuKernels: broadcasting element-wise ops', () => {
  const before = cases.map(compute);
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
