// Part of scaffold-mini's stub runtime: a tiny seeded PRNG and the FIXED random projections
// (constants, never weights) that let a stub reach wide tensors with a handful of parameters.
import type * as tfjs from '@tensorflow/tfjs';
import { fastProject, meanProject } from './fast-ops.js';

/** The tfjs module the stubs work with (injected, never imported at run time). */
export type Tf = typeof tfjs;

/** Mixes a 32-bit state (a Weyl step followed by an avalanche finaliser). */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A deterministic generator of floats in [0, 1) for a given seed. */
export function prng(seed: number): () => number {
  let state = mix32(Math.floor(seed) ^ 0x5bd1e995);
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state) / 4294967296;
  };
}

/** A seed for one named purpose inside a stub (`salt` distinguishes projections, kernels, ...). */
export function deriveSeed(seed: number, salt: number): number {
  // Kept below 2^31 so every consumer (tfjs initialisers included) treats it as a plain integer.
  return mix32(mix32(Math.floor(seed)) + Math.imul(salt + 1, 0x27d4eb2f)) & 0x7fffffff;
}

/**
 * A fixed `[rows, cols]` matrix with entries of random sign and magnitude in [0.5, 1.5)/sqrt(rows)
 * (from the seed), kept out of any enclosing `tf.tidy`: projecting a vector with it keeps the
 * per-entry scale about 1. The magnitudes vary so that no two columns are equal (with signs alone,
 * two rows give only four column patterns: a stub's ten classes would tie in groups). No column
 * sums to zero, so shifting every input entry by the same amount still moves the result.
 */
export function fixedProjection(tf: Tf, rows: number, cols: number, seed: number, gain = 1): tfjs.Tensor2D {
  const next = prng(seed);
  const scale = gain / Math.sqrt(rows);
  const data = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const sign = next() < 0.5 ? -1 : 1;
      const value = sign * scale * (0.5 + next());
      data[r * cols + c] = value;
      sum += value;
    }
    // A (near) zero sum: flipping the last entry moves it away from zero.
    if (Math.abs(sum) < 1e-3 * scale) data[(rows - 1) * cols + c] = -(data[(rows - 1) * cols + c] ?? 0);
  }
  return tf.keep(tf.tensor2d(data, [rows, cols]));
}

/** Multiplies the last axis of `x` by `matrix` ([last, cols]), then applies `activation` (a fast one); other axes are kept. */
export function projectLastAxis(tf: Tf, x: tfjs.Tensor, matrix: tfjs.Tensor2D, activation = 'linear'): tfjs.Tensor {
  return fastProject(tf, asFloat(tf, x), matrix, activation);
}

/** `x` as float32 (stubs compute in float whatever the input dtype is). */
export function asFloat(tf: Tf, x: tfjs.Tensor): tfjs.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/**
 * One `[batch, k]` summary of a tensor of any rank: the mean over every non-batch axis but the
 * last, then the last axis projected to `k` with `matrix` ([last, k]), in one pass over the values.
 */
export function summarize(tf: Tf, x: tfjs.Tensor, matrix: tfjs.Tensor2D): tfjs.Tensor2D {
  let v = asFloat(tf, x);
  if (v.rank === 1) v = tf.reshape(v, [-1, 1]);
  if (v.rank === 2) return fastProject(tf, v, matrix) as tfjs.Tensor2D;
  return meanProject(tf, v, matrix);
}

/** Size of the last axis of a shape (1 for a rank-1 `[batch]` shape). */
export function lastWidth(shape: (number | null)[]): number | null {
  return shape.length <= 1 ? 1 : (shape[shape.length - 1] ?? null);
}

/**
 * The inputs after the first, folded into one `[batch, k]` term that a template adds to its
 * hidden state, so every output depends on every input. Fixed projections only (no weights).
 */
export class ExtraInputs {
  readonly constants: tfjs.Tensor2D[] = [];
  private readonly tf: Tf;

  constructor(tf: Tf, widths: number[], k: number, seed: number) {
    this.tf = tf;
    widths.forEach((w, i) => this.constants.push(fixedProjection(tf, w, k, deriveSeed(seed, 100 + i))));
  }

  /** The summed summary of `extras` ([batch, k]), or null when there are none. */
  term(extras: tfjs.Tensor[]): tfjs.Tensor2D | null {
    let sum: tfjs.Tensor2D | null = null;
    extras.forEach((x, i) => {
      const matrix = this.constants[i];
      if (!matrix) return;
      const s = summarize(this.tf, x, matrix);
      sum = sum ? this.tf.add(sum, s) : s;
    });
    return sum;
  }

  /** Adds `term` ([batch, k]) to `h` ([batch, ..., k]), broadcasting over the middle axes. */
  addTo(h: tfjs.Tensor, term: tfjs.Tensor2D | null): tfjs.Tensor {
    if (!term) return h;
    const shape = [term.shape[0], ...new Array<number>(Math.max(0, h.rank - 2)).fill(1), term.shape[1]];
    return this.tf.add(h, this.tf.reshape(term, shape));
  }
}
