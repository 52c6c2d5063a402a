import type { DType, Shape } from './shape.js';
import type { SourceLocation } from './source.js';

/** The stub families that ship in `stubs/`. */
export const STUB_TEMPLATES = ['conv', 'recurrent', 'dense', 'embedding', 'generic'] as const;
export type StubTemplate = (typeof STUB_TEMPLATES)[number];

/** What a component does with masks, as the graph executor of tfjs sees it. */
export interface MaskBehaviour {
  /** `layer.supportsMasking`: when false, tfjs never calls `computeMask` for it. */
  supports: boolean;
  /** The layer's computation uses the mask it receives (RNNs, nested models holding one). */
  consumes: boolean;
  /** What `computeMask` returns: nothing, the input mask unchanged, or `input != 0` (Embedding maskZero). */
  emits: 'none' | 'pass' | 'nonzero';
}

/** Extra facts a stub template needs, recorded by the probe. */
export interface RecurrentFacts {
  cell: 'lstm' | 'gru' | 'simpleRNN';
  returnSequences: boolean;
  goBackwards: boolean;
  bidirectional: boolean;
  /** Returns its final states after its output. */
  returnState: boolean;
  /** Takes initial states after the sequence. */
  initialState: boolean;
}

/**
 * How a conv component with free spatial axes maps an input size to its output size, per spatial
 * axis: `floor((n - kernel) / stride) + 1`, measured on the original (any chain of 'same',
 * 'valid', 'causal' or dilated convs, poolings and croppings has this form).
 */
export interface ConvFacts {
  strides: number[];
  padding: 'valid';
  kernel: number[];
}

export interface EmbeddingFacts {
  inputDim: number;
  maskZero: boolean;
}

/** A component's size and cost: what building it and running it takes. */
export interface CostFigures {
  params: number;
  /** Bytes of its weights. */
  weightBytes: number;
  /** Bytes of the outputs of every layer in it, per sample (free axes counted as 64). */
  activationBytesPerSample: number;
  /** Building it: drawing its weights from their initialisers (real: estimated; twin: measured). */
  buildMs: number;
  /**
   * One forward pass of one sample (real: estimated on the stock CPU backend; twin: the least per
   * sample over the checks' passes, null when no pass ran it: a watch session reused its outputs).
   */
  forwardMs: number | null;
}

/** Everything the probe learns about one component, without running it. */
export interface ComponentInfo {
  name: string;
  /** `model` for a nested LayersModel, `layer` for a heavy built-in layer. */
  type: 'model' | 'layer';
  /** The tfjs class name (`Sequential`, `LSTM`, `Conv2D`, ...). */
  className: string;
  /** When the component sits inside a wrapper (`TimeDistributed`, `Bidirectional`): the wrapper layer's name. */
  wrapper?: string;
  /** The stub template, or `layered`: a nested model stubbed layer by layer inside (see `layered`). */
  kind: StubTemplate | 'layered';
  inputShapes: Shape[];
  inputDtypes: DType[];
  outputShapes: Shape[];
  outputDtypes: DType[];
  /** Activation of the final layer (`relu`, `sigmoid`, `softmax`, `tanh`, `linear`, ...). */
  outputActivation: string;
  masking: MaskBehaviour;
  params: number;
  recurrent?: RecurrentFacts;
  embedding?: EmbeddingFacts;
  conv?: ConvFacts;
  /** A conv component that reads only each step (`point`) or only each step and earlier ones (`causal`). */
  window?: 'point' | 'causal';
  /**
   * A nested model no single stub stands in for faithfully (it holds the user's own layer, its
   * outputs end in different activations, or no template fits its shapes): its own expensive
   * layers are stubbed, and everything else in it (the user's layers among them) stays.
   */
  layered?: { reason: string; parts: ComponentInfo[] };
  source?: SourceLocation;
}
