// Ground truth from the real model, never from the twin: the composite built with its real
// initialisers (Orthogonal by Gram-Schmidt: same distribution, a fraction of a second) and the
// operator's effect measured with plain tfjs on data that looks like real data.
import type { LayersModel, Scalar, SymbolicTensor, Tensor, Tensor1D, Variable, io } from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { withRealInitializers } from '../../src/tfjs/real-init.js';
import type { Tf } from '../../src/tfjs/tf-instance.js';
import type { OracleCase, OracleInput, Operator } from './case.js';

export interface Verdict {
  /** The real model shows the bug's effect. */
  shown: boolean;
  /** How much (the largest difference, the loss ratio, the dead share, ...). */
  effect: number;
  /** The truth could not be measured for this case (an operator without a test for its inputs). */
  unmeasurable?: string;
  /** The real model threw while the effect was measured (the message). */
  thrown?: string;
}

/** The real composite: the module's default export run with real initialisers. */
export async function buildReal(tf: Tf, file: string, seed: number): Promise<LayersModel> {
  const mod = (await tsImport(`${pathToFileURL(file).href}?real`, import.meta.url)) as {
    default: () => LayersModel | Promise<LayersModel>;
  };
  return withRealInitializers(tf, () => mod.default(), seed);
}

/** A small, seeded generator of real-looking data. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return ((s ^ (s >>> 13)) >>> 0) / 4294967296;
  };
}

interface Draw {
  /** The length of free axes. */
  length: number;
  /** Real steps of each sample (padded inputs); the rest is padding on `side`. */
  real?: number[];
  side?: 'post' | 'pre';
  /** Exact zeros in float inputs (black pixels, empty features). */
  zeros?: boolean;
}

/** Real-looking values for one input: per-sample level and contrast with smooth structure (floats), real ids with padding (ids). */
function realValues(tf: Tf, input: OracleInput, batch: number, draw: Draw, seed: number): Tensor {
  const shape = [batch, ...input.shape.map((d) => d ?? draw.length)];
  const size = shape.reduce((a, b) => a * b, 1);
  const perSample = size / batch;
  const random = rng(seed);
  if (input.kind === 'ids') {
    const values = new Int32Array(size);
    const vocab = input.vocab ?? 10;
    const steps = shape[1] ?? 1;
    for (let b = 0; b < batch; b++) {
      const real = Math.min(steps, draw.real?.[b] ?? steps);
      const first = draw.side === 'pre' ? steps - real : 0;
      for (let t = 0; t < steps; t++) {
        const padded = input.pad && (t < first || t >= first + real);
        values[b * steps + t] = padded ? input.pad!.value : 1 + Math.floor(random() * (vocab - 1));
      }
    }
    return tf.tensor(values, shape, 'int32');
  }
  const [lo, hi] = input.range ?? [0, 1];
  const values = new Float32Array(size);
  for (let b = 0; b < batch; b++) {
    const level = random();
    const contrast = 0.2 + 0.8 * random();
    const phase = random() * 6.28;
    for (let k = 0; k < perSample; k++) {
      const smooth = 0.5 + 0.5 * Math.sin(phase + (k / perSample) * 12.566);
      let v = level * (1 - contrast) + contrast * (0.7 * smooth + 0.3 * random());
      if (draw.zeros && random() < 0.1) v = 0;
      values[b * perSample + k] = lo + Math.min(1, Math.max(0, v)) * (hi - lo);
    }
    // Padded steps hold the pad value in every feature.
    if (input.pad && shape.length >= 3) {
      const steps = shape[1] ?? 1;
      const stepSize = perSample / steps;
      const real = Math.min(steps, draw.real?.[b] ?? steps);
      const first = draw.side === 'pre' ? steps - real : 0;
      for (let t = 0; t < steps; t++) {
        if (t >= first && t < first + real) continue;
        values.fill(input.pad.value, b * perSample + t * stepSize, b * perSample + (t + 1) * stepSize);
      }
    }
  }
  return tf.tensor(values, shape, 'float32');
}

function inputsFor(tf: Tf, c: OracleCase, batch: number, draw: Draw, seed: number): Tensor[] {
  return c.inputs.map((input, i) => realValues(tf, input, batch, draw, seed * 31 + i));
}

function outputsOf(model: LayersModel, inputs: Tensor[]): Float32Array[] {
  const out = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  for (const t of list) t.dispose();
  return values;
}

function largestDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i];
    if (!y || y.length !== x.length) worst = Infinity;
    else for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs((x[k] as number) - (y[k] as number)));
  });
  return worst;
}

/**
 * The real model saved as model.save writes it (to memory) and loaded as tf.loadLayersModel loads
 * it: its predictions on real data must be the same; a load or a prediction that throws shows it.
 */
async function reloaded(tf: Tf, model: LayersModel, c: OracleCase, seed: number): Promise<Verdict> {
  let artifacts: io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  let copy: LayersModel;
  try {
    copy = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  } catch (e) {
    return { shown: true, effect: Infinity, thrown: (e as Error).message };
  }
  tf.engine().startScope();
  try {
    const x = inputsFor(tf, c, 2, { length: 12 }, seed);
    const worst = largestDifference(outputsOf(model, x), outputsOf(copy, x));
    return { shown: worst > VISIBLE, effect: worst };
  } catch (e) {
    return { shown: true, effect: Infinity, thrown: (e as Error).message };
  } finally {
    tf.engine().endScope();
    copy.dispose();
  }
}

/** The real model on the WebAssembly backend against the CPU one, on real data: a throw or other outputs show it. */
async function onWasm(tf: Tf, model: LayersModel, c: OracleCase, seed: number): Promise<Verdict> {
  createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm');
  const current = tf.getBackend();
  await tf.setBackend('wasm');
  await tf.setBackend(current);
  tf.engine().startScope();
  try {
    const x = inputsFor(tf, c, 2, { length: 12 }, seed);
    const reference = outputsOf(model, x);
    await tf.setBackend('wasm');
    let other: Float32Array[];
    try {
      other = outputsOf(model, x);
    } catch (e) {
      return { shown: true, effect: Infinity, thrown: (e as Error).message };
    } finally {
      await tf.setBackend(current);
    }
    const worst = largestDifference(reference, other);
    return { shown: worst > VISIBLE, effect: worst };
  } finally {
    tf.engine().endScope();
  }
}

/** Above float noise: what the real model's outputs must move by for an effect to count. */
const VISIBLE = 1e-4;

/** Measures the operator's effect on the real model. */
export async function confirm(tf: Tf, model: LayersModel, c: OracleCase, op: Operator, seed: number): Promise<Verdict> {
  if (op.truth === 'reload') return reloaded(tf, model, c, seed);
  if (op.truth === 'backend') return onWasm(tf, model, c, seed);
  tf.engine().startScope();
  try {
    return measure(tf, model, c, op, seed);
  } catch (e) {
    // The real model throws on real data: the bug shows as plainly as it can.
    return { shown: true, effect: Infinity, thrown: (e as Error).message };
  } finally {
    tf.engine().endScope();
  }
}

