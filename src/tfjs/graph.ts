import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs';
import type { GraphNode } from '../model/graph.js';

type Layer = layers.Layer;

interface TfNode {
  outboundLayer: Layer;
  inputTensors: SymbolicTensor[];
  outputTensors: SymbolicTensor[];
  callArgs?: Record<string, unknown>;
}

/** The model's own nodes in topological order (inputs first), input layers left out. */
export function topLevelNodes(model: LayersModel): GraphNode[] {
  const byDepth = (model as unknown as { nodesByDepth?: Record<string, TfNode[]> }).nodesByDepth;
  // A Sequential not built yet (never compiled, called or predicted) has no graph of its own: its
  // layers' nodes, reached back from its outputs, are the same.
  if (!byDepth || Object.keys(byDepth).length === 0) return nodesFromOutputs(model);
  const depths = Object.keys(byDepth)
    .map(Number)
    .sort((a, b) => b - a);
  const nodes: GraphNode[] = [];
  for (const depth of depths) {
    for (const node of byDepth[String(depth)] ?? []) {
      if (!isInputLayer(node.outboundLayer)) nodes.push(graphNode(node.outboundLayer, node));
    }
  }
  return nodes;
}

function nodesFromOutputs(model: LayersModel): GraphNode[] {
  const nodes: GraphNode[] = [];
  const visited = new Set<TfNode>();
  const visit = (t: SymbolicTensor): void => {
    const layer = t.sourceLayer as Layer | undefined;
    const inbound = (layer as unknown as { inboundNodes?: TfNode[] } | undefined)?.inboundNodes ?? [];
    const node = inbound[t.nodeIndex] ?? inbound.find((n) => n.outputTensors.includes(t));
    if (!layer || !node || visited.has(node)) return;
    visited.add(node);
    for (const input of node.inputTensors) visit(input);
    if (!isInputLayer(layer)) nodes.push(graphNode(layer, node));
  };
  for (const output of model.outputs ?? []) visit(output);
  return nodes;
}

function graphNode(layer: Layer, node: TfNode): GraphNode {
  const inbound = (layer as unknown as { inboundNodes: TfNode[] }).inboundNodes;
  return { layer, nodeIndex: inbound.indexOf(node), inputs: node.inputTensors, outputs: node.outputTensors, callArgs: node.callArgs ?? {} };
}

function isInputLayer(layer: Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/** The first layer a layer's (or an input layer's) output feeds, if any. */
export function firstConsumer(layer: Layer): Layer | undefined {
  const outbound = (layer as unknown as { outboundNodes?: { outboundLayer: Layer }[] }).outboundNodes;
  return outbound?.[0]?.outboundLayer;
}

/** The innermost layer of a wrapper (`TimeDistributed`, `Bidirectional`), or undefined. */
export function wrappedLayer(layer: Layer): Layer | undefined {
  const inner = (layer as unknown as { layer?: Layer }).layer;
  return inner && typeof inner === 'object' && typeof inner.getClassName === 'function' ? inner : undefined;
}

/**
 * A model whose own graph can be walked: a functional model is its own; a Sequential keeps its
 * nodes in a model of its own, so a functional model over its input and output tensors (the same
 * layers and nodes, no weight copied) stands in for it.
 */
export function walkable(
  tf: { model: (args: { inputs: SymbolicTensor[]; outputs: SymbolicTensor[]; name: string }) => LayersModel },
  model: LayersModel,
): LayersModel {
  if (topLevelNodes(model).length > 0 || model.layers.length === 0) return model;
  return tf.model({ inputs: model.inputs, outputs: model.outputs, name: `${model.name}_graph` });
}
