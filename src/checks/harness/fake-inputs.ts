import fc from 'fast-check';
import type { LayersModel, Tensor, layers } from '@tensorflow/tfjs';
import type { InputHint, MiniSpec } from '../../model/hints.js';
import type { InputPlan, Sample, SampleSpace } from '../../model/sample.js';
import type { Shape } from '../../model/shape.js';
import type { GraphNode } from '../../model/graph.js';
import { firstConsumer } from '../../tfjs/graph.js';
import { declaredValid } from '../../tfjs/spatial.js';
import type { Tf } from '../../tfjs/tf-instance.js';

const MAX_BATCH = 3;
const MIN_LENGTH = 1;
const MAX_LENGTH = 12;

/**
 * The fake-data space of a composite, planned from the ORIGINAL model (what its inputs feed). Free
 * dimensions take lengths from `minLength` (the shortest the model accepts, see shortestLength) to
 * 11 more.
 */
export function sampleSpace(model: LayersModel, hints: MiniSpec | undefined, minLength = MIN_LENGTH): SampleSpace {
  const plans = model.inputs.map((input, index) => planInput(input.sourceLayer, input.shape, input.dtype, index, hints));
  const hasFreeDims = plans.some((p) => p.shape.slice(1).some((d) => d === null));
  const maxLength = minLength + MAX_LENGTH - MIN_LENGTH;
  const sequences = plans.filter((p) => p.sequence);
  const longest = Math.max(1, ...sequences.map((p) => p.shape[1] ?? maxLength));
  const sides = [...new Set(sequences.flatMap((p) => p.sequence?.sides ?? []))];
  const allowed = sides.length ? sides.filter((side) => sequences.every((p) => p.sequence?.sides.includes(side))) : ['post' as const];
  const arbitrary = fc.record({
    batch: fc.integer({ min: 1, max: MAX_BATCH }),
    length: hasFreeDims ? fc.integer({ min: minLength, max: maxLength }) : fc.constant(0),
    dataSeed: fc.integer({ min: 0, max: 0x7fffffff }),
    // Shrinks towards full sequences (no padding): a counterexample keeps only the padding it needs.
    real: sequences.length
      ? fc.array(
          fc.integer({ min: 1, max: longest }).map((n) => longest + 1 - n),
          { minLength: MAX_BATCH, maxLength: MAX_BATCH },
        )
      : fc.constant(new Array<number>(MAX_BATCH).fill(longest)),
    side: fc.constantFrom(...(allowed.length ? allowed : (['post'] as const))),
  });
  return { plans, hasFreeDims, minLength, arbitrary };
}

/** Longest free length tried when looking for the shortest one a model declares it accepts. */
const LONGEST_TRIED = 256;

/**
 * The shortest free length for which the model's declared shapes are all positive (a stack of
 * 'valid' or strided convs needs a few steps), by doubling then bisection; the first length when
 * none up to LONGEST_TRIED is (the checks then show what happens).
 */
export function shortestLength(model: LayersModel, nodes: readonly GraphNode[]): number {
  const accepts = (length: number): boolean => declaredValid(model, nodes, length);
  if (accepts(MIN_LENGTH)) return MIN_LENGTH;
  let rejected = MIN_LENGTH;
  let accepted = 0;
  for (let n = 2 * MIN_LENGTH; n <= LONGEST_TRIED; n *= 2) {
    if (accepts(n)) {
      accepted = n;
      break;
    }
    rejected = n;
  }
  if (!accepted) return MIN_LENGTH;
  while (accepted - rejected > 1) {
    const mid = Math.floor((accepted + rejected) / 2);
    if (accepts(mid)) accepted = mid;
    else rejected = mid;
  }
  return accepted;
}

/** Real steps of sample `i` of an input with `steps` steps (at least 1). */
export function realSteps(sample: Sample, i: number, steps: number): number {
  return Math.max(1, Math.min(steps, sample.real[i] ?? steps));
}

/** First real step of sample `i` (pre-padding puts the padding first). */
export function firstRealStep(sample: Sample, i: number, steps: number): number {
  return sample.side === 'pre' ? steps - realSteps(sample, i, steps) : 0;
}

