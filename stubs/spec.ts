// Part of scaffold-mini's stub runtime. This folder is copied beside every emitted twin,
// so its files import nothing but each other and (types only) @tensorflow/tfjs.

/** A tensor shape; `null` marks a free dimension. Axis 0 is the batch axis. */
export type StubShape = (number | null)[];

/** What a component does with masks (see ComponentInfo.masking in the tool). */
export interface StubMask {
  /** `supportsMasking` of the original: when false, tfjs never calls `computeMask`. */
  supports: boolean;
  /** The original's computation uses the mask it receives (an RNN does). */
  consumes: boolean;
  /** What `computeMask` returns: nothing, the input mask, or `input != 0` (Embedding with maskZero). */
  emits: 'none' | 'pass' | 'nonzero';
}

/** Everything a stub needs to stand in for one component at its boundary. */
export interface StubSpec {
  /** The original component's name: the stub layer takes the same name. */
  name: string;
  template: 'conv' | 'recurrent' | 'dense' | 'embedding' | 'generic';
  /** Full input shapes of the original, batch axis included (null). */
  inputShapes: StubShape[];
  /** Full output shapes of the original, batch axis included (null). */
  outputShapes: StubShape[];
  outputDtypes: string[];
  /** The original's final activation, as a tfjs activation identifier ('relu', 'softmax', 'tanh', 'linear', ...). */
  activation: string;
  mask: StubMask;
  /** Seed for the stub's weights and fixed projections, so a twin is reproducible. */
  seed: number;
  /**
   * For a conv component with free spatial dims: the output size per spatial axis for a given input size,
   * measured on the original. Per spatial axis (one entry broadcasts): 'same' gives ceil(n / stride),
   * 'valid' gives floor((n - kernel) / stride) + 1, where `kernel` (the effective receptive field,
   * optional) defaults to the stride, i.e. floor(n / stride).
   */
  conv?: { strides: number[]; padding: 'same' | 'valid'; kernel?: number[] };
  /**
   * A conv original that reads only each step (`point`: kernels of 1), or only each step and the
   * ones before it (`causal`): the stub's core reads no wider. Otherwise its 2x2 core reads the
   * next step (and row) too.
   */
  window?: 'point' | 'causal';
  recurrent?: {
    cell: 'lstm' | 'gru' | 'simpleRNN';
    returnSequences: boolean;
    goBackwards: boolean;
    bidirectional: boolean;
    /** The original returns its final states after its output (h, and c for an LSTM). */
    returnState?: boolean;
    /** The original starts from initial states, given as the inputs after the sequence (h, and c for an LSTM). */
    initialState?: boolean;
  };
  embedding?: { inputDim: number; maskZero: boolean };
  /**
   * Per output, a factor on the stub's pre-activation (default 1): set by calibration so that the
   * stub's outputs spread as much as the original's at initialisation (see the tool's calibrate).
   */
  gain?: number[];
  /** The first layer of a Sequential needs its input shape: the original's (batch axis included). */
  batchInputShape?: StubShape;
  /**
   * Parameter count of the original. When given, the stub keeps its own trainable parameters at
   * or below 1% of it (shrinking its tiny core when needed).
   */
  originalParams?: number;
}
