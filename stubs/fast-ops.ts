// Part of scaffold-mini's stub runtime: the two element-heavy steps of every stub (the fixed
// projection of the last axis and the final activation) as tight loops over typed arrays.
// tfjs's CPU kernels cost ~15 ns per element for these; a stub's boundary tensors are as wide as
// the original's (a 14x14x256 feature map), so these two steps were most of a twin's forward pass.
// Gradients are exact and computed with tf ops (only training and gradient checks need them).
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './projection.js';

type Tensor = tfjs.Tensor;
type CustomGrad = Parameters<Tf['customGrad']>[0];

/** `x` ([..., rows]) times the constant `matrix` ([rows, cols]) on the last axis: [..., cols]. */
export function fastProject(tf: Tf, x: Tensor, matrix: tfjs.Tensor2D): Tensor {
  const [rows, cols] = matrix.shape;
  const lead = x.shape.slice(0, -1);
  const op = tf.customGrad(((input: Tensor) => {
    const inputShape = input.shape;
    const xs = input.dataSync() as Float32Array;
    const m = matrix.dataSync() as Float32Array;
    const n = xs.length / rows;
    const out = project(xs, m, n, rows, cols);
    return {
      value: tf.tensor(out, [...lead, cols], 'float32'),
      // dx = dy M^T, as a loop too (tfjs's matMul is slow for these long, thin shapes).
      gradFunc: (dy: Tensor) => {
        const dys = dy.dataSync() as Float32Array;
        const dx = new Float32Array(n * rows);
        for (let r = 0; r < n; r++) {
          const yo = r * cols;
          const xo = r * rows;
          for (let i = 0; i < rows; i++) {
            const mo = i * cols;
            let s = 0;
            for (let j = 0; j < cols; j++) s += (dys[yo + j] as number) * (m[mo + j] as number);
            dx[xo + i] = s;
          }
        }
        return tf.tensor(dx, inputShape, 'float32');
      },
    };
  }) as CustomGrad);
  return op(x) as Tensor;
}

/** `xs` ([n, rows]) times `m` ([rows, cols]), in small top-level loops V8 keeps monomorphic. */
function project(xs: Float32Array, m: Float32Array, n: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(n * cols);
  if (cols === 2) reduceTo2(xs, m, n, rows, out);
  else if (rows === 2) expandFrom2(xs, m, n, cols, out);
  else general(xs, m, n, rows, cols, out);
  return out;
}

/** Reducing a wide axis to the core's width: two columns, accumulated in locals. */
function reduceTo2(xs: Float32Array, m: Float32Array, n: number, rows: number, out: Float32Array): void {
  const m0 = new Float32Array(rows);
  const m1 = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    m0[i] = m[2 * i] as number;
    m1[i] = m[2 * i + 1] as number;
  }
  for (let r = 0; r < n; r++) {
    let a = 0;
    let b = 0;
    const xo = r * rows;
    for (let i = 0; i < rows; i++) {
      const v = xs[xo + i] as number;
      a += v * (m0[i] as number);
      b += v * (m1[i] as number);
    }
    out[2 * r] = a;
    out[2 * r + 1] = b;
  }
}

/** Expanding the core's width to a wide axis: one write per output value. */
function expandFrom2(xs: Float32Array, m: Float32Array, n: number, cols: number, out: Float32Array): void {
  const m0 = m.subarray(0, cols);
  const m1 = m.subarray(cols, 2 * cols);
  for (let r = 0; r < n; r++) {
    const v0 = xs[2 * r] as number;
    const v1 = xs[2 * r + 1] as number;
    const oo = r * cols;
    for (let j = 0; j < cols; j++) out[oo + j] = v0 * (m0[j] as number) + v1 * (m1[j] as number);
  }
}

function general(xs: Float32Array, m: Float32Array, n: number, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < n; r++) {
    const xo = r * rows;
    const oo = r * cols;
    for (let i = 0; i < rows; i++) {
      const v = xs[xo + i] as number;
      if (v === 0) continue;
      const mo = i * cols;
      for (let j = 0; j < cols; j++) out[oo + j] = (out[oo + j] as number) + v * (m[mo + j] as number);
    }
  }
}

const FAST = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'];

/** True when `activation` has a fast path here (the others go through tf.layers.activation). */
export function hasFastActivation(activation: string): boolean {
  return FAST.includes(activation);
}

/** The final activation, with the gradient of the same function written in tf ops. */
export function fastActivation(tf: Tf, x: Tensor, activation: string): Tensor {
  const op = tf.customGrad(((input: Tensor, save: (tensors: Tensor[]) => void) => {
    const zs = input.dataSync() as Float32Array;
    const out = new Float32Array(zs.length);
    activate(activation, zs, out, input.shape[input.rank - 1] ?? 1);
    const y = tf.tensor(out, input.shape, 'float32');
    // The gradient runs after the stub's tidy has released its intermediates: keep z and y.
    save([input, y]);
    return { value: y, gradFunc: (dy: Tensor, saved: Tensor[]) => activationGrad(tf, activation, saved[0] as Tensor, saved[1] as Tensor, dy) };
  }) as CustomGrad);
  return op(x) as Tensor;
}

/** One loop per activation, so each stays monomorphic and fast. */
function activate(activation: string, zs: Float32Array, out: Float32Array, width: number): void {
  const n = zs.length;
  switch (activation) {
    case 'relu':
      for (let i = 0; i < n; i++) {
        const z = zs[i] as number;
        out[i] = z > 0 ? z : 0;
      }
      return;
    case 'relu6':
      for (let i = 0; i < n; i++) {
        const z = zs[i] as number;
        out[i] = z > 0 ? (z < 6 ? z : 6) : 0;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-(zs[i] as number)));
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(zs[i] as number);
      return;
    case 'softmax':
      softmaxRows(zs, out, width);
      return;
    default:
      out.set(zs);
  }
}

function softmaxRows(zs: Float32Array, out: Float32Array, width: number): void {
  for (let o = 0; o < zs.length; o += width) {
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, zs[o + j] as number);
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.exp((zs[o + j] as number) - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < width; j++) out[o + j] = (out[o + j] as number) / sum;
  }
}

function activationGrad(tf: Tf, activation: string, z: Tensor, y: Tensor, dy: Tensor): Tensor {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.cast(tf.greater(z, 0), 'float32'));
    case 'relu6':
      return tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(z, 0), tf.less(z, 6)), 'float32'));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    default: {
      // softmax over the last axis: dz = y * (dy - sum(dy * y))
      const dot = tf.sum(tf.mul(dy, y), -1, true);
      return tf.mul(y, tf.sub(dy, dot));
    }
  }
}

