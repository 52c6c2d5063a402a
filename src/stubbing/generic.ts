import type { StubStrategy } from './strategy.js';

/** Anything else: pooled inputs, a tiny dense core, projected and reshaped to every output. */
export const generic: StubStrategy = {
  matches: () => true,
};
