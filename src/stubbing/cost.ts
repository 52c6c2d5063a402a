import type { SymbolicTensor, layers } from '@tensorflow/tfjs';
import { RECURRENT_CLASSES } from './strategy.js';

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
  const config = layer.getConfig() as {
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
