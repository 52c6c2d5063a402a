import { RECURRENT_CLASSES, type StubStrategy } from './strategy.js';

/** Sequence in, sequence or summary out: a 2-unit RNN of the same kind, projected to the width. */
export const recurrent: StubStrategy = {
  matches: (f) => {
    // A layer may take its initial states after the sequence and return its final states after
    // its output (h, and c for an LSTM), each [batch, units].
    const states = f.className === 'LSTM' ? 2 : 1;
    const statesOk = (shapes: typeof f.inputShapes) => shapes.slice(1).every((s) => s.length === 2);
    const layerStates = f.type === 'layer' && f.className !== 'Bidirectional' && RECURRENT_CLASSES.test(f.className);
    if (layerStates) {
      if (![1, 1 + states].includes(f.inputShapes.length) || ![1, 1 + states].includes(f.outputShapes.length)) return false;
      if (!statesOk(f.inputShapes) || !statesOk(f.outputShapes)) return false;
    } else if (f.inputShapes.length !== 1 || f.outputShapes.length !== 1) return false;
    if (f.inputShapes[0]?.length !== 3) return false;
    const rankOut = f.outputShapes[0]?.length;
    if (rankOut !== 2 && rankOut !== 3) return false;
    if (f.type === 'layer') return RECURRENT_CLASSES.test(f.className);
    return f.innerClasses.some((c) => RECURRENT_CLASSES.test(c));
  },
};
