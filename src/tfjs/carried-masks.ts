import type { LayersModel } from '@tensorflow/tfjs';
import type { Shape } from '../model/shape.js';
import type { GraphNode } from '../model/graph.js';
import { measureEmits } from './mask-behaviour.js';
import type { Tf } from './tf-instance.js';

/**
 * Which tensors of the top-level graph carry a mask under Keras rules: a layer passes or creates
 * a mask only when it supports masking, and what its `computeMask` returns is measured.
 * (tfjs's executor also hands stale masks on; that leak is what `mask-provenance` reports.)
 */
export function carriedMasks(tf: Tf, model: LayersModel, nodes: GraphNode[]): Map<number, boolean> {
  const masked = new Map<number, boolean>();
  for (const input of model.inputs) masked.set(input.id, false);
  for (const node of nodes) {
    const { layer } = node;
    let out = false;
    if (layer.supportsMasking) {
      const shapes = node.inputs.map((t) => [...t.shape] as Shape);
      const emits = measureEmits(
        tf,
        layer,
        shapes,
        node.inputs.map((t) => t.dtype),
      );
      out = emits === 'nonzero' || (emits === 'pass' && node.inputs.some((t) => masked.get(t.id) === true));
    }
    for (const t of node.outputs) masked.set(t.id, out);
  }
  return masked;
}
