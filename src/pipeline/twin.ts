import type { LayersModel, SymbolicTensor, Tensor, layers } from '@tensorflow/tfjs';
import { defineStubs } from '../../stubs/index.js';
import type { StubSpec } from '../../stubs/spec.js';
import { ScaffoldError } from '../errors.js';
import type { ProbeResult } from '../model/probe.js';
import type { RunContext } from '../model/run-context.js';
import type { Twin } from '../model/twin.js';
import { componentSeed, toStubSpec } from '../stubbing/stub-spec.js';
import type { Tf } from '../tfjs/tf-instance.js';

type Layer = layers.Layer;

/** The twin stage: the probed composite with every component replaced by its stub, seeded by the run's seed. */
export function twin(probed: ProbeResult, ctx: Pick<RunContext, 'tf' | 'opts'>): Twin {
  return buildTwin(ctx.tf, probed, ctx.opts.file, ctx.opts.seed);
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
  options: { keepReal?: string; name?: string } = {},
): Twin {
  const runtime = defineStubs(tf);
  const stubs = new Map<string, { spec: StubSpec; layer: Layer }>();
  const layered = new Map<string, Twin>();
  const byHolder = new Map<Layer, Layer>();
  probe.components.forEach((component, index) => {
    // `keepReal`: this component stays itself (its weights are drawn again below, as a reused layer's).
    if (component.info.name === options.keepReal) return;
    if (component.inner) {
      // Stubbed around what it holds: its own twin (its expensive layers stubbed, the rest kept).
      const inner = buildTwin(tf, component.inner, file, componentSeed(seed, index), { name: component.info.name });
      if (!component.layer.trainable) inner.model.trainable = false;
      layered.set(component.info.name, inner);
      byHolder.set(component.holder, component.holder === component.layer ? inner.model : rewrap(component.holder, inner.model));
      return;
    }
    const spec = toStubSpec(component.info, componentSeed(seed, index));
    let stub: Layer;
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
    const out = layer.apply(input, kwargs);
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
  return { model, stubs, layered, tensors, layers: twinLayers, params: model.countParams() };
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
 * Every weight of the reused layers gets seeded values, so that a run is the same for the same
 * seed (tfjs's initialisers draw from an unseeded generator) and no weight is left as the free
 * build's zeros. Each weight is drawn again from the user's own initialiser, seeded (a bad
 * initialisation is what initial-loss and activation-health look for); where that is not possible
 * (Orthogonal, a QR in JavaScript, or an initialiser of the user's own): matrices (rank >= 2)
 * Glorot-uniform noise, `gamma` and `moving_variance` ones, `bias`, `beta` and `moving_mean`
 * zeros; other vectors keep their (deterministic) initial value.
 */
function reinitialiseReused(tf: Tf, model: LayersModel, stubs: Set<Layer>, seed: number): void {
  let index = 0;
  for (const layer of model.layers) {
    if (stubs.has(layer)) continue;
    for (const weight of layer.weights) {
      index++;
      if (weight.dtype !== 'float32') continue;
      const shape = weight.shape as number[];
      const name = weight.originalName;
      const weightSeed = (seed + 7919 * index) % 0x7fffffff;
      const value = userInitialValue(tf, layer, name, shape, weightSeed) ?? fallbackValue(tf, name, shape, weightSeed);
      if (!value) continue;
      // The variable takes a reference to the value's data: the value's own handle is dropped.
      weight.write(value);
      value.dispose();
    }
  }
}

/** Glorot-uniform noise for matrices, ones for scales, zeros for offsets; null: keep the initial value. */
function fallbackValue(tf: Tf, name: string, shape: number[], seed: number): Tensor | null {
  if (/(gamma|moving_variance)$/.test(name)) return tf.ones(shape);
  if (/(bias|beta|moving_mean)$/.test(name)) return tf.zeros(shape);
  if (shape.length < 2) return null;
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const fanOut = shape[shape.length - 1] ?? 1;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

/** Weight name suffix -> the layer config key of its initialiser. */
const INITIALIZER_KEYS: [RegExp, string][] = [
  [/recurrent_kernel$/, 'recurrentInitializer'],
  [/depthwise_kernel$/, 'depthwiseInitializer'],
  [/pointwise_kernel$/, 'pointwiseInitializer'],
  [/kernel$/, 'kernelInitializer'],
  [/bias$/, 'biasInitializer'],
  [/embeddings$/, 'embeddingsInitializer'],
  [/gamma$/, 'gammaInitializer'],
  [/beta$/, 'betaInitializer'],
  [/moving_mean$/, 'movingMeanInitializer'],
  [/moving_variance$/, 'movingVarianceInitializer'],
];

/** A fresh value of the weight from the initialiser the layer's config names, with this seed; null when there is none to use. */
function userInitialValue(tf: Tf, layer: Layer, weightName: string, shape: number[], seed: number): Tensor | null {
  const key = INITIALIZER_KEYS.find(([pattern]) => pattern.test(weightName))?.[1];
  if (!key) return null;
  const config = (layer.getConfig() as Record<string, unknown>)[key] as
    { className?: string; config?: Record<string, unknown> } | undefined;
  const className = config?.className;
  if (!className || className === 'Orthogonal') return null;
  const factory = (
    tf.initializers as unknown as Record<string, ((c: object) => { apply(shape: number[], dtype?: string): unknown }) | undefined>
  )[className.charAt(0).toLowerCase() + className.slice(1)];
  if (typeof factory !== 'function') return null;
  try {
    return factory({ ...config?.config, seed }).apply(shape, 'float32') as Tensor;
  } catch {
    return null;
  }
}
