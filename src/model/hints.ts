/** What fake data for one model input must look like, where the tool cannot infer it. */
export interface InputHint {
  /** Integer ids in `[lo, hi)`. */
  int?: [number, number];
  /** Floats in `[lo, hi]`. */
  range?: [number, number];
  /** The value that fills padded steps of a sequence input (time axis 1). */
  pad?: number;
  /** Where the padding goes. Default: both sides are tried. */
  padding?: 'post' | 'pre' | 'both';
  /** The output at step t must not depend on input steps after t. */
  causal?: boolean;
}

/** The module's optional `export const mini: MiniSpec`: hints keyed by input name, position or first consumer. */
export interface MiniSpec {
  inputs?: Record<string, InputHint>;
}
