import type { Tensor, layers } from '@tensorflow/tfjs';
import type { Twin } from '../../model/twin.js';
import { isModel } from '../../tfjs/activation.js';

type Layer = layers.Layer;

/**
 * The layers of a twin that are not stubs: the user's layers and tfjs's, inside nested models and
 * layered components too (a nested model itself is walked, not listed). Stubs are the tool's.
 */
export function ownLayers(twin: Twin): Layer[] {
  const stubs = new Set<Layer>();
  const collect = (t: Twin): void => {
    for (const { layer } of t.stubs.values()) stubs.add(layer);
    for (const inner of t.layered.values()) collect(inner);
  };
  collect(twin);
  const out: Layer[] = [];
  const walk = (layer: Layer): void => {
    if (stubs.has(layer)) return;
    if (isModel(layer)) layer.layers.forEach(walk);
    else out.push(layer);
  };
  twin.model.layers.forEach(walk);
  return out;
}

/**
 * The user's own layers of a twin (not tfjs's, not stubs) and the layers each holds in its own
 * fields (a wrapper's inner layer is not in the model's graph, but its call runs inside the
 * wrapper's). By layer, the layer of the graph it is held by (undefined for those of the graph).
 */
export function userLayers(twin: Twin, builtins: ReadonlySet<unknown>): Map<Layer, Layer | undefined> {
  const graph = ownLayers(twin).filter((layer) => !builtins.has(layer.constructor));
  const all = new Map<Layer, Layer | undefined>(graph.map((l) => [l, undefined]));
  const visit = (layer: Layer, top: Layer): void => {
    for (const item of fieldValues(layer)) {
      if (isLayer(item) && !all.has(item)) {
        all.set(item, top);
        visit(item, top);
      }
    }
  };
  for (const layer of graph) visit(layer, layer);
  return all;
}

/** A layer's `call`, as tfjs calls it. */
export type Call = (inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

/**
 * Runs `work` with each layer's `call` wrapped by `wrap` (around what it is now: the runner's
 * wrapper, or the class's), each put back as it was afterwards, also when `work` throws.
 */
export function withWrappedCalls<T>(layers: Iterable<Layer>, wrap: (layer: Layer, call: Call) => Call, work: () => T): T {
  const originals = new Map<Layer, PropertyDescriptor | undefined>();
  for (const layer of layers) {
    const call = layer.call.bind(layer) as Call;
    originals.set(layer, Object.getOwnPropertyDescriptor(layer, 'call'));
    layer.call = wrap(layer, call) as Layer['call'];
  }
  try {
    return work();
  } finally {
    for (const [layer, own] of originals) {
      if (own) Object.defineProperty(layer, 'call', own);
      else delete (layer as { call?: unknown }).call;
    }
  }
}

/**
 * Tensors the user's layers hold in their fields (a cache of the last output): state of the
 * user's model, not tensors a check left behind (the check stage's leak guard does not count them).
 */
export function heldTensors(layers: Iterable<Layer>): number {
  let held = 0;
  for (const layer of layers) for (const item of fieldValues(layer)) if (isTensor(item) && !item.isDisposed) held++;
  return held;
}

/**
 * Disposes the tensors held in the fields of layers that are thrown away (a copy reloaded for a
 * comparison): what the user's code kept there would outlive them otherwise.
 */
export function disposeHeld(tf: { dispose(t: Tensor): void }, layers: Iterable<Layer>): void {
  for (const layer of layers) for (const item of fieldValues(layer)) if (isTensor(item) && !item.isDisposed) tf.dispose(item);
}

/** A layer's own field values, the items of array fields included. */
function fieldValues(layer: Layer): unknown[] {
  return Object.values(layer).flatMap((value: unknown) => (Array.isArray(value) ? (value as unknown[]) : [value]));
}

function isLayer(value: unknown): value is Layer {
  return typeof value === 'object' && value !== null && 'apply' in value && 'call' in value && 'getConfig' in value;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'dataId' in value && 'isDisposed' in value && 'shape' in value;
}
