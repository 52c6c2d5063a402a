import type { ProbeResult } from '../../model/probe.js';

/**
 * How findings name a tensor of the composite: `producer -> consumer` (components by their own
 * name), or `output 'name'` for a model output nobody consumes.
 */
export function tensorNames(probe: ProbeResult): Map<number, string> {
  const holder = new Map(probe.components.map((c) => [c.holder, c.info.name]));
  const name = (layer: { name: string }): string => holder.get(layer as never) ?? layer.name;
  const names = new Map<number, string>();
  for (const node of probe.nodes) {
    for (const t of node.inputs) {
      if (!names.has(t.id)) names.set(t.id, `${name(t.sourceLayer)} -> ${name(node.layer)}`);
    }
  }
  for (const t of probe.model.outputs) {
    if (!names.has(t.id)) names.set(t.id, `output '${name(t.sourceLayer)}'`);
  }
  return names;
}
