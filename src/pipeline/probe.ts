import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs';
import type { ComponentInfo, EmbeddingFacts, RecurrentFacts } from '../model/component.js';
import type { GraphNode } from '../model/graph.js';
import type { Discovered, KeptComponent, ProbedComponent, ProbeResult } from '../model/probe.js';
import type { Boundary } from '../model/report.js';
import type { RunContext } from '../model/run-context.js';
import type { DType, Shape } from '../model/shape.js';
import type { SourceLocation } from '../model/source.js';
import { stubProblem } from '../stubbing/fit.js';
import { chooseTemplate } from '../stubbing/registry.js';
import { RECURRENT_CLASSES } from '../stubbing/strategy.js';
import { finalActivation, isModel } from '../tfjs/activation.js';
import { carriedMasks } from '../tfjs/carried-masks.js';
import { firstConsumer, walkable, wrappedLayer } from '../tfjs/graph.js';
import { maskBehaviour } from '../tfjs/mask-behaviour.js';
import { convWindow, spatialMap } from '../tfjs/spatial.js';
import type { Tf } from '../tfjs/tf-instance.js';
import { discover } from './discover.js';

type Layer = layers.Layer;

/**
 * Describes each component without running it (shapes, dtypes, final activation, mask behaviour,
 * parameters, the stub template, its source line) and finds every boundary around them, with the
 * masks tensors carry under Keras rules.
 */
export function probe(discovered: Discovered, ctx: Pick<RunContext, 'tf' | 'opts'>): ProbeResult {
  const { model, nodes } = discovered;
  const kept: KeptComponent[] = [];
  const components: ProbedComponent[] = discovered.components.flatMap((c) => {
    const info = describe(ctx.tf, c.layer, c.node, c.applySites, ctx.opts.file);
    const base = { layer: c.layer, holder: c.holder, applySites: c.applySites };
    const nested = c.layer;
    if (!isModel(nested)) {
      // A layer no stub fits stays the user's own: slower, never refused.
      const problem = sizeProblem(c.layer, info) ?? stubProblem(ctx.tf, info);
      if (!problem) return [{ ...base, info }];
      kept.push({ name: info.name, reason: problem, ...(info.source ? { source: info.source } : {}) });
      return [];
    }
    const reason = layeredReason(ctx.tf, nested, info, discovered.builtins);
    if (!reason) return [{ ...base, info }];
    // Stubbed around what it holds: its own graph, probed like a composite.
    const own = walkable(ctx.tf, nested);
    const inner = probe(
      discover({ model: own, applySites: discovered.applySites }, { builtins: discovered.builtins, opts: ctx.opts }),
      ctx,
    );
    kept.push(...inner.kept.map((k) => ({ ...k, name: `${info.name}/${k.name}` })));
    return [{ ...base, inner, info: { ...info, kind: 'layered', layered: { reason, parts: inner.components.map((p) => p.info) } } }];
  });
  const masked = carriedMasks(ctx.tf, model, nodes);
  const crossing = boundaries(nodes, components, model, masked);
  return {
    model,
    builtins: discovered.builtins,
    nodes,
    components,
    kept,
    boundaries: crossing.list,
    boundaryTensors: crossing.ids,
    masked,
  };
}

/**
 * Why a nested model must be stubbed layer by layer inside instead of as one stub, or null: it
 * holds a layer of the user's own (a stub would make it disappear), its outputs end in different
 * activations (a stub has one), or no stub of its template fits its shapes.
 */
function layeredReason(tf: Tf, model: LayersModel, info: ComponentInfo, builtins: ReadonlySet<unknown>): string | null {
  const own = userLayerIn(model, builtins);
  if (own) return `it holds your layer '${own}'`;
  const masked = innerMask(model);
  if (masked) return `a mask made inside it (by '${masked.maker}') is read by its layer '${masked.reader}', which one stub would not do`;
  // Ids are not features: one stub would average their raw values (a tanh after it saturates).
  const input = model.inputs.length === 1 ? (model.inputs[0]?.sourceLayer as Layer | undefined) : undefined;
  const reader = input ? firstConsumer(input) : undefined;
  if (reader?.getClassName() === 'Embedding')
    return `its integer ids are read by its Embedding '${reader.name}', which one stub would not do`;
  const activations = [...new Set(model.outputs.map((t) => finalActivation(t.sourceLayer)))];
  if (activations.length > 1) return `its outputs end in different activations (${activations.join(', ')})`;
  const problem = sizeProblem(model, info) ?? stubProblem(tf, info);
  return problem ? `no single stub fits it (${problem})` : null;
}