function planInput(layer: layers.Layer, shape: Shape, dtype: string, index: number, hints: MiniSpec | undefined): InputPlan {
  const direct = firstConsumer(layer);
  const hint = hints?.inputs?.[layer.name] ?? hints?.inputs?.[String(index)] ?? (direct ? hints?.inputs?.[direct.name] : undefined);
  // What reads the data first, inside a nested model too (a text encoder's Embedding).
  const consumer = direct ? innermost(direct) : undefined;
  const base = {
    name: layer.name,
    shape,
    dtype: (dtype === 'int32' ? 'int32' : 'float32') as 'float32' | 'int32',
    causal: hint?.causal === true,
  };
  const sequence = planSequence(consumer, shape, hint, consumer === direct ? undefined : direct?.name);
  const withSequence = <T extends object>(plan: T): T => (sequence ? { ...plan, sequence } : plan);
  if (hint?.int) return withSequence({ ...base, values: { kind: 'int', lo: hint.int[0], hi: hint.int[1] }, origin: 'hint' });
  if (hint?.range) return withSequence({ ...base, values: { kind: 'float', lo: hint.range[0], hi: hint.range[1] }, origin: 'hint' });
  if (consumer?.getClassName() === 'Embedding') {
    const inputDim = (consumer.getConfig() as { inputDim?: number }).inputDim ?? 2;
    return withSequence({ ...base, values: { kind: 'int', lo: 0, hi: inputDim }, origin: `feeds Embedding '${consumer.name}'` });
  }
  if (base.dtype === 'int32') return withSequence({ ...base, values: { kind: 'int', lo: 0, hi: 10 }, origin: 'int32 input' });
  return withSequence({ ...base, values: { kind: 'float', lo: 0, hi: 1 }, origin: 'default' });
}

/** A sequence input gets padding when a hint gives `pad`, or it feeds Masking or an Embedding with maskZero. */
function planSequence(
  consumer: layers.Layer | undefined,
  shape: Shape,
  hint: InputHint | undefined,
  inside: string | undefined,
): InputPlan['sequence'] {
  if (shape.length < 2) return undefined;
  const sides: ('post' | 'pre')[] = hint?.padding === 'post' ? ['post'] : hint?.padding === 'pre' ? ['pre'] : ['post', 'pre'];
  // A maker inside a nested model is out of the checks' sight: the padding is known, its mask is not.
  const made = (maker: string) => (inside ? { inside } : { maker });
  const where = inside ? ` inside '${inside}'` : '';
  const config = (consumer?.getConfig() ?? {}) as { maskZero?: boolean };
  const embedding = consumer?.getClassName() === 'Embedding' && config.maskZero ? consumer : undefined;
  const masking = !embedding && shape.length >= 3 && consumer ? maskingDownstream(consumer) : undefined;
  if (hint?.pad !== undefined) return { pad: hint.pad, sides, origin: 'hint', ...(inside && (embedding || masking) ? { inside } : {}) };
  if (embedding) return { pad: 0, sides, origin: `feeds Embedding '${embedding.name}' (maskZero)${where}`, ...made(embedding.name) };
  if (masking) {
    const maskValue = (masking.getConfig() as { maskValue?: number }).maskValue ?? 0;
    return { pad: maskValue, sides, origin: `feeds Masking '${masking.name}'${where}`, ...made(masking.name) };
  }
  return undefined;
}

/** A Masking layer the input reaches through a short chain of single-input layers (the data is padded for it). */
function maskingDownstream(layer: layers.Layer, depth = 0): layers.Layer | undefined {
  if (layer.getClassName() === 'Masking') return layer;
  if (depth >= 4) return undefined;
  const next = firstConsumer(layer);
  const inbound = (next as unknown as { inboundNodes?: { inboundLayers: unknown[] }[] } | undefined)?.inboundNodes?.[0]?.inboundLayers
    .length;
  return next && inbound === 1 ? maskingDownstream(next, depth + 1) : undefined;
}

/** A nested model of one input stands for the first layer that reads that input inside it. */
function innermost(layer: layers.Layer, depth = 0): layers.Layer {
  const nested = layer as Partial<LayersModel>;
  if (!nested.inputs || nested.inputs.length !== 1 || depth > 4) return layer;
  const inner = nested.inputs[0]?.sourceLayer as layers.Layer | undefined;
  const first = inner ? firstConsumer(inner) : undefined;
  return first ? innermost(first, depth + 1) : layer;
}

