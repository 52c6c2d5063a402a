import type { layers } from '@tensorflow/tfjs';
import type { LoadedComposite } from '../model/composite.js';
import type { GraphNode } from '../model/graph.js';
import type { Discovered, FoundComponent } from '../model/probe.js';
import type { RunContext } from '../model/run-context.js';
import { isExpensive, layerCost } from '../stubbing/cost.js';
import { isModel } from '../tfjs/activation.js';
import { topLevelNodes, wrappedLayer } from '../tfjs/graph.js';

type Layer = layers.Layer;

/**
 * The components of the composite: every nested model applied as a layer (also inside a wrapper,
 * whose inner model is the component) and every expensive built-in layer. Layers of the user's own classes are never components: they are what is checked.
 * A model with no component is checked as it is (its twin is itself, with seeded weights).
 */
export function discover(loaded: Pick<LoadedComposite, 'model' | 'applySites'>, ctx: Pick<RunContext, 'builtins' | 'opts'>): Discovered {
  const { model } = loaded;
  const nodes = topLevelNodes(model);
  const components: FoundComponent[] = [];
  const seen = new Set<Layer>();
  for (const node of nodes) {
    if (seen.has(node.layer)) continue;
    seen.add(node.layer);
    const layer = componentOf(node, ctx.builtins, ctx.opts.minParams);
    if (!layer) continue;
    components.push({ layer, holder: node.layer, node, applySites: loaded.applySites.get(node.layer) ?? [] });
  }
  return { model, builtins: ctx.builtins, nodes, components, applySites: loaded.applySites };
}

/**
 * The component a node applies, if any: a nested model (also inside a wrapper), or a built-in
 * layer that is expensive (its forward pass, its weights, a recurrent loop: see stubbing/cost.ts)
 * or, with `--min-params N`, has at least N parameters. A cheap layer (a Dense gate or head)
 * stays real: a bug in it is measured on the user's own layer.
 */
function componentOf(node: GraphNode, builtins: ReadonlySet<unknown>, minParams: number | undefined): Layer | undefined {
  const layer = node.layer;
  if (isModel(layer)) return layer;
  const inner = wrappedLayer(layer);
  if (inner && isModel(inner)) return inner;
  if (!builtins.has(layer.constructor)) return undefined;
  const heavy = (l: Layer, inputs: typeof node.inputs, outputs: typeof node.outputs): boolean =>
    isExpensive(layerCost(l, inputs, outputs)) || (minParams !== undefined && l.countParams() >= minParams);
  // A heavy layer inside TimeDistributed is stubbed per step and the wrapper kept (a stub of the
  // whole wrapper would mix the steps). Bidirectional stays whole: its stub is bidirectional.
  if (inner && layer.getClassName() === 'TimeDistributed' && builtins.has(inner.constructor)) {
    return heavy(inner, node.inputs, node.outputs) ? inner : undefined;
  }
  return heavy(layer, node.inputs, node.outputs) ? layer : undefined;
}