/**
 * Why the component's free spatial sizes are beyond its stub, or null: only the conv template
 * follows a size that changes (strides, 'valid' padding), and none follows one that grows
 * (an upsampling, a transposed conv).
 */
function sizeProblem(layer: Layer, info: ComponentInfo): string | null {
  const input = info.inputShapes[0] ?? [];
  const output = info.outputShapes[0] ?? [];
  const free = info.outputShapes.length === 1 && output.length === input.length && output.slice(1, -1).some((d) => d === null);
  if (!free) return null;
  if (info.kind === 'conv')
    return info.conv ? null : 'its output size on a free axis does not follow its input size by strides and padding';
  const map = spatialMap(layer, input, output);
  if (!map) return 'its output size on a free axis does not follow its input size by strides and padding';
  const same = map.strides.every((s) => s === 1) && map.kernel.every((k) => k === 1);
  return same ? null : `it changes the size of a free axis (strides ${map.strides.join('x')}), which only a conv stub follows`;
}

/**
 * A layer inside the model that makes a mask (Masking, Embedding with maskZero) and a later
 * recurrent layer inside that reads it: the model's output does not depend on its padding, which a
 * single stub of its shapes would not reproduce.
 */
function innerMask(model: LayersModel): { maker: string; reader: string } | null {
  const layers = model.layers;
  const makerAt = layers.findIndex((l) => {
    const config = l.getConfig() as { maskZero?: boolean };
    return l.getClassName() === 'Masking' || (l.getClassName() === 'Embedding' && config.maskZero === true);
  });
  if (makerAt < 0) return null;
  const reader = layers.slice(makerAt + 1).find((l) => RECURRENT_CLASSES.test(l.getClassName()));
  return reader ? { maker: (layers[makerAt] as Layer).name, reader: reader.name } : null;
}

/** The name of a layer of the user's own class in a model (nested models searched too), if any. */
function userLayerIn(model: LayersModel, builtins: ReadonlySet<unknown>): string | undefined {
  for (const layer of model.layers) {
    if (isModel(layer)) {
      const inner = userLayerIn(layer, builtins);
      if (inner) return inner;
    } else if (!builtins.has(layer.constructor)) return layer.name;
  }
  return undefined;
}

