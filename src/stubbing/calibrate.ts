import type { LayersModel, SymbolicTensor, Tensor, layers } from '@tensorflow/tfjs';
import { defineStubs } from '../../stubs/index.js';
import type { ProbeResult } from '../model/probe.js';
import { drawSeededWeights } from '../tfjs/seeded-weights.js';
import type { Tf } from '../tfjs/tf-instance.js';
import { layerCost } from './cost.js';
import { componentSeed, toStubSpec } from './stub-spec.js';

type Layer = layers.Layer;

/** Per stub (its name, `outer/inner` inside a layered component), a factor per output on its pre-activation. */
export type Gains = Map<string, number[]>;

export interface Calibration {
  gains: Gains;
  /** What was done, for the twin's notes. */
  note: string;
}

/**
 * Multiply-adds of the real model's forward pass over the calibration batch above which it is not
 * run: a few hundred milliseconds of tfjs's CPU kernels.
 */
const CALIBRATION_MACS = 2 ** 29;
/**
 * How much slower tfjs's CPU runs a recurrent layer's multiply-adds than a convolution's: step by
 * step, in small matrix products (a GRU(256) over 77 steps of 4 samples, 70 M multiply-adds, took
 * 6 to 12 s here).
 */
const RECURRENT_SLOWDOWN = 128;
const LOWEST_GAIN = 1e-3;
const HIGHEST_GAIN = 1e3;
/** Steps of the scan over log gain (a factor of 1.26 each). */
const GAIN_SCAN = 60;

/**
 * Stubs that spread their outputs as the original components do at initialisation, so that what
 * the real layers after them see (the output layer's logits, a ReLU's pre-activations) has the
 * scale it has in the real model: initial-loss, activation-health and the constant-output rule
 * measure that. The original model is run once on `inputs` with every component's weights drawn
 * from its own initialisers (the reused layers already are, by the twin), and each stub's
 * pre-activation is scaled so that its outputs have the standard deviation of the original's on
 * the same inputs. Skipped when that forward pass is expensive.
 */
