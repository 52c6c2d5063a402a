/**
 * Runs `fn` with `Math.random` replaced by a generator seeded by `seed`, then puts it back (also
 * on a throw). tfjs's random ops without a seed (Dropout and GaussianNoise in training mode) seed
 * themselves from `Math.random`: the training checks run such layers, and the same seed must give
 * the same report.
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  let state = (seed ^ 0x6d2b79f5) >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
