import { prng } from '../../stubs/projection.js';

/**
 * Runs `fn` with `Math.random` replaced by a generator seeded by `seed` (the stub runtime's), then
 * puts it back (also on a throw). tfjs's random ops without a seed (Dropout and GaussianNoise in
 * training mode) seed themselves from `Math.random`: the training checks run such layers, and the
 * same seed must give the same report.
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  Math.random = prng(seed);
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
