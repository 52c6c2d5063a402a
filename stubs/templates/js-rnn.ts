// Part of scaffold-mini's stub runtime: the recurrence of fused-rnn.ts as plain loops over typed
// arrays, forward and backward (backpropagation through time written out), wrapped in one
// tf.customGrad op. The same equations and masking rule as the fused tf-op version (a masked step
// repeats the previous output and keeps the state), pinned against it in the tests, values and
// gradients; no tf kernel per step, where the fused version dispatches ~11 forward and ~35
// backward kernels per step.
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../projection.js';
import { RNN_GATES, type RnnCell, type RnnOptions, type RnnWeights } from './fused-rnn.js';

type Tensor = tfjs.Tensor;

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface Dims {
  batch: number;
  steps: number;
  features: number;
  units: number;
  width: number;
  runs: boolean[];
}

/** What a real step saw and computed, kept for the backward pass. */
interface StepCache {
  /** Time index of the input step. */
  t: number;
  hPrev: Float64Array;
  cPrev: Float64Array;
  /** Gate activations (LSTM: i, f, g, o; GRU: z, r, hh; SimpleRNN: h). */
  act: Float64Array;
  c: Float64Array;
}

/**
 * Same contract as fusedRnn: [batch, steps, features] in, [batch, (steps,) units * D] out;
 * differentiable with respect to `x` and the weights.
 */
export function jsRnn(tf: Tf, x: Tensor, mask: Tensor | null, weights: RnnWeights[], options: RnnOptions): Tensor {
  return jsRnnWithState(tf, x, mask, weights, options, []).output;
}

/**
 * The recurrence with initial states given (`initial`: [h0] or, for an LSTM, [h0, c0], each
 * [batch, units]; none: zeros) and the final states returned (the state after the last real step,
 * as a layer with `returnState` gives it), unidirectional when states are given. Differentiable
 * with respect to `x`, the initial states and the weights.
 */
export function jsRnnWithState(
  tf: Tf,
  x: Tensor,
  mask: Tensor | null,
  weights: RnnWeights[],
  options: RnnOptions,
  initial: Tensor[],
): { output: Tensor; states: Tensor[] } {
  const [batch, steps, features] = x.shape as [number, number, number];
  const units = (weights[0]?.recurrentKernel.shape[0] ?? 0) as number;
  const runs = options.bidirectional ? [options.goBackwards, !options.goBackwards] : [options.goBackwards];
  const dims: Dims = { batch, steps, features, units, width: RNN_GATES[options.cell] * units, runs };
  const maskValues = mask ? (mask.dataSync() as ArrayLike<number>) : null;
  const maskSteps = mask ? mask.size / batch : steps; // a longer mask: tfjs uses its first `steps` entries
  const real = (b: number, t: number): boolean => !maskValues || (maskValues[b * maskSteps + t] ?? 0) !== 0;
  const flat = weights.flatMap((w) => [w.kernel, w.recurrentKernel, w.bias]);
  const stateCount = options.cell === 'lstm' ? 2 : 1;
  const outWidth = runs.length * units;
  const outSize = options.returnSequences ? steps * outWidth : outWidth;
  // One output tensor (customGrad takes one): per sample the output, then h, then c (LSTM).
  const packedWidth = outSize + stateCount * units;
  const given = initial.length;
  const op = tf.customGrad(((...args: Tensor[]) => {
    const xs = (args[0] as Tensor).dataSync() as Float32Array;
    const starts = args.slice(1, 1 + given).map((t) => t.dataSync() as Float32Array);
    const ws = args.slice(1 + given, 1 + given + flat.length).map((t) => t.dataSync() as Float32Array);
    const caches: StepCache[][][] = [];
    const { out, final } = forward(options, dims, xs, ws, real, caches, starts);
    const packed = new Float32Array(batch * packedWidth);
    for (let b = 0; b < batch; b++) {
      packed.set(out.subarray(b * outSize, (b + 1) * outSize), b * packedWidth);
      final.forEach((f, i) => packed.set(f.subarray(b * units, (b + 1) * units), b * packedWidth + outSize + i * units));
    }
    return {
      value: tf.tensor(packed, [batch, packedWidth], 'float32'),
      gradFunc: (dy: Tensor) => {
        const d = dy.dataSync() as Float32Array;
        const dOut = new Float32Array(batch * outSize);
        const dFinal = Array.from({ length: stateCount }, () => new Float32Array(batch * units));
        for (let b = 0; b < batch; b++) {
          dOut.set(d.subarray(b * packedWidth, b * packedWidth + outSize), b * outSize);
          dFinal.forEach((f, i) => f.set(d.subarray(b * packedWidth + outSize + i * units, b * packedWidth + outSize + (i + 1) * units), b * units));
        }
        const grads = backward(options.cell, options.returnSequences, dims, xs, ws, real, caches, dOut, dFinal);
        return [
          tf.tensor(grads.dx, x.shape, 'float32'),
          ...grads.dInitial.slice(0, given).map((g, i) => tf.tensor(g, (initial[i] as Tensor).shape, 'float32')),
          ...grads.dws.map((g, i) => tf.tensor(g, (flat[i] as Tensor).shape, 'float32')),
        ];
      },
    };
  }) as unknown as Parameters<Tf['customGrad']>[0]);
  const packed = (op as unknown as (...t: Tensor[]) => Tensor)(x, ...initial, ...flat);
  const output = tf.reshape(tf.slice(packed, [0, 0], [batch, outSize]), options.returnSequences ? [batch, steps, outWidth] : [batch, outWidth]);
  const states = Array.from({ length: stateCount }, (_, i) => tf.slice(packed, [0, outSize + i * units], [batch, units]));
  return { output, states };
}

