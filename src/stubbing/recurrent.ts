import { RECURRENT_CLASSES, type StubStrategy } from './strategy.js';

/** Sequence in, sequence or summary out: a 2-unit RNN of the same kind, projected to the width. */
export const recurrent: StubStrategy = {
  matches: (f) => {
    if (f.inputShapes.length !== 1 || f.outputShapes.length !== 1) return false;
    if (f.inputShapes[0]?.length !== 3) return false;
    const rankOut = f.outputShapes[0]?.length;
    if (rankOut !== 2 && rankOut !== 3) return false;
    if (f.type === 'layer') return RECURRENT_CLASSES.test(f.className);
    return f.innerClasses.some((c) => RECURRENT_CLASSES.test(c));
  },
};