function describe(tf: Tf, layer: Layer, node: GraphNode, sites: SourceLocation[], file: string): ComponentInfo {
  const wrapper = layer === node.layer ? undefined : node.layer;
  // A component inside a wrapper sees one time step: a nested model's own boundary shapes, or a
  // layer's shapes without the wrapper's time axis.
  const step = (shape: readonly (number | null)[]): Shape => [shape[0] ?? null, ...shape.slice(2)];
  const inputs = wrapper && isModel(layer) ? layer.inputs : node.inputs;
  const outputs = wrapper && isModel(layer) ? layer.outputs : node.outputs;
  const perStep = wrapper !== undefined && !isModel(layer);
  const inputShapes = inputs.map((t) => (perStep ? step(t.shape) : ([...t.shape] as Shape)));
  const inputDtypes = inputs.map((t) => t.dtype as DType);
  const outputShapes = outputs.map((t) => (perStep ? step(t.shape) : ([...t.shape] as Shape)));
  const innerClasses = isModel(layer)
    ? layer.layers.map((l) => l.getClassName())
    : [wrappedLayer(layer)?.getClassName() ?? layer.getClassName()];
  const kind = chooseTemplate({
    type: isModel(layer) ? 'model' : 'layer',
    className: layer.getClassName(),
    innerClasses,
    inputShapes,
    outputShapes,
  });
  const info: ComponentInfo = {
    name: layer.name,
    type: isModel(layer) ? 'model' : 'layer',
    className: layer.getClassName(),
    kind,
    inputShapes,
    inputDtypes,
    outputShapes,
    outputDtypes: outputs.map((t) => t.dtype as DType),
    outputActivation: finalActivation(layer),
    masking: maskBehaviour(tf, layer, inputShapes, inputDtypes),
    params: layer.countParams(),
  };
  if (wrapper) info.wrapper = wrapper.name;
  const recurrent =
    kind === 'recurrent' ? recurrentFacts(layer, outputShapes[0] ?? [], inputShapes.length, outputShapes.length) : undefined;
  if (recurrent) info.recurrent = recurrent;
  const embedding = kind === 'embedding' ? embeddingFacts(layer) : undefined;
  if (embedding) info.embedding = embedding;
  // Free spatial axes: the stub needs the original's size arithmetic.
  const freeSpatial = kind === 'conv' && (outputShapes[0] ?? []).slice(1, -1).some((d) => d === null);
  const conv = freeSpatial ? spatialMap(layer, inputShapes[0] ?? [], outputShapes[0] ?? []) : null;
  if (conv) info.conv = conv;
  const window = kind === 'conv' ? convWindow(layer) : undefined;
  if (window) info.window = window;
  const site = sites[0];
  if (site && site.file === file) info.source = { file: site.file, line: site.line };
  return info;
}

function recurrentFacts(layer: Layer, outputShape: Shape, inputs: number, outputs: number): RecurrentFacts {
  const rnn = isModel(layer) ? [...layer.layers].reverse().find((l) => RECURRENT_CLASSES.test(l.getClassName())) : layer;
  const config = (rnn?.getConfig() ?? {}) as { layer?: { className?: string; config?: Record<string, unknown> }; goBackwards?: boolean };
  const bidirectional = rnn?.getClassName() === 'Bidirectional';
  const cellClass = bidirectional ? (config.layer?.className ?? 'LSTM') : (rnn?.getClassName() ?? 'LSTM');
  const cellConfig = (bidirectional ? config.layer?.config : config) as { goBackwards?: boolean } | undefined;
  return {
    cell: cellClass === 'GRU' ? 'gru' : cellClass === 'SimpleRNN' ? 'simpleRNN' : 'lstm',
    returnSequences: outputShape.length === 3,
    goBackwards: Boolean(cellConfig?.goBackwards) && !isModel(layer),
    bidirectional,
    // Only a layer itself (not a model holding one) shows its states at its boundary.
    returnState: !isModel(layer) && outputs > 1,
    initialState: !isModel(layer) && inputs > 1,
  };
}

function embeddingFacts(layer: Layer): EmbeddingFacts {
  const config = layer.getConfig() as { inputDim?: number; maskZero?: boolean };
  return { inputDim: config.inputDim ?? 1, maskZero: Boolean(config.maskZero) };
}

function boundaries(
  nodes: GraphNode[],
  components: ProbedComponent[],
  model: Discovered['model'],
  masked: Map<number, boolean>,
): { list: Boundary[]; ids: number[] } {
  const holders = new Map(components.map((c) => [c.holder, c.info.name]));
  const list: Boundary[] = [];
  const ids: number[] = [];
  const seen = new Set<string>();
  const add = (t: SymbolicTensor, from: string, to: string): void => {
    const key = `${from}->${to}#${t.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    list.push({ from, to, shape: [...t.shape], dtype: t.dtype as DType, masked: masked.get(t.id) ?? false });
    ids.push(t.id);
  };
  for (const node of nodes) {
    node.inputs.forEach((t) => {
      const producer = t.sourceLayer;
      const from = holders.get(producer) ?? producer.name;
      const to = holders.get(node.layer) ?? node.layer.name;
      if (holders.has(producer) || holders.has(node.layer)) add(t, from, to);
    });
  }
  for (const t of model.outputs) {
    const name = holders.get(t.sourceLayer);
    if (name) add(t, name, 'output');
  }
  return { list, ids };
}