function forward(
  options: RnnOptions,
  d: Dims,
  xs: Float32Array,
  ws: Float32Array[],
  real: (b: number, t: number) => boolean,
  caches: StepCache[][][],
  starts: Float32Array[] = [],
): { out: Float32Array; final: Float32Array[] } {
  const { batch, steps, features, units, width, runs } = d;
  const outWidth = runs.length * units;
  const out = new Float32Array(options.returnSequences ? batch * steps * outWidth : batch * outWidth);
  const final = [new Float32Array(batch * units), new Float32Array(batch * units)];
  const z = new Float64Array(width);
  runs.forEach((reverse, r) => {
    const [K, R, B] = [ws[3 * r], ws[3 * r + 1], ws[3 * r + 2]] as Float32Array[];
    caches[r] = [];
    for (let b = 0; b < batch; b++) {
      const perSample: StepCache[] = [];
      (caches[r] as StepCache[][])[b] = perSample;
      let h: Float64Array = starts[0] ? Float64Array.from(starts[0].subarray(b * units, (b + 1) * units)) : new Float64Array(units);
      let c: Float64Array = starts[1] ? Float64Array.from(starts[1].subarray(b * units, (b + 1) * units)) : new Float64Array(units);
      for (let k = 0; k < steps; k++) {
        const t = reverse ? steps - 1 - k : k;
        if (real(b, t)) {
          const xo = (b * steps + t) * features;
          for (let g = 0; g < width; g++) {
            let s = B![g] as number;
            for (let f = 0; f < features; f++) s += (xs[xo + f] as number) * (K![f * width + g] as number);
            for (let u = 0; u < units; u++) s += (h[u] as number) * (R![u * width + g] as number);
            z[g] = s;
          }
          const cache = step(options.cell, z, R!, h, c, units, width);
          cache.t = t;
          perSample[k] = cache;
          h = outputOf(options.cell, cache, units);
          c = cache.c;
        }
        if (options.returnSequences) {
          const at = r === 0 ? k : steps - 1 - k;
          const o = (b * steps + at) * outWidth + r * units;
          for (let u = 0; u < units; u++) out[o + u] = h[u] as number;
        }
      }
      if (!options.returnSequences) for (let u = 0; u < units; u++) out[b * outWidth + r * units + u] = h[u] as number;
      if (r === 0) {
        (final[0] as Float32Array).set(h, b * units);
        (final[1] as Float32Array).set(c, b * units);
      }
    }
  });
  return { out, final: options.cell === 'lstm' ? final : final.slice(0, 1) };
}

