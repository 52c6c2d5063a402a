import type { Tensor } from '@tensorflow/tfjs';
import type { Sample } from './fake-inputs.js';
import { sampleKey } from './observe.js';
import type { Pass, Runner } from './runner.js';

/** Base passes (the twin on a sample's unchanged inputs) shared by every check of a run. */
export interface PassCache {
  /** The base pass of this sample (its inputs as made by makeInputs): run once, then reused. */
  get(sample: Sample, inputs: Tensor[]): Pass;
}

/**
 * The checks run over the same fast-check seed, so they visit the same samples: the first check to
 * reach a sample pays for its base pass, the others reuse it. Bounded by the bytes it holds (oldest
 * out first), so a large twin cannot exhaust memory.
 */
export function createPassCache(runner: Runner, maxBytes = 256 * 1024 * 1024): PassCache {
  const cache = new Map<string, { pass: Pass; bytes: number }>();
  let total = 0;
  return {
    get(sample, inputs) {
      const key = sampleKey(sample);
      const hit = cache.get(key);
      if (hit) return hit.pass;
      const pass = runner.run(inputs);
      let bytes = 0;
      for (const v of pass.values.values()) bytes += v.values.byteLength;
      for (const v of pass.outputs) bytes += v.values.byteLength;
      cache.set(key, { pass, bytes });
      total += bytes;
      for (const [oldest, entry] of cache) {
        if (total <= maxBytes || oldest === key) break;
        cache.delete(oldest);
        total -= entry.bytes;
      }
      return pass;
    },
  };
}
