// Part of scaffold-mini's stub runtime: the element-heavy steps of every stub (the fixed projection
// of the last axis with the final activation fused in, pooling and means fused with a projection)
// as tight loops over typed arrays. tfjs's CPU kernels cost ~15 ns per element for these and make
// an array per step; a stub's boundary tensors are as wide as the original's (a 224x224x3 image in,
// a 14x14x256 feature map out), so these steps were most of a twin's forward pass. Gradients are
// exact, written as loops too.
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from './projection.js';

type Tensor = tfjs.Tensor;
type CustomGrad = Parameters<Tf['customGrad']>[0];

/**
 * `x` ([..., rows]) times the constant `matrix` ([rows, cols]) on the last axis: [..., cols], then
 * `activation` (a fast one, see hasFastActivation) in place: one output array, no intermediate.
 */
export function fastProject(tf: Tf, x: Tensor, matrix: tfjs.Tensor2D, activation = 'linear'): Tensor {
  const [rows, cols] = matrix.shape;
  const lead = x.shape.slice(0, -1);
  const op = tf.customGrad(((input: Tensor) => {
    const inputShape = input.shape;
    const xs = input.dataSync() as Float32Array;
    const m = matrix.dataSync() as Float32Array;
    const n = xs.length / rows;
    const out = project(xs, m, n, rows, cols);
    if (activation !== 'linear') activate(activation, out, out, cols);
    return {
      value: tf.tensor(out, [...lead, cols], 'float32'),
      // dz from the activation's output alone, then dx = dz M^T, as loops (tfjs's matMul is slow
      // for these long, thin shapes).
      gradFunc: (dy: Tensor) => {
        const dz =
          activation === 'linear'
            ? (dy.dataSync() as Float32Array)
            : activationGradFromOutput(activation, out, dy.dataSync() as Float32Array, cols);
        return tf.tensor(projectBack(dz, m, n, rows, cols), inputShape, 'float32');
      },
    };
  }) as CustomGrad);
  return op(x) as Tensor;
}

/** dx ([n, rows]) = dz ([n, cols]) times m^T. */
function projectBack(dz: Float32Array, m: Float32Array, n: number, rows: number, cols: number): Float32Array {
  const dx = new Float32Array(n * rows);
  for (let r = 0; r < n; r++) {
    const zo = r * cols;
    const xo = r * rows;
    for (let i = 0; i < rows; i++) {
      const mo = i * cols;
      let s = 0;
      for (let j = 0; j < cols; j++) s += (dz[zo + j] as number) * (m[mo + j] as number);
      dx[xo + i] = s;
    }
  }
  return dx;
}

/**
 * Average pooling over windows of `pool` (tfjs 'same' padding: padded cells are not counted)
 * fused with the projection of the channel axis by `matrix` ([channels, k]): [b, h, w, c] ->
 * [b, ceil(h / ph), ceil(w / pw), k]. Every pixel is read once and no pooled copy is made.
 */
export function poolProject(tf: Tf, x: tfjs.Tensor4D, pool: [number, number], matrix: tfjs.Tensor2D): tfjs.Tensor4D {
  const [channels, k] = matrix.shape;
  const [batch, height, width] = x.shape;
  const grid = poolGrid(height, pool[0], width, pool[1]);
  const cells = grid.rows * grid.cols;
  const op = tf.customGrad(((input: Tensor) => {
    const xs = input.dataSync() as Float32Array;
    const m = matrix.dataSync() as Float32Array;
    const means = scaleWindows(windowSums(xs, batch, height, width, channels, grid), grid.scale, channels);
    const out = project(means, m, batch * cells, channels, k);
    return {
      value: tf.tensor4d(out, [batch, grid.rows, grid.cols, k], 'float32'),
      gradFunc: (dy: Tensor) => {
        const back = scaleWindows(projectBack(dy.dataSync() as Float32Array, m, batch * cells, channels, k), grid.scale, channels);
        return tf.tensor(spreadWindows(back, batch, height, width, channels, grid), input.shape, 'float32');
      },
    };
  }) as CustomGrad);
  return op(x) as tfjs.Tensor4D;
}

