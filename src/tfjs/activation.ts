import type { LayersModel, layers } from '@tensorflow/tfjs';
import { wrappedLayer } from './graph.js';
import { configOf } from './layer-config.js';

type Layer = layers.Layer;

/** Layers whose output range is their input's: look through them for the final activation. */
const RANGE_PRESERVING =
  /^(MaxPooling|AveragePooling|GlobalMaxPooling|GlobalAveragePooling|Flatten|Reshape|Dropout|SpatialDropout|Permute|RepeatVector|Cropping|UpSampling|GaussianNoise|GaussianDropout|AlphaDropout)/;

/** The activation that shapes a layer's (or a nested model's) output range: 'relu', 'softmax', 'tanh', 'linear', ... */
export function finalActivation(layer: Layer): string {
  const inner = wrappedLayer(layer);
  if (inner) return finalActivation(inner);
  if (isModel(layer)) {
    let current: Layer | undefined = layer.outputLayers[0];
    while (current) {
      if (isModel(current) || wrappedLayer(current)) return finalActivation(current);
      const activation = ownActivation(current);
      if (activation !== null) return activation;
      if (!RANGE_PRESERVING.test(current.getClassName())) return 'linear';
      current = previousLayer(current);
    }
    return 'linear';
  }
  return ownActivation(layer) ?? 'linear';
}

function ownActivation(layer: Layer): string | null {
  const config = configOf(layer) as { activation?: unknown };
  if (typeof config.activation === 'string') return config.activation;
  const cls = layer.getClassName();
  if (cls === 'Softmax') return 'softmax';
  if (cls === 'ReLU') return 'relu';
  return null;
}

function previousLayer(layer: Layer): Layer | undefined {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] }).inboundNodes;
  const prev = nodes[0]?.inboundLayers[0];
  return prev && prev.getClassName() !== 'InputLayer' ? prev : undefined;
}

export function isModel(layer: Layer): layer is LayersModel {
  return Array.isArray((layer as Partial<LayersModel>).layers) && 'outputLayers' in layer;
}
