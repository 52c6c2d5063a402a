import type { layers, LayersModel, Tensor } from '@tensorflow/tfjs';
import type { MaskBehaviour } from '../model/component.js';
import type { Shape } from '../model/shape.js';
import { isModel } from './activation.js';
import { wrappedLayer } from './graph.js';
import type { Tf } from './tf-instance.js';

type Layer = layers.Layer;

/** Layers whose computation reads the mask they receive. */
const CONSUMERS = /^(LSTM|GRU|SimpleRNN|RNN|ConvLSTM2D|Bidirectional|MultiHeadAttention|Attention)$/;

/** A built-in layer (or a wrapper around one) whose computation reads the mask it receives. */
export function readsMask(layer: Layer): boolean {
  const inner = wrappedLayer(layer);
  return CONSUMERS.test(layer.getClassName()) || (inner !== undefined && CONSUMERS.test(inner.getClassName()));
}

/**
 * How a component treats masks. For a built-in layer `computeMask` is measured on a tiny dummy
 * input (it never touches the weights); a nested model never has `computeMask` called by tfjs
 * (`supportsMasking` is false), and consumes a mask when a mask-reading layer inside it gets one.
 */
export function maskBehaviour(tf: Tf, layer: Layer, inputShapes: Shape[], inputDtypes: string[]): MaskBehaviour {
  if (isModel(layer)) {
    return { supports: layer.supportsMasking, consumes: modelConsumesMask(layer), emits: 'none' };
  }
  const consumes = readsMask(layer);
  if (!layer.supportsMasking) return { supports: false, consumes: false, emits: 'none' };
  return { supports: true, consumes, emits: measureEmits(tf, layer, inputShapes, inputDtypes) };
}

export function measureEmits(tf: Tf, layer: Layer, inputShapes: Shape[], inputDtypes: string[]): MaskBehaviour['emits'] {
  return tf.tidy(() => {
    const inputs = inputShapes.map((shape, i) => {
      const concrete = shape.map((d) => d ?? 2);
      const dtype = inputDtypes[i] === 'int32' ? 'int32' : 'float32';
      return tf.zeros(concrete, dtype);
    });
    const first = inputShapes[0] ?? [];
    const mask =
      first.length >= 2
        ? tf.ones(
            first.slice(0, 2).map((d) => d ?? 2),
            'bool',
          )
        : null;
    const call = (m: Tensor | null): Tensor | null => {
      try {
        const out = layer.computeMask(
          inputs.length === 1 ? (inputs[0] as Tensor) : inputs,
          (inputs.length === 1 ? m : inputs.map(() => m)) as Tensor | Tensor[],
        ) as Tensor | Tensor[] | null;
        return (Array.isArray(out) ? out[0] : out) ?? null;
      } catch {
        return null;
      }
    };
    if (call(null) !== null) return 'nonzero';
    return mask !== null && call(mask) !== null ? 'pass' : 'none';
  });
}

function modelConsumesMask(model: LayersModel): boolean {
  // Keras rules inside the nested model: a mask entering at its input reaches each layer until a layer without masking support.
  const reached = new Set<Layer>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') {
      reached.add(layer);
      continue;
    }
    const inbound = (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes;
    const fed = inbound.some((node) =>
      node.inboundLayers.some((l) => reached.has(l) && (l.getClassName() === 'InputLayer' || l.supportsMasking)),
    );
    if (!fed) continue;
    if (CONSUMERS.test(layer.getClassName()) || (isModel(layer) && modelConsumesMask(layer))) return true;
    reached.add(layer);
  }
  return false;
}
