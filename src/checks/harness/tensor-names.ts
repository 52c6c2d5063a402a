import type { ProbeResult } from '../../model/probe.js';
import type { Place } from '../../model/place.js';

/**
 * Where each tensor of the composite shows in findings: the boundary `producer -> consumer`
 * (components by their own name, the first consumer), `output 'name'` for a model output nobody
 * consumes, and the producing layer for any other tensor (an output of a layer no one reads).
 */
export function tensorNames(probe: ProbeResult): (id: number) => Place {
  const holder = new Map(probe.components.map((c) => [c.holder, c.info.name]));
  const name = (layer: { name: string }): string => holder.get(layer as never) ?? layer.name;
  const places = new Map<number, Place>();
  for (const node of probe.nodes) {
    for (const t of node.inputs) {
      if (!places.has(t.id)) places.set(t.id, { kind: 'boundary', from: name(t.sourceLayer), to: name(node.layer) });
    }
  }
  for (const t of probe.model.outputs) {
    if (!places.has(t.id)) places.set(t.id, { kind: 'output', name: name(t.sourceLayer) });
  }
  for (const node of probe.nodes) {
    for (const t of node.outputs) if (!places.has(t.id)) places.set(t.id, { kind: 'layer', name: name(node.layer) });
  }
  return (id) => places.get(id) ?? { kind: 'layer', name: `tensor ${id}` };
}
