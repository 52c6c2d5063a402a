import type { StubSpec } from '../../stubs/spec.js';
import type { DType, Shape } from './shape.js';
import type { SourceLocation } from './source.js';

/** One component as the emitter sees it: which stub replaces it, and where the user applies it. */
export interface TwinComponent {
  name: string;
  /** `model` (nested LayersModel) or `layer` (heavy built-in layer). */
  type: 'model' | 'layer';
  className: string;
  /** The wrapper layer (TimeDistributed, Bidirectional) that holds this component, if any. */
  wrapper?: string;
  stub: StubSpec;
  /** Every place in the user's file where `.apply(` was called on the component (or on its wrapper). */
  applySites: SourceLocation[];
  /**
   * A layer of a nested Sequential stubbed layer by layer: it is that model's layer number `index`,
   * built where the Sequential is (its `layers: [...]`), not applied by the user's code.
   */
  within?: { name: string; index: number; applySites: SourceLocation[] };
}

/** A reference to one output tensor of one node of a layer, as tfjs keeps it. */
export interface TensorRef {
  layer: string;
  nodeIndex: number;
  tensorIndex: number;
}

/** The top-level graph of the composite, in topological order: enough to regenerate the wiring. */
export interface GraphSpec {
  inputs: { name: string; shape: Shape; dtype: DType }[];
  layers: {
    name: string;
    className: string;
    /** `layer.getConfig()`: camelCase, as tfjs factories take it. */
    config: Record<string, unknown>;
    /** A subclass of tf.layers.Layer written by the user. */
    custom: boolean;
    /** Replaced by a stub (see TwinSpec.components). */
    component: boolean;
    /** A nested model stubbed layer by layer inside (its parts are in TwinSpec.components). */
    layered?: boolean;
    /** Applications of the layer in this graph, in topological order, with tfjs's own node numbering (`nodeIndex`; without it, application order). */
    nodes: { nodeIndex?: number; inbound: TensorRef[]; callArgs: Record<string, unknown> }[];
  }[];
  outputs: TensorRef[];
}

/** Everything needed to emit the miniature twin of one composite. */
export interface TwinSpec {
  /** Absolute path of the user's composite module. */
  compositeFile: string;
  /** The export that builds the model: `default` or the `--export` name. */
  exportName: string;
  /** What the export is: a factory (sync or async) or a model instance. */
  exportKind: 'factory' | 'async-factory' | 'instance';
  components: TwinComponent[];
  graph: GraphSpec;
}
