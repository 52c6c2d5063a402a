// Shared helpers of the stub runtime tests (not a test file itself).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { defineStubs, type MiniStubLayer, type StubSpec } from '../../stubs/index.js';

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

export { tf };
export const runtime = defineStubs(tf);

/** A spec with defaults for the fields a test does not care about. */
export function spec(fields: Partial<StubSpec> & Pick<StubSpec, 'template' | 'inputShapes' | 'outputShapes'>): StubSpec {
  return {
    name: `stub_${fields.template}`,
    outputDtypes: fields.outputShapes.map(() => 'float32'),
    activation: 'linear',
    mask: { supports: false, consumes: false, emits: 'none' },
    seed: 42,
    ...fields,
  };
}

/** Symbolic inputs for every input shape of the spec. */
export function symbolicInputs(s: StubSpec, dtype: 'float32' | 'int32' = 'float32'): tf.SymbolicTensor[] {
  return s.inputShapes.map((shape) => tf.input({ batchShape: shape, dtype }));
}

/** A model made of the stub alone (inputs straight into it). */
export function soloModel(s: StubSpec): { stub: MiniStubLayer; model: tf.LayersModel; outputs: tf.SymbolicTensor[] } {
  const stub = runtime.stub(s);
  const inputs = symbolicInputs(s);
  const out = stub.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
  const outputs = Array.isArray(out) ? out : [out];
  return { stub, model: tf.model({ inputs, outputs }), outputs };
}

/** Random concrete inputs: free dims from `free` (in order of appearance), batch `batch`. */
export function concreteInputs(s: StubSpec, batch: number, free: number[] = [], seed = 1): tf.Tensor[] {
  let f = 0;
  return s.inputShapes.map((shape, i) =>
    tf.randomNormal(
      shape.map((d, a) => (a === 0 ? batch : (d ?? free[f++] ?? 5))),
      0,
      1,
      'float32',
      seed + i,
    ),
  );
}

export function predictList(model: tf.LayersModel, inputs: tf.Tensor[]): tf.Tensor[] {
  const out = model.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

/** Asserts that every trainable weight of `layers` gets a non-zero gradient from `loss`. */
export function assertAllGradsNonZero(weights: tf.LayerVariable[], loss: () => tf.Scalar): void {
  assert.ok(weights.length > 0, 'the stub has trainable weights');
  const vars = weights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(loss, vars);
  value.dispose();
  for (const v of vars) {
    const g = grads[v.name];
    assert.ok(g, `a gradient reaches ${v.name}`);
    const size = tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!);
    assert.ok(size > 0, `the gradient of ${v.name} is non-zero`);
  }
  tf.dispose(Object.values(grads));
}

/** A loss that no activation makes constant (softmax sums to one): a fixed random weighting. */
export function weightedSum(outputs: tf.Tensor[]): tf.Scalar {
  return tf.addN(
    outputs.map((o, i) => tf.sum(tf.mul(tf.cast(o, 'float32'), tf.randomNormal(o.shape, 0, 1, 'float32', 99 + i)))),
  ) as tf.Scalar;
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(tf.cast(a, 'float32'), tf.cast(b, 'float32')))).dataSync()[0]!);
}

/** Milliseconds of the fastest of `runs` calls of `f`. */
export function fastest(runs: number, f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}