function measure(tf: Tf, model: LayersModel, c: OracleCase, op: Operator, seed: number): Verdict {
  const length = 12;
  switch (op.truth) {
    case 'padding': {
      const input = c.inputs.find((i) => i.pad);
      if (!input) return { shown: false, effect: 0, unmeasurable: 'no padded input' };
      const free = input.shape[0] === null;
      const steps = input.shape[0] ?? 16;
      const real = [3, Math.max(2, Math.floor(steps / 2) - 1), 4];
      let worst = 0;
      if (free) {
        // The same content padded to two lengths, on each side the data may be padded.
        for (const side of input.pad!.sides) {
          const a = inputsFor(tf, c, 3, { length: 10, real, side }, seed);
          const b = inputsFor(tf, c, 3, { length: 16, real, side }, seed);
          worst = Math.max(worst, largestDifference(outputsOf(model, a), outputsOf(model, b)));
        }
      } else if (input.pad!.sides.length === 2) {
        // Fixed length: the same content padded after it and before it.
        const a = inputsFor(tf, c, 3, { length, real, side: 'post' }, seed);
        const b = inputsFor(tf, c, 3, { length, real, side: 'pre' }, seed);
        worst = largestDifference(outputsOf(model, a), outputsOf(model, b));
      } else {
        // Fixed length, one side: the same content always has the same padding. What may not
        // matter then is what the padded steps hold once the padding is recognised: the layer that
        // reads the input first (an Embedding, a Masking layer) is made to output other values at
        // padded steps, its mask untouched.
        const readers = padReaders(model, input.name);
        if (!readers.length)
          return { shown: false, effect: 0, unmeasurable: 'a fixed length padded on one side, and no Embedding or Masking reads it' };
        const x = inputsFor(tf, c, 3, { length, real, side: input.pad!.sides[0] ?? 'post' }, seed);
        const before = outputsOf(model, x);
        const restore = readers.map((layer) => perturbPadded(tf, layer, input.pad!.value));
        try {
          worst = largestDifference(before, outputsOf(model, x));
        } finally {
          for (const undo of restore) undo();
        }
      }
      return { shown: worst > VISIBLE, effect: worst };
    }
    case 'batch': {
      const x = inputsFor(tf, c, 3, { length }, seed);
      const together = outputsOf(model, x);
      let worst = 0;
      for (let i = 0; i < 3; i++) {
        const alone = outputsOf(
          model,
          x.map((t) => tf.slice(t, i, 1)),
        );
        const rows = together.map((v) => v.subarray((i * v.length) / 3, ((i + 1) * v.length) / 3));
        worst = Math.max(worst, largestDifference(rows, alone));
      }
      return { shown: worst > VISIBLE, effect: worst };
    }
    case 'determinism': {
      const x = inputsFor(tf, c, 2, { length }, seed);
      const worst = largestDifference(outputsOf(model, x), outputsOf(model, x));
      return { shown: worst > 0, effect: worst };
    }
    case 'nothing-trainable':
      return { shown: model.trainableWeights.length === 0, effect: model.trainableWeights.length };
    case 'gradient': {
      const x = inputsFor(tf, c, 2, { length }, seed);
      const vars = model.trainableWeights.map((w) => w.read() as Variable);
      const { grads } = tf.variableGrads(() => {
        const out = model.apply(x.length === 1 ? x[0]! : x, { training: true }) as Tensor | Tensor[];
        const outs = Array.isArray(out) ? out : [out];
        return tf.addN(outs.map((y) => tf.mean(tf.square(tf.sub(y, tf.randomUniform(y.shape, 0, 1, 'float32', seed)))))) as Scalar;
      }, vars);
      const dead = vars.filter((v) => !grads[v.name] || (tf.max(tf.abs(grads[v.name]!)).dataSync()[0] ?? 0) === 0).length;
      return { shown: dead > 0, effect: dead };
    }
    case 'output-activation': {
      const x = inputsFor(tf, c, 8, { length }, seed);
      const [out] = outputsOf(model, x);
      if (!out) return { shown: false, effect: 0 };
      const units = out.length / 8;
      let worst = 0;
      if (c.bug === 'softmax-one-unit') {
        // Constant: every value is the same.
        for (const v of out) worst = Math.max(worst, Math.abs(v - (out[0] as number)));
        return { shown: worst === 0, effect: out[0] as number };
      }
      if (c.bug === 'sigmoid-categorical') {
        for (let b = 0; b < 8; b++)
          worst = Math.max(worst, Math.abs(out.subarray(b * units, (b + 1) * units).reduce((s, v) => s + v, 0) - 1));
        return { shown: worst > 0.05, effect: worst };
      }
      // Logits: values outside [0, 1] reach a loss that takes them as probabilities.
      for (const v of out) worst = Math.max(worst, v < 0 ? -v : v > 1 ? v - 1 : 0);
      return { shown: worst > 0, effect: worst };
    }
    case 'initial-loss': {
      const x = inputsFor(tf, c, 16, { length }, seed);
      const out = model.predict(x.length === 1 ? x[0]! : x) as Tensor;
      const classes = out.shape[out.rank - 1] ?? 1;
      const binary = classes === 1;
      const target = binary
        ? tf.round(tf.randomUniform(out.shape, 0, 1, 'float32', seed))
        : tf.oneHot(tf.randomUniform([out.shape[0] ?? 1], 0, classes, 'int32', seed) as Tensor1D, classes).toFloat();
      const loss =
        (binary ? tf.metrics.binaryCrossentropy(target, out) : tf.metrics.categoricalCrossentropy(target, out)).mean().dataSync()[0] ?? NaN;
      const chance = binary ? Math.log(2) : Math.log(classes);
      const ratio = loss / chance;
      return { shown: !Number.isFinite(ratio) || ratio >= 2, effect: ratio };
    }
    case 'dead-units': {
      if (!c.culprit) return { shown: false, effect: 0, unmeasurable: 'no culprit layer' };
      const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(c.culprit).output as SymbolicTensor });
      const x = inputsFor(tf, c, 32, { length }, seed);
      const [acts] = outputsOf(probe, x);
      if (!acts) return { shown: false, effect: 0 };
      const units = acts.length / 32;
      let dead = 0;
      for (let u = 0; u < units; u++) {
        let alive = false;
        for (let b = 0; b < 32 && !alive; b++) alive = (acts[b * units + u] as number) !== 0;
        if (!alive) dead++;
      }
      return { shown: dead / units >= 0.5, effect: dead / units };
    }
    case 'input-irrelevant': {
      const index = c.inputs.findIndex((i) => i.name === c.culprit);
      if (index < 0) return { shown: false, effect: 0, unmeasurable: 'no culprit input' };
      const x = inputsFor(tf, c, 3, { length }, seed);
      const other = inputsFor(tf, c, 3, { length }, seed + 101);
      const moved = x.map((t, i) => (i === index ? (other[i] as Tensor) : t));
      const worst = largestDifference(outputsOf(model, x), outputsOf(model, moved));
      return { shown: worst === 0, effect: worst };
    }
    case 'future': {
      const index = c.inputs.findIndex((i) => i.causal);
      if (index < 0) return { shown: false, effect: 0, unmeasurable: 'no causal input' };
      const x = inputsFor(tf, c, 2, { length }, seed);
      const y = inputsFor(tf, c, 2, { length }, seed + 7);
      const steps = x[index]?.shape[1] ?? 2;
      const t = Math.floor(steps / 2);
      const future = tf.concat([tf.slice(x[index]!, [0, 0], [-1, t + 1]), tf.slice(y[index]!, [0, t + 1], [-1, -1])], 1);
      const a = outputsOf(model, x);
      const b = outputsOf(
        model,
        x.map((v, i) => (i === index ? future : v)),
      );
      const [outA] = a;
      const [outB] = b;
      if (!outA || !outB) return { shown: false, effect: 0 };
      const inner = outA.length / (2 * steps);
      let worst = 0;
      for (let s = 0; s < 2; s++) {
        for (let k = 0; k < (t + 1) * inner; k++) {
          const at = s * steps * inner + k;
          worst = Math.max(worst, Math.abs((outA[at] as number) - (outB[at] as number)));
        }
      }
      return { shown: worst > VISIBLE, effect: worst };
    }
    case 'non-finite': {
      const x = inputsFor(tf, c, 4, { length, zeros: true }, seed);
      const outs = outputsOf(model, x);
      const bad = outs.reduce((n, v) => n + v.filter((e) => !Number.isFinite(e)).length, 0);
      return { shown: bad > 0, effect: bad };
    }
    case 'reload':
    case 'backend':
      // Measured by confirm itself (asynchronous: a save and a load, a backend switch).
      return { shown: false, effect: 0, unmeasurable: 'measured asynchronously' };
  }
}

