import type { SymbolicTensor, layers } from '@tensorflow/tfjs';
import type { CostFigures } from '../model/component.js';
import { RECURRENT_CLASSES } from './strategy.js';
import { configOf } from '../tfjs/layer-config.js';

/** What one application of a layer costs, per sample, from its config and shapes alone. */
export interface LayerCost {
  /** Multiply-adds of its forward pass (free axes counted as FREE_LENGTH). */
  macs: number;
  /** Values of its weights. */
  weights: number;
  recurrent: boolean;
}

/** How long a free axis is taken to be when costs are estimated. */
const FREE_LENGTH = 64;
/**
 * Above these a layer is stubbed: its forward pass per sample (the checks run over a thousand
 * passes, a few samples each: a quarter of a million multiply-adds is about a millisecond there)
 * or its weights (a million values to allocate and draw). A recurrent layer is stubbed whatever its
 * size: tfjs runs its steps one by one, tens of kernels each, so its cost is the number of steps,
 * not its weights (a GRU(32) over 23 steps: 40 ms a forward pass of 2 samples, 64 ms with the
 * backward pass, on this project's machine; the recurrent stub runs the whole loop as one kernel).
 */
const EXPENSIVE = { macs: 1 << 18, weights: 1 << 20 } as const;

const product = (shape: readonly (number | null)[]): number => shape.reduce<number>((n, d) => n * (d ?? FREE_LENGTH), 1);

export function layerCost(layer: layers.Layer, inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): LayerCost {
  const className = layer.getClassName();
  const weights = layer.countParams();
  const input = inputs[0]?.shape ?? [];
  const output = outputs[0]?.shape ?? [];
  const config = configOf(layer) as {
    kernelSize?: number | number[];
    units?: number;
    filters?: number;
    depthMultiplier?: number;
    outputDim?: number;
  };
  const recurrent = RECURRENT_CLASSES.test(className);
  if (recurrent) return { macs: weights * product(input.slice(1, 2)), weights, recurrent };
  if (className === 'Dense') {
    // Per position: the input's width times the units.
    return { macs: product(input.slice(1)) * (config.units ?? 1), weights, recurrent };
  }
  if (/^(Conv1D|Conv2D|Conv3D|SeparableConv\dD|DepthwiseConv2D)$/.test(className)) {
    const kernel = Array.isArray(config.kernelSize)
      ? product(config.kernelSize)
      : (config.kernelSize ?? 1) ** Math.max(1, output.length - 2);
    const channelsIn = input[input.length - 1] ?? 1;
    const positions = product(output.slice(1, -1));
    const perPosition =
      className === 'DepthwiseConv2D' ? kernel * channelsIn * (config.depthMultiplier ?? 1) : kernel * channelsIn * (config.filters ?? 1);
    return { macs: positions * perPosition, weights, recurrent };
  }
  if (className === 'Conv2DTranspose' || className === 'Conv3DTranspose') {
    const kernel = Array.isArray(config.kernelSize)
      ? product(config.kernelSize)
      : (config.kernelSize ?? 1) ** Math.max(1, input.length - 2);
    return { macs: product(input.slice(1)) * kernel * (config.filters ?? 1), weights, recurrent };
  }
  if (className === 'Embedding') {
    // A lookup per position: its output width each; its table counts as weights.
    return { macs: product(input.slice(1)) * (config.outputDim ?? 1), weights, recurrent };
  }
  // Any other layer (normalisations, pooling, ...): about its weights per sample.
  return { macs: weights, weights, recurrent };
}

export function isExpensive(cost: LayerCost): boolean {
  if (cost.recurrent) return true;
  return cost.macs >= EXPENSIVE.macs || cost.weights >= EXPENSIVE.weights;
}

