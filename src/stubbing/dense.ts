import type { StubStrategy } from './strategy.js';

/** Features in, features out along the last axis. */
export const dense: StubStrategy = {
  matches: (f) =>
    f.type === 'layer' &&
    f.className === 'Dense' &&
    f.inputShapes.length === 1 &&
    f.outputShapes.length === 1 &&
    f.inputShapes[0]?.length === f.outputShapes[0]?.length,
};
