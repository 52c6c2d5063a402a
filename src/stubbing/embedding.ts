import type { StubStrategy } from './strategy.js';

/** Integer ids in, vectors out (with the same maskZero). */
export const embedding: StubStrategy = {
  matches: (f) => f.type === 'layer' && f.className === 'Embedding',
};
