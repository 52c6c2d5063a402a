import type { Shape } from '../model/shape.js';

/** What the choice of a stub template may look at. */
export interface ComponentFacts {
  type: 'model' | 'layer';
  className: string;
  /** Class names of the layers inside a nested model (or of the wrapped layer), in topological order. */
  innerClasses: string[];
  inputShapes: Shape[];
  outputShapes: Shape[];
}

/** One stub family: decides whether it can stand in for a component. */
export interface StubStrategy {
  matches(facts: ComponentFacts): boolean;
}

export const RECURRENT_CLASSES = /^(LSTM|GRU|SimpleRNN|Bidirectional)$/;
export const CONV_CLASSES = /^(Conv1D|Conv2D|SeparableConv2D|DepthwiseConv2D)$/;
