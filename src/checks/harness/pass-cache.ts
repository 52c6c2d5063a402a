import type { Tensor } from '@tensorflow/tfjs';
import type { Sample } from '../../model/sample.js';
import { sampleKey } from './observe.js';
import type { Pass, Runner } from './runner.js';

/** Base passes (the twin on a sample's unchanged inputs) shared by every check of a run. */
export interface PassCache {
  /** The base pass of this sample (its inputs as made by makeInputs): run once, then reused. */
  get(sample: Sample, inputs: Tensor[]): Pass;
  /** The base passes held, by sample key (a watch session hands them to its next run). */
  readonly held: ReadonlyMap<string, Pass>;
}

/**
 * The checks run over the same fast-check seed, so they visit the same samples: the first check to
 * reach a sample pays for its base pass, the others reuse it. Bounded by the bytes it holds (oldest
 * out first), so a large twin cannot exhaust memory. The bound must hold a whole run's base passes:
 * the checks visit the samples in the same order, so evicting the oldest would evict each pass just
 * before the next check needs it. `earlier` gives the last run's pass of a sample in a watch
 * session (see carry.ts).
 */
export function createPassCache(runner: Runner, maxBytes = 256 * 1024 * 1024, earlier?: (key: string) => Pass | undefined): PassCache {
  const cache = new Map<string, { pass: Pass; bytes: number }>();
  let total = 0;
  return {
    get held() {
      return new Map([...cache].map(([key, { pass }]) => [key, pass]));
    },
    get(sample, inputs) {
      const key = sampleKey(sample);
      const hit = cache.get(key);
      if (hit) return hit.pass;
      // The last run's pass of this sample (watch): its unchanged stubs are not run again; the
      // runner takes a stub's outputs from it only where the stub gets the same data again.
      const before = earlier?.(key);
      const pass = before ? runner.run(inputs, undefined, before, { stubsOnly: true }) : runner.run(inputs);
      let bytes = 0;
      for (const v of pass.values.values()) bytes += ownedBytes(v.values);
      for (const v of pass.outputs) bytes += ownedBytes(v.values);
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

/**
 * The bytes a pass keeps alive through this array: its own buffer, or nothing for a view into
 * another array (fake inputs are views of one shared noise pool; `predict` hands layers views of
 * its inputs).
 */
function ownedBytes(values: ArrayBufferView): number {
  return values.byteOffset === 0 && values.byteLength === values.buffer.byteLength ? values.byteLength : 0;
}