/**
 * What the stock tfjs CPU backend costs on this project's machine (2 cores, Node 20), measured
 * with scratch timings and kept in README ("Cost per component"): multiply-adds per second of a
 * matMul or conv (both about 0.25 G/s), the fixed cost of one step of a recurrent layer (an
 * LSTM(32): 0.6 ms), the Orthogonal initialiser (Gram-Schmidt in tensor ops: about 0.7 µs per
 * rows x columns² of the weight seen as a matrix, so 8x per doubling of an LSTM's units: 0.36 s
 * for units 32, 2.9 s for 64, about 190 s for 256), any other initialiser (about 12 ns a value).
 */
const STOCK_CPU = {
  macsPerSecond: 0.25e9,
  stepOverheadMs: 0.6,
  orthogonalSecondsPerCell: 0.7e-6,
  initNsPerValue: 12,
} as const;

type TfNode = { inputTensors: SymbolicTensor[]; outputTensors: SymbolicTensor[] };

/**
 * The real component's figures, from its config and shapes alone (nothing is run or drawn). A
 * component applied inside a TimeDistributed wrapper costs its per-step figures times the steps.
 */
export function realCost(layer: layers.Layer, holder: layers.Layer): CostFigures & { forwardMs: number } {
  let macs = 0;
  let steps = 0;
  let activations = 0;
  let buildMs = 0;
  let weightBytes = 0;
  const visit = (l: layers.Layer): void => {
    const inner = (l as unknown as { layers?: layers.Layer[] }).layers;
    // A nested model: its layers are what it costs.
    if (Array.isArray(inner)) {
      inner.forEach(visit);
      return;
    }
    const node = (l as unknown as { inboundNodes: TfNode[] }).inboundNodes[0];
    if (node) {
      const cost = layerCost(l, node.inputTensors, node.outputTensors);
      macs += cost.macs;
      if (cost.recurrent) steps += node.inputTensors[0]?.shape[1] ?? FREE_LENGTH;
      for (const out of node.outputTensors) activations += product(out.shape.slice(1));
    }
    const config = configOf(l);
    for (const weight of l.weights) {
      const size = product(weight.shape);
      weightBytes += size * (weight.dtype === 'bool' ? 1 : 4);
      buildMs += initMs(weight.originalName, weight.shape, config);
    }
  };
  visit(layer);
  const repeat =
    holder !== layer ? ((holder as unknown as { inboundNodes: TfNode[] }).inboundNodes[0]?.inputTensors[0]?.shape[1] ?? FREE_LENGTH) : 1;
  return {
    params: layer.countParams(),
    weightBytes,
    activationBytesPerSample: activations * 4 * repeat,
    buildMs,
    forwardMs: ((macs / STOCK_CPU.macsPerSecond) * 1000 + steps * STOCK_CPU.stepOverheadMs) * repeat,
  };
}

/** Drawing one weight: the Orthogonal initialiser by its Gram-Schmidt cost, any other by its values. */
function initMs(name: string, shape: readonly (number | null)[], config: Record<string, unknown>): number {
  const size = product(shape);
  const recurrent = name.endsWith('recurrent_kernel');
  const key = recurrent ? 'recurrentInitializer' : name.endsWith('kernel') ? 'kernelInitializer' : undefined;
  if (key && initializerName(config, key) === 'Orthogonal') {
    const columns = shape[shape.length - 1] ?? 1;
    const rows = size / columns;
    return STOCK_CPU.orthogonalSecondsPerCell * Math.min(rows, columns) * Math.max(rows, columns) ** 2 * 1000;
  }
  return (size * STOCK_CPU.initNsPerValue) / 1e6;
}

/** The class name of an initialiser in a layer's config, looked for in a wrapped layer's or a cell's config too. */
function initializerName(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key] as { className?: string } | string | undefined;
  if (typeof value === 'string') return value.toLowerCase() === 'orthogonal' ? 'Orthogonal' : value;
  if (value?.className) return value.className;
  for (const nested of ['layer', 'cell']) {
    const inner = config[nested] as { config?: Record<string, unknown> } | undefined;
    if (inner?.config) {
      const found = initializerName(inner.config, key);
      if (found) return found;
    }
  }
  return undefined;
}
