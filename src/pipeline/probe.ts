import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs';
import { ScaffoldError } from '../errors.js';
import type { ComponentInfo, EmbeddingFacts, RecurrentFacts } from '../model/component.js';
import type { Boundary } from '../model/report.js';
import type { DType, Shape } from '../model/shape.js';
import type { SourceLocation } from '../model/source.js';
import { chooseTemplate } from '../stubbing/registry.js';
import { RECURRENT_CLASSES } from '../stubbing/strategy.js';
import { finalActivation, isModel } from '../tfjs/activation.js';
import type { ApplySites } from '../tfjs/apply-sites.js';
import { topLevelNodes, wrappedLayer, type GraphNode } from '../tfjs/graph.js';
import { maskBehaviour } from '../tfjs/mask-behaviour.js';
import { carriedMasks } from '../tfjs/carried-masks.js';
import type { Tf } from '../tfjs/tf-instance.js';

type Layer = layers.Layer;

/** A component found in the composite, with the tfjs objects the twin needs. */
export interface ProbedComponent {
  info: ComponentInfo;
  /** The component itself: the nested model or the heavy layer. */
  layer: Layer;
  /** The layer applied in the top-level graph: the component, or the wrapper that holds it. */
  holder: Layer;
  applySites: SourceLocation[];
}

export interface ProbeResult {
  model: LayersModel;
  /** tfjs's own layer classes (anything else is the user's). */
  builtins: ReadonlySet<unknown>;
  nodes: GraphNode[];
  components: ProbedComponent[];
  boundaries: Boundary[];
  /** Id of the original tensor crossing each boundary (parallel to `boundaries`). */
  boundaryTensors: number[];
  /** Tensor id -> carries a mask under Keras rules. */
  masked: Map<number, boolean>;
}

export interface ProbeOptions {
  minParams: number;
  file: string;
  builtins: ReadonlySet<unknown>;
  applySites: ApplySites;
}

/** Finds the components of a composite built with free initialisers, and every boundary around them. */
export function probe(tf: Tf, model: LayersModel, options: ProbeOptions): ProbeResult {
  const nodes = topLevelNodes(model);
  const components: ProbedComponent[] = [];
  const seen = new Set<Layer>();
  for (const node of nodes) {
    if (seen.has(node.layer)) continue;
    seen.add(node.layer);
    const found = componentOf(node.layer, options);
    if (!found) continue;
    const sites = options.applySites.get(node.layer) ?? [];
    components.push({ ...found, holder: node.layer, applySites: sites, info: describe(tf, found.layer, node, sites, options) });
  }
  if (components.length === 0) {
    throw new ScaffoldError('E_NOTHING_TO_STUB', `${model.name} has nothing to stub: no nested model and no built-in layer with ${options.minParams} or more parameters`, {
      hint: 'lower the threshold with --min-params N, or check that the factory returns the whole composite',
      location: { file: options.file, line: 1 },
    });
  }
  const masked = carriedMasks(tf, model, nodes);
  const crossing = boundaries(nodes, components, model, masked);
  return { model, builtins: options.builtins, nodes, components, boundaries: crossing.list, boundaryTensors: crossing.ids, masked };
}

function componentOf(layer: Layer, options: ProbeOptions): { layer: Layer } | undefined {
  if (isModel(layer)) return { layer };
  const inner = wrappedLayer(layer);
  if (inner && isModel(inner)) return { layer: inner };
  if (!options.builtins.has(layer.constructor)) return undefined;
  return layer.countParams() >= options.minParams ? { layer } : undefined;
}

function describe(tf: Tf, layer: Layer, node: GraphNode, sites: SourceLocation[], options: ProbeOptions): ComponentInfo {
  const wrapper = layer === node.layer ? undefined : node.layer;
  // A component inside a wrapper sees one time step: take the inner model's own boundary shapes.
  const inputs = wrapper && isModel(layer) ? layer.inputs : node.inputs;
  const outputs = wrapper && isModel(layer) ? layer.outputs : node.outputs;
  const inputShapes = inputs.map((t) => [...t.shape] as Shape);
  const inputDtypes = inputs.map((t) => t.dtype as DType);
  const outputShapes = outputs.map((t) => [...t.shape] as Shape);
  const innerClasses = isModel(layer) ? layer.layers.map((l) => l.getClassName()) : [wrappedLayer(layer)?.getClassName() ?? layer.getClassName()];
  const kind = chooseTemplate({ type: isModel(layer) ? 'model' : 'layer', className: layer.getClassName(), innerClasses, inputShapes, outputShapes });
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
  const recurrent = kind === 'recurrent' ? recurrentFacts(layer, outputShapes[0] ?? []) : undefined;
  if (recurrent) info.recurrent = recurrent;
  const embedding = kind === 'embedding' ? embeddingFacts(layer) : undefined;
  if (embedding) info.embedding = embedding;
  const site = sites[0];
  if (site && site.file === options.file) info.source = { file: site.file, line: site.line };
  return info;
}

function recurrentFacts(layer: Layer, outputShape: Shape): RecurrentFacts {
  const rnn = isModel(layer) ? [...layer.layers].reverse().find((l) => RECURRENT_CLASSES.test(l.getClassName())) : layer;
  const config = (rnn?.getConfig() ?? {}) as { layer?: { className?: string; config?: Record<string, unknown> }; goBackwards?: boolean };
  const bidirectional = rnn?.getClassName() === 'Bidirectional';
  const cellClass = bidirectional ? config.layer?.className ?? 'LSTM' : rnn?.getClassName() ?? 'LSTM';
  const cellConfig = (bidirectional ? config.layer?.config : config) as { goBackwards?: boolean } | undefined;
  return {
    cell: cellClass === 'GRU' ? 'gru' : cellClass === 'SimpleRNN' ? 'simpleRNN' : 'lstm',
    returnSequences: outputShape.length === 3,
    goBackwards: Boolean(cellConfig?.goBackwards) && !isModel(layer),
    bidirectional,
  };
}

function embeddingFacts(layer: Layer): EmbeddingFacts {
  const config = layer.getConfig() as { inputDim?: number; maskZero?: boolean };
  return { inputDim: config.inputDim ?? 1, maskZero: Boolean(config.maskZero) };
}

function boundaries(
  nodes: GraphNode[],
  components: ProbedComponent[],
  model: LayersModel,
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
