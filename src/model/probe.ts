import type { LayersModel, layers } from '@tensorflow/tfjs';
import type { ComponentInfo } from './component.js';
import type { ApplySites } from './composite.js';
import type { GraphNode } from './graph.js';
import type { Boundary } from './report.js';
import type { SourceLocation } from './source.js';

/** A layer of the top-level graph that the twin replaces, as the discover stage finds it. */
export interface FoundComponent {
  /** The component itself: the nested model or the expensive layer. */
  layer: layers.Layer;
  /** The layer applied in the top-level graph: the component, or the wrapper that holds it. */
  holder: layers.Layer;
  /** The first application of the holder in the top-level graph. */
  node: GraphNode;
  applySites: SourceLocation[];
}

/** The discover stage's output: the model's top-level graph and its components. */
export interface Discovered {
  model: LayersModel;
  /** tfjs's own layer classes (anything else is the user's). */
  builtins: ReadonlySet<unknown>;
  nodes: GraphNode[];
  components: FoundComponent[];
  /** Where the user's code applied each layer (for the components of nested models too). */
  applySites: ApplySites;
}

/** A component found in the composite, with the tfjs objects the twin needs. */
export interface ProbedComponent {
  info: ComponentInfo;
  /** The component itself: the nested model or the heavy layer. */
  layer: layers.Layer;
  /** The layer applied in the top-level graph: the component, or the wrapper that holds it. */
  holder: layers.Layer;
  applySites: SourceLocation[];
  /** A layered component (info.layered): its own graph, probed like a composite. */
  inner?: ProbeResult;
}

/** An expensive layer kept real in the twin, and why no stub fits it. */
export interface KeptComponent {
  /** The layer's name (inside a layered component: `component/layer`). */
  name: string;
  reason: string;
  source?: SourceLocation;
}

/** The probe stage's output: every component described, and every boundary around them. */
export interface ProbeResult {
  model: LayersModel;
  /** tfjs's own layer classes (anything else is the user's). */
  builtins: ReadonlySet<unknown>;
  nodes: GraphNode[];
  components: ProbedComponent[];
  /** Expensive layers no stub fits: they stay real in the twin (slower, never refused). */
  kept: KeptComponent[];
  boundaries: Boundary[];
  /** Id of the original tensor crossing each boundary (parallel to `boundaries`). */
  boundaryTensors: number[];
  /** Tensor id -> carries a mask under Keras rules. */
  masked: Map<number, boolean>;
}
