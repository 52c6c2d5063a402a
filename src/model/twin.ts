import type { LayersModel, SymbolicTensor, layers } from '@tensorflow/tfjs';
import type { StubSpec } from '../../stubs/spec.js';

/** The twin stage's output: the composite's graph rebuilt with each component replaced by its stub. */
export interface Twin {
  model: LayersModel;
  /** Component name -> its stub spec and the stub layer in the twin. */
  stubs: Map<string, { spec: StubSpec; layer: layers.Layer }>;
  /** Layered component name -> its own twin (applied in its place; its model is a layer of this twin). */
  layered: Map<string, Twin>;
  /** Id of a tensor of the original graph -> the twin's tensor in its place. */
  tensors: Map<number, SymbolicTensor>;
  /** Name of a layer of the original graph -> the layer applied in its place in the twin. */
  layers: Map<string, layers.Layer>;
  params: number;
  /** Per stub (`outer/inner` inside a layered component), the factor on each output's pre-activation from calibration. */
  gains: Map<string, number[]>;
  /** What the twin stage did that the report should say (calibration). */
  notes: string[];
  /** By component: what its stub (or a layered component's twin) took to build (a timing, not part of a verdict). */
  buildMs: Map<string, number>;
}