export function calibrate(tf: Tf, probed: ProbeResult, inputs: Tensor[], seed: number): Calibration {
  const batch = inputs[0]?.shape[0] ?? 1;
  const macs = forwardMacs(probed.model) * batch;
  if (macs > CALIBRATION_MACS) {
    return {
      gains: new Map(),
      note: `stubs not calibrated: a real forward pass of ${batch} samples costs about ${(macs / 1e9).toFixed(1)} G multiply-adds (a recurrent layer's counted ${RECURRENT_SLOWDOWN} times: tfjs runs its steps one by one); statistics of the layers after a stub use the stub's output scale`,
    };
  }
  const gains: Gains = new Map();
  try {
    tf.tidy(() => calibrateGraph(tf, probed, inputs, seed, '', gains));
  } catch (error) {
    // The real model fails on the fake inputs: the checks find and report that on the twin.
    return {
      gains: new Map(),
      note: `stubs not calibrated: the real forward pass failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    };
  }
  // No timing here: the report must be the same, byte for byte, for the same seed.
  return {
    gains,
    note: `stubs calibrated to the spread of the real components' outputs at initialisation (${gains.size} stub(s), one real pass of ${batch} samples)`,
  };
}

function calibrateGraph(tf: Tf, probed: ProbeResult, inputs: Tensor[], seed: number, prefix: string, gains: Gains): void {
  if (probed.components.length === 0) return;
  const runtime = defineStubs(tf);
  // Real weights for what the twin replaces (the reused layers already have theirs).
  probed.components.forEach((c, index) => {
    if (c.inner) {
      c.inner.components.forEach((part, j) => drawSeededWeights(tf, part.layer, componentSeed(componentSeed(seed, index), j)));
    } else {
      drawSeededWeights(tf, c.layer, componentSeed(seed, index));
    }
  });
  const nodes = probed.components.map((c) => probed.nodes.find((n) => n.layer === c.holder));
  // The model's own inputs are known; every other tensor is asked for once (tfjs refuses a
  // repeated output and returns nothing for an input listed as an output).
  const valueOf = new Map<number, Tensor>(probed.model.inputs.map((t, i) => [t.id, inputs[i] as Tensor]));
  const wanted: SymbolicTensor[] = [];
  for (const node of nodes) {
    for (const t of [...(node?.inputs ?? []), ...(node?.outputs ?? [])]) {
      if (!valueOf.has(t.id) && !wanted.some((w) => w.id === t.id)) wanted.push(t);
    }
  }
  if (wanted.length > 0) {
    const probe = tf.model({ inputs: probed.model.inputs, outputs: wanted });
    const values = asList(probe.predict(inputs.length === 1 ? (inputs[0] as Tensor) : inputs));
    wanted.forEach((t, i) => valueOf.set(t.id, values[i] as Tensor));
  }
  probed.components.forEach((c, index) => {
    const node = nodes[index];
    if (!node) return;
    const given = node.inputs.map((t) => valueOf.get(t.id) as Tensor);
    const real = node.outputs.map((t) => valueOf.get(t.id) as Tensor);
    const name = `${prefix}${c.info.name}`;
    if (c.inner) {
      // Inside a layered component: its own graph, fed what reaches it in the real model.
      calibrateGraph(tf, c.inner, given, componentSeed(seed, index), `${name}/`, gains);
      return;
    }
    if (c.holder !== c.layer) return; // a wrapped component sees one step: left as it is
    const spec = toStubSpec(c.info, componentSeed(seed, index));
    let linear: Tensor[];
    try {
      const stub = runtime.stub({ ...spec, activation: 'linear' });
      linear = asList(stub.apply(given.length === 1 ? (given[0] as Tensor) : given) as Tensor | Tensor[]);
    } catch {
      return; // the checks report a stub that throws
    }
    // The main output only for a recurrent stub (its states follow projections of their own).
    const outputs = c.info.kind === 'recurrent' ? 1 : real.length;
    const perOutput = Array.from({ length: real.length }, (_, j) => (j < outputs ? gainFor(tf, linear[j], real[j], spec.activation) : 1));
    if (perOutput.some((g) => g !== 1)) gains.set(name, perOutput);
  });
}

/**
 * The smallest factor g with std(activation(g z)) = std(real): a scan over log g, then bisection in
 * the first step that crosses the target. Not a bisection over the whole range: a saturating
 * activation's spread falls again at large g (on a few samples, every output at the same end of a
 * sigmoid has no spread at all). 1 when it cannot tell.
 */
export function gainFor(tf: Tf, z: Tensor | undefined, real: Tensor | undefined, activation: string): number {
  if (!z || !real || z.size !== real.size) return 1;
  const target = std(tf, real);
  if (!Number.isFinite(target) || target === 0 || std(tf, z) === 0) return 1;
  const layer = tf.layers.activation({ activation: activation as 'linear' });
  const spread = (logG: number): number => tf.tidy(() => std(tf, layer.apply(tf.mul(z, Math.exp(logG))) as Tensor));
  const lowest = Math.log(LOWEST_GAIN);
  const step = (Math.log(HIGHEST_GAIN) - lowest) / GAIN_SCAN;
  if (spread(lowest) >= target) return LOWEST_GAIN;
  let best = { logG: lowest, gap: Infinity };
  for (let i = 1; i <= GAIN_SCAN; i++) {
    const hi = lowest + i * step;
    const value = spread(hi);
    if (value >= target) {
      let lo = hi - step;
      let up = hi;
      for (let k = 0; k < 20; k++) {
        const mid = (lo + up) / 2;
        if (spread(mid) < target) lo = mid;
        else up = mid;
      }
      return Math.exp((lo + up) / 2);
    }
    if (target - value < best.gap) best = { logG: hi, gap: target - value };
  }
  // The stub cannot spread as much (a saturating activation on too few distinct inputs): its widest.
  return Math.exp(best.logG);
}

function std(tf: Tf, t: Tensor): number {
  return tf.tidy(() => Math.sqrt(tf.moments(tf.cast(t, 'float32')).variance.dataSync()[0] ?? NaN));
}

function asList(out: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(out) ? out : [out];
}

/** Multiply-adds per sample of a model's forward pass, nested models included. */
function forwardMacs(model: LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const nested = (layer as Partial<LayersModel>).layers;
    if (nested) {
      total += forwardMacs(layer as LayersModel);
      continue;
    }
    const node = (layer as unknown as { inboundNodes: { inputTensors: SymbolicTensor[]; outputTensors: SymbolicTensor[] }[] })
      .inboundNodes[0];
    if (!node) continue;
    const cost = layerCost(layer as Layer, node.inputTensors, node.outputTensors);
    total += cost.recurrent ? cost.macs * RECURRENT_SLOWDOWN : cost.macs;
  }
  return total;
}
