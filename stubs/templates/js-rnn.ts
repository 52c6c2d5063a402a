// Part of scaffold-mini's stub runtime: the recurrence of fused-rnn.ts as plain loops over typed
// arrays, for inference. The same equations and masking rule (a masked step repeats the previous
// output and keeps the state); no tf kernel per step, so a 20-step LSTM costs microseconds instead
// of 220 kernel dispatches. Used only when no gradient tape records (see `recording`); under a
// tape the fused tf-op version runs, which tfjs can differentiate.
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../projection.js';
import { RNN_GATES, type RnnOptions, type RnnWeights } from './fused-rnn.js';

type Tensor = tfjs.Tensor;

/** True while tfjs records operations for a gradient (tf.grad, variableGrads, fit). */
export function recording(tf: Tf): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return (state?.gradientDepth ?? 0) > 0;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Same contract as fusedRnn: [batch, steps, features] in, [batch, (steps,) units * D] out. */
export function jsRnn(tf: Tf, x: Tensor, mask: Tensor | null, weights: RnnWeights[], options: RnnOptions): Tensor {
  const [batch, steps, features] = x.shape as [number, number, number];
  const xs = x.dataSync() as Float32Array;
  const maskValues = mask ? (mask.dataSync() as ArrayLike<number>) : null;
  const maskSteps = mask ? (mask.size / batch) : steps; // a longer mask: tfjs uses its first `steps` entries
  const runs = options.bidirectional ? [options.goBackwards, !options.goBackwards] : [options.goBackwards];
  const D = runs.length;
  const units = (weights[0]?.recurrentKernel.shape[0] ?? 0) as number;
  const gates = RNN_GATES[options.cell];
  const width = gates * units;
  const outWidth = D * units;
  const out = new Float32Array(options.returnSequences ? batch * steps * outWidth : batch * outWidth);
  const z = new Float64Array(width);
  runs.forEach((reverse, d) => {
    const w = weights[d] as RnnWeights;
    const K = w.kernel.dataSync() as Float32Array;
    const R = w.recurrentKernel.dataSync() as Float32Array;
    const B = w.bias.dataSync() as Float32Array;
    const h = new Float64Array(units);
    const c = new Float64Array(units);
    const hh = new Float64Array(units);
    for (let b = 0; b < batch; b++) {
      h.fill(0);
      c.fill(0);
      for (let k = 0; k < steps; k++) {
        const t = reverse ? steps - 1 - k : k;
        const real = !maskValues || (maskValues[b * maskSteps + t] ?? 0) !== 0;
        if (real) {
          const xo = (b * steps + t) * features;
          for (let g = 0; g < width; g++) {
            let s = B[g] as number;
            for (let f = 0; f < features; f++) s += (xs[xo + f] as number) * (K[f * width + g] as number);
            z[g] = s;
          }
          step(options.cell, z, R, h, c, hh, units, width);
        }
        if (options.returnSequences) {
          // Run 0 in processing order; the backward run of a bidirectional layer reversed back.
          const at = d === 0 ? k : steps - 1 - k;
          const o = (b * steps + at) * outWidth + d * units;
          for (let u = 0; u < units; u++) out[o + u] = h[u] as number;
        }
      }
      if (!options.returnSequences) for (let u = 0; u < units; u++) out[b * outWidth + d * units + u] = h[u] as number;
    }
  });
  return tf.tensor(out, options.returnSequences ? [batch, steps, outWidth] : [batch, outWidth], 'float32');
}

/** One step in place: `z` holds x K + b; adds h R and updates h (and c). Gate order as tfjs. */
function step(cell: RnnOptions['cell'], z: Float64Array, R: Float32Array, h: Float64Array, c: Float64Array, hh: Float64Array, units: number, width: number): void {
  if (cell === 'simpleRNN') {
    for (let g = 0; g < units; g++) {
      let s = z[g] as number;
      for (let u = 0; u < units; u++) s += (h[u] as number) * (R[u * width + g] as number);
      hh[g] = Math.tanh(s);
    }
    h.set(hh);
    return;
  }
  if (cell === 'gru') {
    // z and r from x and h; the candidate from x and r * h.
    for (let g = 0; g < 2 * units; g++) {
      let s = z[g] as number;
      for (let u = 0; u < units; u++) s += (h[u] as number) * (R[u * width + g] as number);
      z[g] = sigmoid(s);
    }
    for (let g = 0; g < units; g++) {
      let s = z[2 * units + g] as number;
      for (let u = 0; u < units; u++) s += (z[units + u] as number) * (h[u] as number) * (R[u * width + 2 * units + g] as number);
      hh[g] = Math.tanh(s);
    }
    for (let g = 0; g < units; g++) {
      const zg = z[g] as number;
      h[g] = (hh[g] as number) + zg * ((h[g] as number) - (hh[g] as number));
    }
    return;
  }
  for (let g = 0; g < width; g++) {
    let s = z[g] as number;
    for (let u = 0; u < units; u++) s += (h[u] as number) * (R[u * width + g] as number);
    z[g] = s;
  }
  for (let u = 0; u < units; u++) {
    const i = sigmoid(z[u] as number);
    const f = sigmoid(z[units + u] as number);
    const g = Math.tanh(z[2 * units + u] as number);
    const o = sigmoid(z[3 * units + u] as number);
    const cn = f * (c[u] as number) + i * g;
    c[u] = cn;
    hh[u] = o * Math.tanh(cn);
  }
  h.set(hh);
}
