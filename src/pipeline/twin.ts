import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs';
import { defineStubs } from '../../stubs/index.js';
import type { StubSpec } from '../../stubs/spec.js';
import { ScaffoldError } from '../errors.js';
import { makeInputs, sampleSpace, shortestLength } from '../checks/harness/fake-inputs.js';
import type { LoadedComposite } from '../model/composite.js';
import type { MiniSpec } from '../model/hints.js';
import type { ProbeResult } from '../model/probe.js';
import type { Sample } from '../model/sample.js';
import type { RunContext } from '../model/run-context.js';
import type { Twin } from '../model/twin.js';
import { calibrate, type Gains } from '../stubbing/calibrate.js';
import { componentSeed, toStubSpec } from '../stubbing/stub-spec.js';
import { drawSeededWeights } from '../tfjs/seeded-weights.js';
import type { Tf } from '../tfjs/tf-instance.js';

type Layer = layers.Layer;

/** How many fake samples the stubs are calibrated on. */
const CALIBRATION_SAMPLES = 4;

/**
 * The twin stage: the probed composite with every component replaced by its stub, seeded by the
 * run's seed, each stub calibrated to spread its outputs as its component does (see calibrate).
 */
export function twin(
  { loaded, probed }: { loaded: Pick<LoadedComposite, 'exports'>; probed: ProbeResult },
  ctx: Pick<RunContext, 'tf' | 'opts'>,
): Twin {
  const { tf, opts } = ctx;
  const first = buildTwin(tf, probed, opts.file, opts.seed);
  if (probed.components.length === 0) return first;
  const hints = loaded.exports['mini'] as MiniSpec | undefined;
  const planned = sampleSpace(probed.model, hints);
  const minLength = planned.hasFreeDims ? shortestLength(probed.model, probed.nodes) : 1;
  const sample: Sample = {
    batch: CALIBRATION_SAMPLES,
    length: minLength + 6,
    dataSeed: opts.seed,
    real: new Array<number>(CALIBRATION_SAMPLES).fill(Infinity),
    side: 'post',
  };
  const inputs = makeInputs(tf, planned.plans, sample);
  let calibration;
  try {
    calibration = calibrate(tf, probed, inputs, opts.seed);
  } finally {
    tf.dispose(inputs);
  }
  const calibrated = calibration.gains.size ? buildTwin(tf, probed, opts.file, opts.seed, { gains: calibration.gains }) : first;
  return { ...calibrated, notes: [calibration.note] };
}

/**
 * Rebuilds the composite's graph with each component replaced by its stub and every other layer
 * (the user's own layers, masking, merges, ...) applied as in the original, in the same order.
 * With `keepReal`, that one component is kept real (for `overfit`, when the user asks).
 */
