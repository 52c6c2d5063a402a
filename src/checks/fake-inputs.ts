import fc from 'fast-check';
import type { LayersModel, Tensor, layers } from '@tensorflow/tfjs';
import type { Shape } from '../model/shape.js';
import type { Tf } from '../pipeline/tf-instance.js';

/** The user's optional hints (`export const mini: MiniSpec`), keyed by input name, position or first consumer. */
export interface InputHint {
  int?: [number, number];
  range?: [number, number];
  pad?: number;
  padding?: 'post' | 'pre' | 'both';
  causal?: boolean;
}
export interface MiniSpec {
  inputs?: Record<string, InputHint>;
}

/** How fake values for one model input are drawn. */
export interface InputPlan {
  name: string;
  shape: Shape;
  dtype: 'float32' | 'int32';
  values: { kind: 'int'; lo: number; hi: number } | { kind: 'float'; lo: number; hi: number };
  /** Where the values came from: a hint, an Embedding it feeds, or the default. */
  origin: string;
}

/** One generated case: a batch size, one length for the free dimensions, and a data seed. */
export interface Sample {
  batch: number;
  length: number;
  dataSeed: number;
}

export interface SampleSpace {
  plans: InputPlan[];
  hasFreeDims: boolean;
  arbitrary: fc.Arbitrary<Sample>;
}

export const MAX_BATCH = 3;
export const MIN_LENGTH = 1;
export const MAX_LENGTH = 12;

export function sampleSpace(model: LayersModel, hints: MiniSpec | undefined): SampleSpace {
  const plans = model.inputs.map((input, index) => planInput(input.sourceLayer, input.shape, input.dtype, index, hints));
  const hasFreeDims = plans.some((p) => p.shape.slice(1).some((d) => d === null));
  const arbitrary = fc.record({
    batch: fc.integer({ min: 1, max: MAX_BATCH }),
    length: hasFreeDims ? fc.integer({ min: MIN_LENGTH, max: MAX_LENGTH }) : fc.constant(0),
    dataSeed: fc.integer({ min: 0, max: 0x7fffffff }),
  });
  return { plans, hasFreeDims, arbitrary };
}

function planInput(layer: layers.Layer, shape: Shape, dtype: string, index: number, hints: MiniSpec | undefined): InputPlan {
  const consumer = firstConsumer(layer);
  const hint = hints?.inputs?.[layer.name] ?? hints?.inputs?.[String(index)] ?? (consumer ? hints?.inputs?.[consumer.name] : undefined);
  const base = { name: layer.name, shape, dtype: (dtype === 'int32' ? 'int32' : 'float32') as 'float32' | 'int32' };
  if (hint?.int) return { ...base, values: { kind: 'int', lo: hint.int[0], hi: hint.int[1] }, origin: 'hint' };
  if (hint?.range) return { ...base, values: { kind: 'float', lo: hint.range[0], hi: hint.range[1] }, origin: 'hint' };
  if (consumer?.getClassName() === 'Embedding') {
    const inputDim = (consumer.getConfig() as { inputDim?: number }).inputDim ?? 2;
    return { ...base, values: { kind: 'int', lo: 0, hi: inputDim }, origin: `feeds Embedding '${consumer.name}'` };
  }
  if (base.dtype === 'int32') return { ...base, values: { kind: 'int', lo: 0, hi: 10 }, origin: 'int32 input' };
  return { ...base, values: { kind: 'float', lo: 0, hi: 1 }, origin: 'default' };
}

function firstConsumer(layer: layers.Layer): layers.Layer | undefined {
  const outbound = (layer as unknown as { outboundNodes: { outboundLayer: layers.Layer }[] }).outboundNodes;
  return outbound[0]?.outboundLayer;
}

/** The concrete shape of an input for a sample: batch first, every free dimension set to the sample's length. */
export function concreteShape(shape: Shape, sample: Sample): number[] {
  return shape.map((d, axis) => (axis === 0 ? sample.batch : d ?? sample.length));
}

/**
 * Fake input tensors for a sample, reproducible from its data seed: each input is a window of a
 * fixed pool of uniform noise, taken at an offset derived from the seed (generating fresh noise for a
 * 224x224x3 image batch costs more than the twin's forward pass).
 */
export function makeInputs(tf: Tf, plans: InputPlan[], sample: Sample): Tensor[] {
  return plans.map((plan, i) => {
    const shape = concreteShape(plan.shape, sample);
    const size = shape.reduce((a, b) => a * b, 1);
    const noise = window(size, mix(sample.dataSeed, i));
    const { lo, hi } = plan.values;
    if (plan.values.kind === 'int') {
      const ints = new Int32Array(size);
      for (let j = 0; j < size; j++) ints[j] = Math.min(hi - 1, lo + Math.floor((noise[j] ?? 0) * (hi - lo)));
      return plan.dtype === 'int32' ? tf.tensor(ints, shape, 'int32') : tf.tensor(Float32Array.from(ints), shape, 'float32');
    }
    if (lo === 0 && hi === 1 && plan.dtype === 'float32') {
      // A read-only view of the pool: nothing writes into an input tensor.
      return tf.tensor(noise, shape, 'float32');
    }
    const values = new Float32Array(size);
    for (let j = 0; j < size; j++) values[j] = lo + (noise[j] ?? 0) * (hi - lo);
    return tf.tensor(values, shape, plan.dtype === 'int32' ? 'int32' : 'float32');
  });
}

const POOL_SIZE = 1 << 20;
let pool: Float32Array | null = null;

/** `size` values in [0, 1) from the shared noise pool, starting at an offset chosen by `seed`. */
function window(size: number, seed: number): Float32Array {
  if (!pool) {
    pool = new Float32Array(POOL_SIZE);
    let state = 0x2545f491;
    for (let j = 0; j < POOL_SIZE; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      pool[j] = (state >>> 8) / 16777216;
    }
  }
  if (size <= POOL_SIZE) {
    const offset = seed % (POOL_SIZE - size + 1);
    return pool.subarray(offset, offset + size);
  }
  const out = new Float32Array(size);
  for (let j = 0; j < size; j += POOL_SIZE) out.set(pool.subarray(0, Math.min(POOL_SIZE, size - j)), j);
  return out;
}

function mix(seed: number, index: number): number {
  let z = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  return (z ^ (z >>> 13)) >>> 0;
}