/** The new h of a step (LSTM and SimpleRNN keep it in `c`'s sibling; see step). */
function outputOf(cell: RnnCell, cache: StepCache, units: number): Float64Array {
  if (cell === 'lstm') return cache.act.subarray(4 * units, 5 * units);
  if (cell === 'gru') return cache.act.subarray(3 * units, 4 * units);
  return cache.act.subarray(0, units);
}

/**
 * One real step from `z` = x K + b + h R (the GRU's candidate part without h R: recomputed here).
 * Returns the cache: activations, and h as the last block of `act`.
 */
function step(cell: RnnCell, z: Float64Array, R: Float32Array, hPrev: Float64Array, cPrev: Float64Array, units: number, width: number): StepCache {
  if (cell === 'simpleRNN') {
    const act = new Float64Array(units);
    for (let u = 0; u < units; u++) act[u] = Math.tanh(z[u] as number);
    return { t: 0, hPrev, cPrev, act, c: cPrev };
  }
  if (cell === 'gru') {
    // z (update) and r (reset) use h R; the candidate uses (r * h) R instead of h R: undo and redo.
    const act = new Float64Array(4 * units); // z, r, hh, h
    for (let u = 0; u < 2 * units; u++) act[u] = sigmoid(z[u] as number);
    for (let g = 0; g < units; g++) {
      let s = z[2 * units + g] as number;
      for (let u = 0; u < units; u++) {
        const rk = R[u * width + 2 * units + g] as number;
        s += ((act[units + u] as number) - 1) * (hPrev[u] as number) * rk;
      }
      act[2 * units + g] = Math.tanh(s);
    }
    for (let u = 0; u < units; u++) {
      const hh = act[2 * units + u] as number;
      act[3 * units + u] = hh + (act[u] as number) * ((hPrev[u] as number) - hh);
    }
    return { t: 0, hPrev, cPrev, act, c: cPrev };
  }
  const act = new Float64Array(5 * units); // i, f, g, o, h
  const c = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    const i = sigmoid(z[u] as number);
    const f = sigmoid(z[units + u] as number);
    const g = Math.tanh(z[2 * units + u] as number);
    const o = sigmoid(z[3 * units + u] as number);
    act[u] = i;
    act[units + u] = f;
    act[2 * units + u] = g;
    act[3 * units + u] = o;
    c[u] = f * (cPrev[u] as number) + i * g;
    act[4 * units + u] = o * Math.tanh(c[u] as number);
  }
  return { t: 0, hPrev, cPrev, act, c };
}

