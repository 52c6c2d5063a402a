import type { Tf } from '../../tfjs/tf-instance.js';
import { makeInputs } from './fake-inputs.js';
import type { Sample, SampleSpace } from '../../model/sample.js';
import type { PassCache } from './pass-cache.js';
import type { Pass, Runner, TensorValue } from './runner.js';

/** What is kept of one tensor seen during a forward pass of the twin. */
export interface TensorSummary {
  shape: number[];
  dtype: string;
  /** Number of NaN or infinite values. */
  nonFinite: number;
}

/** One forward pass of the twin on one sample: every watched tensor and every model output. */
export interface Observation {
  sample: Sample;
  /** Indexed like the observer's taps; undefined where the pass did not get that far. */
  taps: (TensorSummary | undefined)[];
  outputs: TensorSummary[];
  /** The twin threw on this sample. */
  error?: string;
  /** Where it threw: the layer, and whether that is a stub. */
  errorIn?: { layer: string; stub: boolean };
}

export interface Observer {
  observe(sample: Sample): Observation;
  /** Ids of the original graph's tensors that are summarised, in tap order. */
  readonly taps: readonly number[];
}

/**
 * Summaries (shape, dtype, finiteness) of the tapped tensors for each sample, cached, so that
 * checks over the same fast-check seed share forward passes.
 */
export function createObserver(tf: Tf, runner: Runner, passes: PassCache, space: SampleSpace, taps: readonly number[]): Observer {
  const inputIds = new Set(runner.order.slice(0, space.plans.length));
  const cache = new Map<string, Observation>();
  return {
    taps,
    observe(sample) {
      const key = sampleKey(sample);
      const hit = cache.get(key);
      if (hit) return hit;
      const inputs = makeInputs(tf, space.plans, sample);
      let pass: Pass;
      try {
        pass = passes.get(sample, inputs);
      } finally {
        tf.dispose(inputs);
      }
      const summary = (id: number): TensorSummary | undefined => {
        const value = pass.values.get(id);
        // Model inputs come from the tool's own finite noise: no need to scan them.
        return value ? summarise(value, !inputIds.has(id)) : undefined;
      };
      const observation: Observation = {
        sample,
        taps: taps.map(summary),
        outputs: pass.outputs.map((v) => summarise(v, true)),
        ...(pass.error === undefined ? {} : { error: pass.error }),
        ...(pass.errorIn ? { errorIn: pass.errorIn } : {}),
      };
      cache.set(key, observation);
      return observation;
    },
  };
}

export function sampleKey(sample: Sample): string {
  return `${sample.batch}:${sample.length}:${sample.dataSeed}:${sample.side}:${sample.real.join(',')}`;
}

function summarise(value: TensorValue, scan: boolean): TensorSummary {
  let nonFinite = 0;
  if (scan && value.values instanceof Float32Array) {
    const values = value.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      // NaN fails v - v === 0, and so do both infinities.
      if (v - v !== 0) nonFinite++;
    }
  }
  return { shape: value.shape, dtype: value.dtype, nonFinite };
}
