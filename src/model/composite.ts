import type { LayersModel } from '@tensorflow/tfjs';
import type { SourceLocation } from './source.js';

/** Where the user's code called `.apply(` on each layer, in call order. */
export type ApplySites = WeakMap<object, SourceLocation[]>;
/** Where the user's code called `model.compile(` on each model (the last call). */
export type CompileSites = WeakMap<object, SourceLocation>;

/** The load stage's output: the user's model, built with free initialisers, and where its code is. */
export interface LoadedComposite {
  model: LayersModel;
  exportName: string;
  exportKind: 'factory' | 'async-factory' | 'instance';
  /** The module's other exports (hints live in `mini`). */
  exports: Record<string, unknown>;
  source: string;
  applySites: ApplySites;
  compileSites: CompileSites;
  /** The composite and the user's files it imported (absolute paths). */
  files: string[];
}
