import type { SymbolicTensor, layers } from '@tensorflow/tfjs';

/** One application of a layer inside the top-level graph of a model. */
export interface GraphNode {
  layer: layers.Layer;
  /** Index of this node in `layer.inboundNodes` (tfjs's own numbering). */
  nodeIndex: number;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  callArgs: Record<string, unknown>;
}