type Layer = LayersModel['layers'][number];

/** The Embedding or Masking layers that read input `name` first (inside a nested model too). */
function padReaders(model: LayersModel, name: string): Layer[] {
  const readers: Layer[] = [];
  const reads = (layer: Layer): boolean =>
    (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes.some((n) =>
      n.inboundLayers.some((l) => l.name === name),
    );
  const firstOf = (layer: Layer): Layer | undefined => {
    const inner = (layer as Partial<LayersModel>).layers;
    if (!inner) return layer;
    const first = inner.find((l) => l.getClassName() !== 'InputLayer');
    return first ? firstOf(first) : undefined;
  };
  for (const layer of model.layers) {
    if (!reads(layer)) continue;
    const first = firstOf(layer);
    if (first && /^(Embedding|Masking)$/.test(first.getClassName())) readers.push(first);
  }
  return readers;
}

/** Makes `layer` output other values at padded steps (its mask, computed from its input, unchanged); returns the undo. */
function perturbPadded(tf: Tf, layer: Layer, pad: number): () => void {
  const target = layer as unknown as { call: (inputs: Tensor | Tensor[], kwargs: object) => Tensor };
  const original = target.call;
  target.call = function (this: unknown, inputs: Tensor | Tensor[], kwargs: object): Tensor {
    const out = original.call(this, inputs, kwargs);
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor;
    return tf.tidy(() => {
      // Padded: the id is the pad (Embedding), or every feature is (Masking).
      const padded = x.rank === out.rank - 1 ? tf.equal(x, pad) : tf.all(tf.equal(x, pad), -1);
      const noise = tf.randomUniform(out.shape, 0.5, 1.5, 'float32', 97);
      return tf.add(out, tf.mul(noise, tf.expandDims(tf.cast(padded, 'float32'), -1)));
    });
  };
  return () => {
    target.call = original;
  };
}
