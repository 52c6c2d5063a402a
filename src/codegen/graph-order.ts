import type { GraphSpec, TensorRef, TwinComponent } from '../model/twin-spec.js';

type GraphLayer = GraphSpec['layers'][number];

/** One application of a layer, by its position in `layers` and in that layer's `nodes`. */
export interface NodeSlot {
  layer: number;
  node: number;
}

/** States an RNN returns besides its output when `returnState` is set. */
const RNN_STATES: Readonly<Record<string, number>> = { LSTM: 2, ConvLSTM2D: 2, GRU: 1, SimpleRNN: 1 };

/**
 * Reads a GraphSpec as a graph of node slots. A TensorRef's `nodeIndex` is tfjs's numbering
 * (`layer.inboundNodes`, which also counts applications outside this graph, e.g. a nested model's
 * own node 0). When the node entries carry their `nodeIndex` it is matched exactly; else it is taken
 * as the position in `nodes` when every index fits, or as its rank among the indices this graph uses
 * (both assume `nodes` lists a layer's applications in the order they were made).
 */
export class GraphOrder {
  private readonly layerIndex = new Map<string, number>();
  private readonly nodeMaps = new Map<string, Map<number, number>>();
  private readonly outputCounts = new Map<string, number>();

  constructor(
    private readonly graph: GraphSpec,
    components: readonly TwinComponent[],
  ) {
    const inputNames = new Set(graph.inputs.map((i) => i.name));
    graph.layers.forEach((layer, i) => {
      if (!inputNames.has(layer.name)) this.layerIndex.set(layer.name, i);
    });
    const refs = [...graph.layers.flatMap((l) => l.nodes.flatMap((n) => n.inbound)), ...graph.outputs];
    for (const layer of graph.layers) {
      const recorded = layer.nodes.map((n) => (n as { nodeIndex?: unknown }).nodeIndex);
      if (recorded.every((n): n is number => typeof n === 'number')) {
        this.nodeMaps.set(layer.name, new Map(recorded.map((n, k) => [n, k])));
        continue;
      }
      const used = [...new Set(refs.filter((r) => r.layer === layer.name).map((r) => r.nodeIndex))].sort((a, b) => a - b);
      const identity = used.every((n) => n < layer.nodes.length);
      this.nodeMaps.set(layer.name, new Map(used.map((n, rank) => [n, identity ? n : rank])));
    }
    for (const ref of refs) {
      const key = this.key(ref);
      this.outputCounts.set(key, Math.max(this.outputCounts.get(key) ?? 1, ref.tensorIndex + 1));
    }
    const stubOutputs = new Map(components.map((c) => [c.name, c.stub.outputShapes.length]));
    graph.layers.forEach((layer, li) => {
      const least = Math.max(stubOutputs.get(layer.name) ?? 1, returnedStates(layer) + 1);
      layer.nodes.forEach((_, k) => {
        const key = `${li}:${k}`;
        this.outputCounts.set(key, Math.max(this.outputCounts.get(key) ?? 1, least));
      });
    });
  }

  /** The slot a reference points at, or undefined when it names a model input. */
  slot(ref: TensorRef): NodeSlot | undefined {
    const layer = this.layerIndex.get(ref.layer);
    if (layer === undefined) return undefined;
    const node = this.nodeMaps.get(ref.layer)?.get(ref.nodeIndex) ?? ref.nodeIndex;
    const spec = this.graph.layers[layer];
    if (!spec?.nodes[node])
      throw new Error(`scaffold-mini: the graph refers to node ${ref.nodeIndex} of '${ref.layer}', which it does not list`);
    return { layer, node };
  }

  /** How many tensors the application in `slot` returns. */
  outputCount(slot: NodeSlot): number {
    return this.outputCounts.get(`${slot.layer}:${slot.node}`) ?? 1;
  }

  /** Every application, each after those it consumes; ties keep the graph's own order. */
  order(): NodeSlot[] {
    const pending: { slot: NodeSlot; deps: NodeSlot[] }[] = [];
    this.graph.layers.forEach((layer, li) => {
      if (!this.layerIndex.has(layer.name)) return;
      layer.nodes.forEach((node, k) => {
        const deps = node.inbound.map((r) => this.slot(r)).filter((s): s is NodeSlot => s !== undefined);
        pending.push({ slot: { layer: li, node: k }, deps });
      });
    });
    const done = new Set<string>();
    const ordered: NodeSlot[] = [];
    while (pending.length > 0) {
      const next = pending.findIndex((p) => p.deps.every((d) => done.has(`${d.layer}:${d.node}`)));
      if (next < 0) throw new Error('scaffold-mini: the graph has a cycle or refers to a node it does not list');
      const [item] = pending.splice(next, 1);
      if (!item) break;
      ordered.push(item.slot);
      done.add(`${item.slot.layer}:${item.slot.node}`);
    }
    return ordered;
  }

  private key(ref: TensorRef): string {
    const slot = this.layerIndex.has(ref.layer) ? this.slot(ref) : undefined;
    return slot ? `${slot.layer}:${slot.node}` : `input:${ref.layer}`;
  }
}

function returnedStates(layer: GraphLayer): number {
  const config = layer.config;
  if (layer.className === 'Bidirectional') {
    const inner = config['layer'] as { className?: string; config?: Record<string, unknown> } | undefined;
    const states = inner?.config?.['returnState'] === true ? (RNN_STATES[inner.className ?? ''] ?? 0) : 0;
    return 2 * states;
  }
  return config['returnState'] === true ? (RNN_STATES[layer.className] ?? 0) : 0;
}