/**
 * Bilinear resize of `x` ([batch, height, width, channels]) to `size`, half-pixel centred, as two
 * taps per axis in a loop, with its exact gradient (the same taps, transposed). tfjs 4.22's CPU
 * gradient of resizeBilinear swaps height and width whenever they differ (and throws), so a stub
 * cannot use it on a non-square map.
 */
export function fastResize(tf: Tf, x: tfjs.Tensor4D, size: [number, number]): tfjs.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const rows = taps(height, size[0]);
  const cols = taps(width, size[1]);
  const op = tf.customGrad(((input: Tensor) => {
    const xs = input.dataSync() as Float32Array;
    const out = new Float32Array(batch * size[0] * size[1] * channels);
    resizeLoop(xs, out, batch, [height, width], size, channels, rows, cols, false);
    return {
      value: tf.tensor4d(out, [batch, size[0], size[1], channels], 'float32'),
      gradFunc: (dy: Tensor) => {
        const back = new Float32Array(xs.length);
        resizeLoop(back, dy.dataSync() as Float32Array, batch, [height, width], size, channels, rows, cols, true);
        return tf.tensor(back, input.shape, 'float32');
      },
    };
  }) as CustomGrad);
  return op(x) as tfjs.Tensor4D;
}

interface Taps {
  low: Int32Array;
  high: Int32Array;
  /** Weight of `high` (that of `low` is 1 minus it). */
  weight: Float32Array;
}

function taps(from: number, to: number): Taps {
  const low = new Int32Array(to);
  const high = new Int32Array(to);
  const weight = new Float32Array(to);
  for (let o = 0; o < to; o++) {
    const source = Math.min(from - 1, Math.max(0, ((o + 0.5) * from) / to - 0.5));
    const lo = Math.floor(source);
    low[o] = lo;
    high[o] = Math.min(from - 1, lo + 1);
    weight[o] = source - lo;
  }
  return { low, high, weight };
}

/** out[b, o, p] = sum of the four taps of x; `backward` spreads `out` (the gradient) back onto `x` instead. */
function resizeLoop(
  x: Float32Array,
  out: Float32Array,
  batch: number,
  [height, width]: [number, number],
  [outHeight, outWidth]: [number, number],
  channels: number,
  rows: Taps,
  cols: Taps,
  backward: boolean,
): void {
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outHeight; o++) {
      const wr = rows.weight[o] as number;
      const rowTaps: [number, number][] = [
        [rows.low[o] as number, 1 - wr],
        [rows.high[o] as number, wr],
      ];
      for (let p = 0; p < outWidth; p++) {
        const wc = cols.weight[p] as number;
        const at = ((b * outHeight + o) * outWidth + p) * channels;
        for (const [r, rw] of rowTaps) {
          for (const [c, cw] of [
            [cols.low[p] as number, 1 - wc],
            [cols.high[p] as number, wc],
          ] as const) {
            const w = rw * cw;
            if (w === 0) continue;
            const from = ((b * height + r) * width + c) * channels;
            for (let ch = 0; ch < channels; ch++) {
              if (backward) x[from + ch] = (x[from + ch] as number) + w * (out[at + ch] as number);
              else out[at + ch] = (out[at + ch] as number) + w * (x[from + ch] as number);
            }
          }
        }
      }
    }
  }
}

interface PoolGrid {
  rows: number;
  cols: number;
  /** Window row of each pixel row. */
  rowOf: Int32Array;
  /** First and one-past-last pixel column of each window column. */
  colStart: Int32Array;
  colEnd: Int32Array;
  /** 1 / (pixels in the window), per window. */
  scale: Float32Array;
}

/**
 * The windows of a 'same' pooling with stride = window size, placed as tf.avgPool places them
 * (padding is not counted in a window's mean).
 */