function backward(
  cell: RnnCell,
  returnSequences: boolean,
  d: Dims,
  xs: Float32Array,
  ws: Float32Array[],
  real: (b: number, t: number) => boolean,
  caches: StepCache[][][],
  dy: Float32Array,
  dFinal: Float32Array[] = [],
): { dx: Float32Array; dws: Float32Array[]; dInitial: Float32Array[] } {
  const { batch, steps, features, units, width, runs } = d;
  const dInitial = [new Float32Array(batch * units), new Float32Array(batch * units)];
  const outWidth = runs.length * units;
  const dx = new Float32Array(xs.length);
  const dws = ws.map((w) => new Float64Array(w.length));
  const dz = new Float64Array(width);
  runs.forEach((_, r) => {
    const [K, R] = [ws[3 * r], ws[3 * r + 1]] as Float32Array[];
    const [dK, dR, dB] = [dws[3 * r], dws[3 * r + 1], dws[3 * r + 2]] as Float64Array[];
    for (let b = 0; b < batch; b++) {
      const dh = new Float64Array(units);
      const dc = new Float64Array(units);
      if (!returnSequences) for (let u = 0; u < units; u++) dh[u] = dy[b * outWidth + r * units + u] as number;
      // The returned final states (first run): their gradients enter after the last step.
      if (r === 0) {
        for (let u = 0; u < units; u++) {
          dh[u] = (dh[u] as number) + (dFinal[0]?.[b * units + u] ?? 0);
          dc[u] = (dc[u] as number) + (dFinal[1]?.[b * units + u] ?? 0);
        }
      }
      for (let k = steps - 1; k >= 0; k--) {
        if (returnSequences) {
          const at = r === 0 ? k : steps - 1 - k;
          const o = (b * steps + at) * outWidth + r * units;
          for (let u = 0; u < units; u++) dh[u] = (dh[u] as number) + (dy[o + u] as number);
        }
        const cache = caches[r]?.[b]?.[k];
        if (!cache || !real(b, cache.t)) continue; // a masked step passes dh and dc through unchanged
        const dhPrev = new Float64Array(units);
        const a = cache.act;
        if (cell === 'simpleRNN') {
          for (let u = 0; u < units; u++) dz[u] = (dh[u] as number) * (1 - (a[u] as number) ** 2);
        } else if (cell === 'lstm') {
          for (let u = 0; u < units; u++) {
            const [i, f, g, o] = [a[u], a[units + u], a[2 * units + u], a[3 * units + u]] as number[];
            const tc = Math.tanh(cache.c[u] as number);
            const dct = (dc[u] as number) + (dh[u] as number) * o! * (1 - tc * tc);
            dz[u] = dct * g! * i! * (1 - i!);
            dz[units + u] = dct * (cache.cPrev[u] as number) * f! * (1 - f!);
            dz[2 * units + u] = dct * i! * (1 - g! * g!);
            dz[3 * units + u] = (dh[u] as number) * tc * o! * (1 - o!);
            dc[u] = dct * f!;
          }
        } else {
          // GRU: h = hh + z (hPrev - hh), hh = tanh(x Kh + bh + (r * hPrev) Rh)
          const da = new Float64Array(units);
          for (let u = 0; u < units; u++) {
            const [zg, hh] = [a[u], a[2 * units + u]] as number[];
            const dhu = dh[u] as number;
            dz[u] = dhu * ((cache.hPrev[u] as number) - hh!) * zg! * (1 - zg!);
            dhPrev[u] = dhu * zg!;
            da[u] = dhu * (1 - zg!) * (1 - hh! * hh!);
            dz[2 * units + u] = da[u] as number;
          }
          for (let u = 0; u < units; u++) {
            let drh = 0;
            for (let g = 0; g < units; g++) drh += (da[g] as number) * (R![u * width + 2 * units + g] as number);
            const rg = a[units + u] as number;
            dz[units + u] = drh * (cache.hPrev[u] as number) * rg * (1 - rg);
            dhPrev[u] = (dhPrev[u] as number) + drh * rg;
            for (let g = 0; g < units; g++) dR![u * width + 2 * units + g] = (dR![u * width + 2 * units + g] as number) + rg * (cache.hPrev[u] as number) * (da[g] as number);
          }
        }
        // Shared: kernels, bias, input and (the h R part of) the previous state.
        const xo = (b * steps + cache.t) * features;
        const recurrentWidth = cell === 'gru' ? 2 * units : width;
        for (let g = 0; g < width; g++) {
          const v = dz[g] as number;
          if (v === 0) continue;
          dB![g] = (dB![g] as number) + v;
          for (let f = 0; f < features; f++) {
            dK![f * width + g] = (dK![f * width + g] as number) + (xs[xo + f] as number) * v;
            dx[xo + f] = (dx[xo + f] as number) + (K![f * width + g] as number) * v;
          }
          if (g >= recurrentWidth) continue;
          for (let u = 0; u < units; u++) {
            dR![u * width + g] = (dR![u * width + g] as number) + (cache.hPrev[u] as number) * v;
            dhPrev[u] = (dhPrev[u] as number) + (R![u * width + g] as number) * v;
          }
        }
        dh.set(dhPrev);
      }
      // What reaches the first step is the gradient of the initial states.
      if (r === 0) {
        (dInitial[0] as Float32Array).set(dh, b * units);
        (dInitial[1] as Float32Array).set(dc, b * units);
      }
    }
  });
  return { dx, dws: dws.map((w) => Float32Array.from(w)), dInitial };
}
