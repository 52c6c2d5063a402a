import type { Tensor, layers } from '@tensorflow/tfjs';
import { topLevelNodes } from '../pipeline/graph.js';
import type { Tf } from '../pipeline/tf-instance.js';
import type { Twin } from '../pipeline/twin.js';
import { makeInputs, type Sample, type SampleSpace } from './fake-inputs.js';

type Layer = layers.Layer;

/** What is kept of one tensor seen during a forward pass of the twin. */
export interface TensorSummary {
  shape: number[];
  dtype: string;
  /** Number of NaN or infinite values. */
  nonFinite: number;
}

/** One forward pass of the twin on one sample: every watched tensor and every model output. */
export interface Observation {
  sample: Sample;
  /** Indexed like the observer's taps; undefined where the pass did not get that far. */
  taps: (TensorSummary | undefined)[];
  outputs: TensorSummary[];
  /** The twin threw on this sample. */
  error?: string;
}

export interface Observer {
  observe(sample: Sample): Observation;
  /** Ids of the original graph's tensors that are recorded, in tap order. */
  readonly taps: readonly number[];
  /** Forward passes actually run (cache misses). */
  readonly passes: number;
}

interface Source {
  layer: Layer;
  /** Which call of the layer during one pass (a shared layer is called once per node). */
  call: number;
  tensorIndex: number;
}

/**
 * Runs the twin with `predict` (the executor the user's model runs with, masks and all) and records
 * each tapped tensor (given by its id in the original graph) by wrapping the `call` of the layers
 * that produce them. Observations are cached per sample, so checks over the same fast-check seed
 * share forward passes.
 */
export function createObserver(tf: Tf, twin: Twin, space: SampleSpace, taps: readonly number[]): Observer {
  const inputIndex = new Map(twin.model.inputs.map((t, i) => [t.id, i]));
  const callOrder = callOrderOf(twin);
  const sources: (Source | { input: number })[] = taps.map((original) => {
    const twinTensor = twin.tensors.get(original);
    if (!twinTensor) throw new Error(`internal: tensor ${original} is missing from the twin`);
    const input = inputIndex.get(twinTensor.id);
    if (input !== undefined) return { input };
    const nodes = callOrder.get(twinTensor.sourceLayer) ?? [];
    return { layer: twinTensor.sourceLayer, call: Math.max(0, nodes.indexOf(twinTensor.nodeIndex)), tensorIndex: twinTensor.tensorIndex };
  });

  let recording: Map<Layer, TensorSummary[][]> | null = null;
  for (const layer of new Set(sources.flatMap((s) => ('layer' in s ? [s.layer] : [])))) {
    const original = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => {
      const out = original(inputs, kwargs);
      if (recording) {
        const calls = recording.get(layer) ?? [];
        calls.push((Array.isArray(out) ? out : [out]).map(summarise));
        recording.set(layer, calls);
      }
      return out;
    };
  }

  const cache = new Map<string, Observation>();
  let passes = 0;
  return {
    taps,
    get passes() {
      return passes;
    },
    observe(sample) {
      const key = `${sample.batch}:${sample.length}:${sample.dataSeed}`;
      const hit = cache.get(key);
      if (hit) return hit;
      passes++;
      const inputs = makeInputs(tf, space.plans, sample);
      recording = new Map();
      let observation: Observation;
      try {
        const out = twin.model.predict(inputs, { batchSize: sample.batch });
        const outputs = Array.isArray(out) ? out : [out];
        observation = { sample, taps: collect(sources, recording, inputs), outputs: outputs.map(summarise) };
        tf.dispose(outputs);
      } catch (e) {
        observation = { sample, taps: collect(sources, recording, inputs), outputs: [], error: (e as Error).message };
      } finally {
        recording = null;
        tf.dispose(inputs);
      }
      cache.set(key, observation);
      return observation;
    },
  };
}

function collect(sources: (Source | { input: number })[], recording: Map<Layer, TensorSummary[][]>, inputs: Tensor[]): (TensorSummary | undefined)[] {
  return sources.map((s) => {
    if ('input' in s) {
      const t = inputs[s.input];
      return t ? summarise(t) : undefined;
    }
    return recording.get(s.layer)?.[s.call]?.[s.tensorIndex];
  });
}

function summarise(t: Tensor): TensorSummary {
  let nonFinite = 0;
  if (t.dtype === 'float32') {
    const values = t.dataSync() as Float32Array;
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) nonFinite++;
  }
  return { shape: [...t.shape], dtype: t.dtype, nonFinite };
}

/** For each layer of the twin: its node indices in the order the executor runs them. */
function callOrderOf(twin: Twin): Map<Layer, number[]> {
  const order = new Map<Layer, number[]>();
  for (const node of topLevelNodes(twin.model)) {
    const list = order.get(node.layer) ?? [];
    list.push(node.nodeIndex);
    order.set(node.layer, list);
  }
  return order;
}