function poolGrid(height: number, ph: number, width: number, pw: number): PoolGrid {
  const rows = Math.ceil(height / ph);
  const cols = Math.ceil(width / pw);
  const top = Math.floor(Math.max(0, (rows - 1) * ph + ph - height) / 2);
  const left = Math.floor(Math.max(0, (cols - 1) * pw + pw - width) / 2);
  const rowOf = Int32Array.from({ length: height }, (_, y) => Math.floor((y + top) / ph));
  const colStart = Int32Array.from({ length: cols }, (_, c) => Math.max(0, c * pw - left));
  const colEnd = Int32Array.from({ length: cols }, (_, c) => Math.min(width, c * pw - left + pw));
  const count = (r: number): number => Math.min(height, r * ph - top + ph) - Math.max(0, r * ph - top);
  const scale = Float32Array.from({ length: rows * cols }, (_, cell) => {
    const r = Math.floor(cell / cols);
    const c = cell - r * cols;
    return 1 / (count(r) * ((colEnd[c] as number) - (colStart[c] as number)));
  });
  return { rows, cols, rowOf, colStart, colEnd, scale };
}

/** Per sample, window and channel: the sum of the window's pixels (read in memory order). */
function windowSums(xs: Float32Array, batch: number, height: number, width: number, channels: number, grid: PoolGrid): Float32Array {
  const sums = new Float32Array(batch * grid.rows * grid.cols * channels);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < height; y++) {
      const band = (b * grid.rows + (grid.rowOf[y] as number)) * grid.cols * channels;
      const row = (b * height + y) * width * channels;
      for (let c = 0; c < grid.cols; c++) {
        const start = row + (grid.colStart[c] as number) * channels;
        const end = row + (grid.colEnd[c] as number) * channels;
        const o = band + c * channels;
        for (let ch = 0; ch < channels; ch++) {
          let s = 0;
          for (let p = start + ch; p < end; p += channels) s += xs[p] as number;
          sums[o + ch] = (sums[o + ch] as number) + s;
        }
      }
    }
  }
  return sums;
}

/** Multiplies each window's values (`channels` per window, windows repeating per sample) by its scale, in place. */
function scaleWindows(values: Float32Array, scale: Float32Array, channels: number): Float32Array {
  const cells = scale.length;
  for (let i = 0, w = 0; i < values.length; i += channels, w = w + 1 === cells ? 0 : w + 1) {
    const f = scale[w] as number;
    for (let c = 0; c < channels; c++) values[i + c] = (values[i + c] as number) * f;
  }
  return values;
}

/** The inverse of windowSums' reading: every pixel gets its window's value (the gradient of a sum). */
function spreadWindows(values: Float32Array, batch: number, height: number, width: number, channels: number, grid: PoolGrid): Float32Array {
  const dx = new Float32Array(batch * height * width * channels);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < height; y++) {
      const band = (b * grid.rows + (grid.rowOf[y] as number)) * grid.cols * channels;
      const row = (b * height + y) * width * channels;
      for (let c = 0; c < grid.cols; c++) {
        const start = row + (grid.colStart[c] as number) * channels;
        const end = row + (grid.colEnd[c] as number) * channels;
        const o = band + c * channels;
        for (let ch = 0; ch < channels; ch++) {
          const v = values[o + ch] as number;
          for (let p = start + ch; p < end; p += channels) dx[p] = v;
        }
      }
    }
  }
  return dx;
}

/**
 * The mean over every axis between the batch and the last, then the projection of the last axis by
 * `matrix` ([last, k]): [b, ..., c] -> [b, k]. (The same linear map as projecting first; summing
 * first reads each value once with one add.)
 */