/** The concrete shape of an input for a sample: batch first, every free dimension set to the sample's length. */
export function concreteShape(shape: Shape, sample: Sample): number[] {
  return shape.map((d, axis) => (axis === 0 ? sample.batch : (d ?? sample.length)));
}

/**
 * Fake input tensors for a sample, reproducible from its data seed: each input is a window of a
 * fixed pool of uniform noise, taken at an offset derived from the seed (generating fresh noise for a
 * 224x224x3 image batch costs more than the twin's forward pass).
 */
export function makeInputs(tf: Tf, plans: InputPlan[], sample: Sample): Tensor[] {
  return plans.map((_, i) => makeInput(tf, plans, sample, i));
}

/**
 * The values of the last inputs made, by plan and sample: the checks ask for the same sample's
 * inputs again and again (the pass cache spares the pass, not the data), and filling a batch of
 * 224x224x3 images costs milliseconds. Bounded by bytes, oldest out first: enough for every sample
 * of a run's budgets at the tracker's size (a watch session's next run asks for the same ones).
 */
const made = new Map<string, { plan: string; values: Float32Array | Int32Array }>();
const MADE_BYTES = 32 * 1024 * 1024;
let madeBytes = 0;

/** A plan by its contents: a watch session's next run plans the same inputs as new objects. */
const planTexts = new WeakMap<InputPlan, string>();
function planText(plan: InputPlan): string {
  let text = planTexts.get(plan);
  if (text === undefined) {
    text = JSON.stringify(plan);
    planTexts.set(plan, text);
  }
  return text;
}

/** Input `i` of makeInputs alone (the same values), for a check that changes one input at a time. */
export function makeInput(tf: Tf, plans: InputPlan[], sample: Sample, i: number): Tensor {
  const plan = plans[i] as InputPlan;
  const shape = concreteShape(plan.shape, sample);
  const dtype = plan.dtype === 'int32' ? 'int32' : 'float32';
  const key = `${i}|${shape.join(',')}|${sample.dataSeed}|${sample.side}|${sample.real.join(',')}`;
  const hit = made.get(key);
  // A copy: a user's layer may write into what dataSync gives it, which on cpu is the tensor's own array.
  if (hit && hit.plan === planText(plan)) return tf.tensor(hit.values.slice(), shape, dtype);
  const values = fill(plan, shape, sample, i);
  if (hit) madeBytes -= hit.values.byteLength;
  made.delete(key);
  made.set(key, { plan: planText(plan), values });
  madeBytes += values.byteLength;
  for (const [oldest, entry] of made) {
    if (madeBytes <= MADE_BYTES || oldest === key) break;
    made.delete(oldest);
    madeBytes -= entry.values.byteLength;
  }
  return tf.tensor(values.slice(), shape, dtype);
}

function fill(plan: InputPlan, shape: number[], sample: Sample, i: number): Float32Array | Int32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const noise = window(size, mix(sample.dataSeed, i));
  const { lo, hi } = plan.values;
  const padded = plan.sequence !== undefined && hasPadding(sample, shape);
  if (plan.values.kind === 'int') {
    const ints = new Int32Array(size);
    const pad = plan.sequence?.pad;
    for (let j = 0; j < size; j++) {
      let v = Math.min(hi - 1, lo + Math.floor((noise[j] ?? 0) * (hi - lo)));
      // Real steps never hold the padding value, or they would read as padding.
      if (v === pad) v = v + 1 < hi ? v + 1 : lo === pad ? lo + 1 : lo;
      ints[j] = v;
    }
    if (padded && plan.sequence) fillPadding(ints, shape, sample, plan.sequence.pad);
    return plan.dtype === 'int32' ? ints : Float32Array.from(ints);
  }
  const values = structured(noise, shape[0] ?? 1, shape[shape.length - 1] ?? 1, lo, hi, mix(sample.dataSeed, i + 101));
  if (padded && plan.sequence) fillPadding(values, shape, sample, plan.sequence.pad);
  return values;
}

/**
 * Float values in [lo, hi] with structure per sample, as real data has: each sample its own level,
 * contrast, a slow ramp across its values and an offset per channel (last axis: colour casts,
 * feature means), over the pool's noise; clipped to the range, so the
 * range's edges themselves occur. (I.i.d. noise alone gives every sample the same mean to three
 * decimals: after global pooling every fake sample would look alike.)
 */