export function buildTwin(
  tf: Tf,
  probe: ProbeResult,
  file: string,
  seed: number,
  options: { keepReal?: string; name?: string; gains?: Gains; prefix?: string } = {},
): Twin {
  const prefix = options.prefix ?? '';
  const runtime = defineStubs(tf);
  const stubs = new Map<string, { spec: StubSpec; layer: Layer }>();
  // By stub (or layered component's model): the time its construction and its build took.
  const buildMs = new Map<Layer, number>();
  const layered = new Map<string, Twin>();
  const byHolder = new Map<Layer, Layer>();
  probe.components.forEach((component, index) => {
    // `keepReal`: this component stays itself (its weights are drawn again below, as a reused layer's).
    if (component.info.name === options.keepReal) return;
    if (component.inner) {
      // Stubbed around what it holds: its own twin (its expensive layers stubbed, the rest kept).
      const started = performance.now();
      const inner = buildTwin(tf, component.inner, file, componentSeed(seed, index), {
        name: component.info.name,
        prefix: `${prefix}${component.info.name}/`,
        ...(options.gains ? { gains: options.gains } : {}),
      });
      if (!component.layer.trainable) inner.model.trainable = false;
      layered.set(component.info.name, inner);
      buildMs.set(inner.model, performance.now() - started);
      byHolder.set(component.holder, component.holder === component.layer ? inner.model : rewrap(component.holder, inner.model));
      return;
    }
    const spec = toStubSpec(component.info, componentSeed(seed, index));
    const gain = options.gains?.get(`${prefix}${component.info.name}`);
    if (gain) spec.gain = gain;
    let stub: Layer;
    const started = performance.now();
    try {
      stub = runtime.stub(spec);
    } catch (e) {
      throw new ScaffoldError('E_UNSTUBBABLE', `cannot stub component '${component.info.name}': ${(e as Error).message}`, {
        hint: 'raise --min-params to keep it real, or report the component shapes to scaffold-mini',
        location: component.info.source ?? { file, line: 1 },
      });
    }
    // A component frozen on purpose stays frozen in the twin.
    if (!component.layer.trainable) stub.trainable = false;
    stubs.set(component.info.name, { spec, layer: stub });
    buildMs.set(stub, performance.now() - started);
    byHolder.set(component.holder, component.holder === component.layer ? stub : rewrap(component.holder, stub));
  });

  const tensors = new Map<number, SymbolicTensor>();
  const twinLayers = new Map<string, Layer>();
  const inputs = probe.model.inputs.map((t) => {
    const input = tf.input({ shape: t.shape.slice(1) as number[], dtype: t.dtype as 'float32', name: t.sourceLayer.name });
    tensors.set(t.id, input);
    return input;
  });
  for (const node of probe.nodes) {
    const stub = byHolder.get(node.layer);
    const layer = stub ?? node.layer;
    twinLayers.set(node.layer.name, layer);
    const args = node.inputs.map((t) => mapped(tensors, t));
    const kwargs = mapArgs(node.callArgs, tensors);
    // An RNN's initial states (and constants) are both inputs of its node and keyword arguments:
    // tfjs's RNN takes them by keyword only, a stub as its inputs after the sequence.
    const byKeyword = kwargs['initialState'] != null || kwargs['constants'] != null;
    if (stub) {
      delete kwargs['initialState'];
      delete kwargs['constants'];
    }
    const input = byKeyword && !stub ? (args[0] as SymbolicTensor) : args.length === 1 ? (args[0] as SymbolicTensor) : args;
    const applying = performance.now();
    const out = layer.apply(input, kwargs);
    // A stub's weights are made when it is first applied (its build).
    if (stub) buildMs.set(stub, (buildMs.get(stub) ?? 0) + performance.now() - applying);
    const outs = (Array.isArray(out) ? out : [out]) as SymbolicTensor[];
    node.outputs.forEach((t, i) => {
      const twinTensor = outs[i];
      if (twinTensor) tensors.set(t.id, twinTensor);
    });
  }
  const model = tf.model({
    inputs,
    outputs: probe.model.outputs.map((t) => mapped(tensors, t)),
    name: options.name ?? `${probe.model.name}_mini`,
  });
  // Layered components are twins of their own, their weights already drawn.
  const drawn = new Set<Layer>([...stubs.values()].map((s) => s.layer));
  for (const inner of layered.values()) drawn.add(inner.model);
  reinitialiseReused(tf, model, drawn, seed);
  const built = new Map<string, number>();
  for (const [name, { layer }] of stubs) built.set(name, buildMs.get(layer) ?? 0);
  for (const [name, inner] of layered) built.set(name, buildMs.get(inner.model) ?? 0);
  return {
    model,
    stubs,
    layered,
    tensors,
    layers: twinLayers,
    params: model.countParams(),
    gains: options.gains ?? new Map(),
    notes: [],
    buildMs: built,
  };
}

function rewrap(wrapper: Layer, stub: Layer): Layer {
  const config = { ...(wrapper.getConfig() as Record<string, unknown>), layer: stub };
  const Wrapper = wrapper.constructor as new (args: Record<string, unknown>) => Layer;
  return new Wrapper(config);
}

function mapped(tensors: Map<number, SymbolicTensor>, t: SymbolicTensor): SymbolicTensor {
  const twin = tensors.get(t.id);
  if (!twin) throw new Error(`internal: tensor ${t.name} reached before it was built`);
  return twin;
}

function mapArgs(args: Record<string, unknown>, tensors: Map<number, SymbolicTensor>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === 'mask') continue;
    out[key] = mapValue(value, tensors);
  }
  return out;
}

function mapValue(value: unknown, tensors: Map<number, SymbolicTensor>): unknown {
  if (Array.isArray(value)) return value.map((v) => mapValue(v, tensors));
  if (value && typeof value === 'object' && 'sourceLayer' in value && 'id' in value) {
    return tensors.get((value as SymbolicTensor).id) ?? value;
  }
  return value;
}

/**
 * Every weight of the reused layers gets seeded values (see drawSeededWeights), so that a run is
 * the same for the same seed and no weight is left as the free build's zeros.
 */
function reinitialiseReused(tf: Tf, model: LayersModel, stubs: Set<Layer>, seed: number): void {
  let index = 0;
  for (const layer of model.layers) {
    if (stubs.has(layer)) continue;
    index = drawSeededWeights(tf, layer, seed, index);
  }
}
