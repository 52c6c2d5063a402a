import type { layers } from '@tensorflow/tfjs';
import type { LoadedComposite } from '../model/composite.js';
import type { Discovered, FoundComponent } from '../model/probe.js';
import type { RunContext } from '../model/run-context.js';
import { isModel } from '../tfjs/activation.js';
import { topLevelNodes, wrappedLayer } from '../tfjs/graph.js';

type Layer = layers.Layer;

/**
 * The components of the composite: every nested model applied as a layer (also inside a wrapper,
 * whose inner model is the component) and every built-in layer with at least `--min-params`
 * parameters. Layers of the user's own classes are never components: they are what is checked.
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
    const layer = componentOf(node.layer, ctx.builtins, ctx.opts.minParams);
    if (!layer) continue;
    components.push({ layer, holder: node.layer, node, applySites: loaded.applySites.get(node.layer) ?? [] });
  }
  return { model, builtins: ctx.builtins, nodes, components, applySites: loaded.applySites };
}

function componentOf(layer: Layer, builtins: ReadonlySet<unknown>, minParams: number): Layer | undefined {
  if (isModel(layer)) return layer;
  const inner = wrappedLayer(layer);
  if (inner && isModel(inner)) return inner;
  if (!builtins.has(layer.constructor)) return undefined;
  // A heavy layer inside TimeDistributed is stubbed per step and the wrapper kept (a stub of the
  // whole wrapper would mix the steps). Bidirectional stays whole: its stub is bidirectional.
  if (inner && layer.getClassName() === 'TimeDistributed' && builtins.has(inner.constructor)) {
    return inner.countParams() >= minParams ? inner : undefined;
  }
  return layer.countParams() >= minParams ? layer : undefined;
}
