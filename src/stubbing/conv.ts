import { CONV_CLASSES, RECURRENT_CLASSES, type StubStrategy } from './strategy.js';

/** Image or sequence in, feature map out: a strided 2x2 conv and a channel projection. */
export const conv: StubStrategy = {
  matches: (f) => {
    if (f.inputShapes.length !== 1 || f.outputShapes.length !== 1) return false;
    const rankIn = f.inputShapes[0]?.length;
    const rankOut = f.outputShapes[0]?.length;
    if (rankIn !== rankOut || (rankIn !== 4 && rankIn !== 3)) return false;
    if (f.type === 'layer') return CONV_CLASSES.test(f.className);
    return f.innerClasses.some((c) => CONV_CLASSES.test(c)) && !f.innerClasses.some((c) => RECURRENT_CLASSES.test(c));
  },
};