function structured(noise: Float32Array, batch: number, channels: number, lo: number, hi: number, seed: number): Float32Array {
  const values = new Float32Array(noise.length);
  const per = noise.length / batch;
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return ((state ^ (state >>> 13)) >>> 0) / 4294967296;
  };
  for (let b = 0; b < batch; b++) {
    const level = 0.15 + 0.7 * next();
    const contrast = 0.3 + 0.9 * next();
    const ramp = (next() - 0.5) * 0.6;
    const cast = Float64Array.from({ length: Math.min(channels, per) }, () => (next() - 0.5) * 0.4);
    const offset = b * per;
    const casts = cast.length;
    // The channel by a wrapping counter, not k % casts: this loop fills every fake image.
    for (let k = 0, c = 0; k < per; k++, c = c + 1 === casts ? 0 : c + 1) {
      const v = level + (cast[c] as number) + contrast * ((noise[offset + k] as number) - 0.5) + ramp * (k / per - 0.5);
      values[offset + k] = lo + (v < 0 ? 0 : v > 1 ? 1 : v) * (hi - lo);
    }
  }
  return values;
}

/**
 * Other integer values for an input, each one different from the value it replaces (never the same
 * class or id drawn again) and never the padding value; padded steps stay padding.
 */
export function otherIds(tf: Tf, plan: InputPlan, input: Tensor, seed: number): Tensor {
  const { lo, hi } = plan.values;
  const range = hi - lo;
  const pad = plan.sequence?.pad;
  const before = input.dataSync();
  const after = new Int32Array(before.length);
  const noise = window(before.length, seed);
  for (let k = 0; k < before.length; k++) {
    const v = before[k] as number;
    if (v === pad || range < 2) {
      after[k] = v;
      continue;
    }
    let w = lo + ((v - lo + 1 + Math.floor((noise[k] ?? 0) * (range - 1))) % range);
    if (w === pad) w = lo + ((w - lo + 1) % range);
    after[k] = w === v ? lo + ((v - lo + 1) % range) : w;
  }
  return plan.dtype === 'int32' ? tf.tensor(after, input.shape, 'int32') : tf.tensor(Float32Array.from(after), input.shape, 'float32');
}

/** Whether any sample of the batch has fewer real steps than the sequence holds. */
function hasPadding(sample: Sample, shape: number[]): boolean {
  const steps = shape[1] ?? 1;
  for (let i = 0; i < sample.batch; i++) if (realSteps(sample, i, steps) < steps) return true;
  return false;
}

/** Writes `pad` into every padded step (axis 1) of every sample. */
function fillPadding(values: Float32Array | Int32Array, shape: number[], sample: Sample, pad: number): void {
  const steps = shape[1] ?? 1;
  const stepSize = shape.slice(2).reduce((a, b) => a * b, 1);
  for (let i = 0; i < sample.batch; i++) {
    const first = firstRealStep(sample, i, steps);
    const last = first + realSteps(sample, i, steps);
    for (let t = 0; t < steps; t++) {
      if (t >= first && t < last) continue;
      values.fill(pad, (i * steps + t) * stepSize, (i * steps + t + 1) * stepSize);
    }
  }
}

/** Per sample and step of a sequence input: true where the step is real (not padding). */
export function realMask(sample: Sample, steps: number): boolean[][] {
  return Array.from({ length: sample.batch }, (_, i) => {
    const first = firstRealStep(sample, i, steps);
    const last = first + realSteps(sample, i, steps);
    return Array.from({ length: steps }, (_, t) => t >= first && t < last);
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

/** A sample as a finding's counterexample: only what matters for this composite. */
export function describeSample(space: SampleSpace, sample: Sample): Record<string, unknown> {
  const out: Record<string, unknown> = { batch: sample.batch };
  if (space.hasFreeDims) out['length'] = sample.length;
  const sequence = space.plans.find((p) => p.sequence);
  if (sequence) {
    const steps = sequence.shape[1] ?? sample.length;
    out['realSteps'] = Array.from({ length: sample.batch }, (_, i) => realSteps(sample, i, steps));
    out['padding'] = sample.side;
  }
  out['dataSeed'] = sample.dataSeed;
  return out;
}
