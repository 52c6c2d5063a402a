import type fc from 'fast-check';
import type { Shape } from './shape.js';

/** How fake values for one model input are drawn. */
export interface InputPlan {
  name: string;
  shape: Shape;
  dtype: 'float32' | 'int32';
  values: { kind: 'int'; lo: number; hi: number } | { kind: 'float'; lo: number; hi: number };
  /** Where the values came from: a hint, an Embedding it feeds, or the default. */
  origin: string;
  /** A padded sequence input (time axis 1): the value that fills padded steps, and where padding may go. */
  /**
   * `maker`: the top-level layer that masks the padding; `inside`: the nested model holding the
   * layer that masks it (its mask is made and read in there, out of the checks' sight).
   */
  sequence?: { pad: number; sides: ('post' | 'pre')[]; origin: string; maker?: string; inside?: string };
  /** Hinted `causal: true`: the output at step t must not depend on input steps after t. */
  causal: boolean;
}

/** One generated case: a batch size, one length for the free dimensions, and a data seed. */
export interface Sample {
  batch: number;
  length: number;
  dataSeed: number;
  /** Real (unpadded) steps of each sample of the batch, before clamping to the sequence length. */
  real: number[];
  /** Which side of the real steps the padding goes. */
  side: 'post' | 'pre';
}

/** Every input's plan and the arbitrary that draws samples for them. */
export interface SampleSpace {
  plans: InputPlan[];
  hasFreeDims: boolean;
  /** The shortest length drawn for free dimensions. */
  minLength: number;
  arbitrary: fc.Arbitrary<Sample>;
}