export function meanProject(tf: Tf, x: Tensor, matrix: tfjs.Tensor2D): tfjs.Tensor2D {
  const [channels, k] = matrix.shape;
  const batch = x.shape[0] ?? 1;
  const op = tf.customGrad(((input: Tensor) => {
    const xs = input.dataSync() as Float32Array;
    const m = matrix.dataSync() as Float32Array;
    const positions = xs.length / (batch * channels);
    const means = channelMeans(xs, batch, positions, channels);
    return {
      value: tf.tensor2d(project(means, m, batch, channels, k), [batch, k], 'float32'),
      gradFunc: (dy: Tensor) => {
        const back = projectBack(dy.dataSync() as Float32Array, m, batch, channels, k);
        return tf.tensor(spreadChannels(back, batch, positions, channels), input.shape, 'float32');
      },
    };
  }) as CustomGrad);
  return op(x) as tfjs.Tensor2D;
}

/** Per sample, the mean of each channel over its positions ([batch, positions, channels] -> [batch, channels]). */
function channelMeans(xs: Float32Array, batch: number, positions: number, channels: number): Float32Array {
  const means = new Float32Array(batch * channels);
  const sums = new Float64Array(channels);
  for (let b = 0; b < batch; b++) {
    sums.fill(0);
    let p = b * positions * channels;
    for (let q = 0; q < positions; q++) {
      for (let c = 0; c < channels; c++) sums[c] = (sums[c] as number) + (xs[p + c] as number);
      p += channels;
    }
    for (let c = 0; c < channels; c++) means[b * channels + c] = (sums[c] as number) / positions;
  }
  return means;
}

/** The gradient of channelMeans: each position gets its channel's value / positions. */
function spreadChannels(back: Float32Array, batch: number, positions: number, channels: number): Float32Array {
  const dx = new Float32Array(batch * positions * channels);
  for (let i = 0; i < back.length; i++) back[i] = (back[i] as number) / positions;
  for (let b = 0; b < batch; b++) {
    const row = back.subarray(b * channels, (b + 1) * channels);
    for (let q = 0, p = b * positions * channels; q < positions; q++, p += channels) dx.set(row, p);
  }
  return dx;
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

/** The final activation, with its gradient computed from the output (loops, like the forward). */
export function fastActivation(tf: Tf, x: Tensor, activation: string): Tensor {
  const op = tf.customGrad(((input: Tensor) => {
    const zs = input.dataSync() as Float32Array;
    const out = new Float32Array(zs.length);
    const width = input.shape[input.rank - 1] ?? 1;
    activate(activation, zs, out, width);
    return {
      value: tf.tensor(out, input.shape, 'float32'),
      gradFunc: (dy: Tensor) =>
        tf.tensor(activationGradFromOutput(activation, out, dy.dataSync() as Float32Array, width), input.shape, 'float32'),
    };
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

/** dz for dy through `activation`, from its output y alone (every fast activation allows it). */
function activationGradFromOutput(activation: string, y: Float32Array, dy: Float32Array, width: number): Float32Array {
  const n = y.length;
  const dz = new Float32Array(n);
  switch (activation) {
    case 'relu':
      for (let i = 0; i < n; i++) dz[i] = (y[i] as number) > 0 ? (dy[i] as number) : 0;
      return dz;
    case 'relu6':
      for (let i = 0; i < n; i++) {
        const v = y[i] as number;
        dz[i] = v > 0 && v < 6 ? (dy[i] as number) : 0;
      }
      return dz;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = y[i] as number;
        dz[i] = (dy[i] as number) * v * (1 - v);
      }
      return dz;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const v = y[i] as number;
        dz[i] = (dy[i] as number) * (1 - v * v);
      }
      return dz;
    case 'softmax':
      for (let o = 0; o < n; o += width) {
        let dot = 0;
        for (let j = 0; j < width; j++) dot += (dy[o + j] as number) * (y[o + j] as number);
        for (let j = 0; j < width; j++) dz[o + j] = (y[o + j] as number) * ((dy[o + j] as number) - dot);
      }
      return dz;
    default:
      dz.set(dy);
      return dz;
  }
}
