// Part of scaffold-mini's stub runtime: a fused LSTM / GRU / SimpleRNN recurrence built from a few
// tf ops per time step, with the semantics of tfjs-layers' RNN (masking, goBackwards,
// returnSequences, Bidirectional with mergeMode 'concat').
//
// Why: tfjs's own RNN loop dispatches ~40 kernels per step for an LSTM (activations on four
// slices, a mask blend for every state, reshapes around every fused matMul). Kernel dispatch,
// not arithmetic, is what a 2-unit layer costs. Here a step is 11 kernels (LSTM, GRU) or 3
// (SimpleRNN), masked or not (up to PACK_LIMIT), and both directions of a bidirectional layer
// share them.
//
// Semantics (tfjs-layers 4.22 `rnn()` and the cells, recurrentActivation 'sigmoid'):
//   LSTM (gates i, f, c, o):  z = x W + b + h U;  c' = f c + i tanh(z_c);  h' = o tanh(c')
//   GRU (gates z, r, h; reset applied before the recurrent product, tfjs's only mode):
//     z, r = sigmoid(x W_zr + b_zr + h U_zr);  hh = tanh(x W_h + b_h + (r h) U_h);  h' = z h + (1 - z) hh
//   SimpleRNN: h' = tanh(x W + b + h U)
//   initial states are zeros; the output of a step is h.
// Masking: a step whose mask is 0 (tfjs casts the mask to bool) repeats the previous step's
// output and keeps every state, so leading masked steps output zeros, and a run's last output
// (returnSequences false) is the last one computed. That is the same as running each sample on
// its real steps only, which is how it is computed by default ('pack'): the real steps are moved
// to the front of the sequence (a one-hot [steps, steps] matrix per sample, one batched matMul),
// the recurrence runs without a mask, and every step's output is taken back from the packed run
// (another one-hot matMul; zero rows before the first real step). Products with exact 0/1 entries
// change no value, and gradients reach the real steps only, as in tfjs. The matrices grow with
// steps^2, so long sequences use tfjs's own rule instead ('hold': every state blended with the
// mask at every step; see PACK_LIMIT). One difference from tfjs, packing only: a NaN input at a
// masked step (or an infinite one: 0 * Infinity) makes the whole sample NaN, where tfjs makes it
// NaN from that step on (or, for an infinity the cell saturates, not at all).
// goBackwards runs on the time-reversed sequence and mask and, like tfjs, returns its sequence in
// processing order. Bidirectional runs [goBackwards, !goBackwards] (tfjs clones the layer and
// flips the flag for the backward copy), reverses the second run's sequence back, and concatenates.
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../projection.js';

type Tensor = tfjs.Tensor;

export type RnnCell = 'lstm' | 'gru' | 'simpleRNN';

/** Gate blocks per cell: the kernels are `gates * units` wide. */
export const RNN_GATES: Record<RnnCell, number> = { lstm: 4, gru: 3, simpleRNN: 1 };

/** One direction's weights in tfjs's layout (gate blocks in tfjs's order, see above). */
export interface RnnWeights {
  /** [features, gates * units] */
  kernel: Tensor;
  /** [units, gates * units] */
  recurrentKernel: Tensor;
  /** [gates * units] */
  bias: Tensor;
}

export interface RnnOptions {
  cell: RnnCell;
  returnSequences: boolean;
  goBackwards: boolean;
  /** Two runs (weights[0] forward, weights[1] backward), concatenated on the last axis. */
  bidirectional: boolean;
  /**
   * How a mask is applied; both give the same values. 'pack' (see the header) costs no kernel per
   * step but a [steps, steps] matrix per sample and run; 'hold' blends every state at every step
   * as tfjs does (3 kernels per state and step). Default: 'pack' while runs * batch * steps^2 is
   * at most PACK_LIMIT.
   */
  maskMethod?: 'pack' | 'hold';
}

/**
 * Largest runs * batch * steps^2 masked by packing (2 MB per one-hot matrix). Around it both ways
 * cost the same on the CPU backend (measured: ~13 ms for batch 3 x 200 steps, ~30 ms for 16 x 200);
 * beyond it the quadratic packing loses.
 */
export const PACK_LIMIT = 1 << 19;

/**
 * The recurrence on `x` ([batch, steps, features], float32) with an optional `mask` ([batch,
 * steps] or [batch, steps, 1], any dtype, non-zero = real step). Returns [batch, steps, units * D]
 * with returnSequences, else [batch, units * D] (D = 2 when bidirectional). Only tf ops: it is
 * differentiable with respect to the weights (and `x`).
 */
export function fusedRnn(tf: Tf, x: Tensor, mask: Tensor | null, weights: RnnWeights[], options: RnnOptions): Tensor {
  const { cell, returnSequences, goBackwards, bidirectional } = options;
  const runs = bidirectional ? [goBackwards, !goBackwards] : [goBackwards];
  const [batch = 0, steps = 0, features = 0] = x.shape;
  const first = weights[0];
  if (x.rank !== 3) throw new Error(`fusedRnn: the input must be [batch, steps, features], got [${x.shape.join(', ')}]`);
  if (!first || weights.length !== runs.length) throw new Error(`fusedRnn: needs ${runs.length} set(s) of weights`);
  const units = first.recurrentKernel.shape[0] ?? 0;
  const gates = RNN_GATES[cell];
  const D = runs.length;
  const N = D * batch;

  // The mask as int32 0/1 (tfjs: non-zero = real step).
  let m: Tensor | null = null;
  if (mask) {
    // tfjs uses the first `steps` entries of a longer mask (a mask handed on from a longer sequence).
    const full = tf.reshape(mask, [batch, -1]);
    const flat = (full.shape[1] ?? steps) > steps ? tf.slice(full, [0, 0], [batch, steps]) : full;
    m = tf.cast(flat.dtype === 'bool' ? flat : tf.cast(flat, 'bool'), 'int32');
  }
  const xRev = runs.includes(true) ? tf.reverse(x, 1) : null;

  // Input projections of every step at once, per run: [batch * steps, gates * units].
  const projected = runs.map((rev, d) => {
    const w = weights[d] as RnnWeights;
    const flat = tf.reshape(rev ? (xRev as Tensor) : x, [batch * steps, features]) as tfjs.Tensor2D;
    return tf.add(tf.matMul(flat, w.kernel as tfjs.Tensor2D), w.bias);
  });
  let xs: Tensor = tf.reshape(D === 1 ? (projected[0] as Tensor) : tf.concat(projected, 0), [N, steps, gates * units]);

  // Masks per run, in processing order: [N, steps] int32.
  let mAll: Tensor | null = null;
  if (m) {
    const mRev = runs.includes(true) ? tf.reverse(m, 1) : null;
    const perRun = runs.map((rev) => (rev ? (mRev as Tensor) : (m as Tensor)));
    mAll = D === 1 ? (perRun[0] as Tensor) : tf.concat(perRun, 0);
  }
  // oneHot needs a depth of at least 2: a single step holds instead of packing.
  const method = options.maskMethod ?? (steps >= 2 && N * steps * steps <= PACK_LIMIT ? 'pack' : 'hold');

  // Packing: each sample's real steps moved to the front (see the header).
  let count: Tensor | null = null; // [N, steps]: real steps up to and including each step
  const one = tf.scalar(1, 'int32');
  if (mAll && method === 'pack') {
    count = tf.cumsum(mAll, 1);
    // Step t goes to packed position count - 1; masked steps go nowhere (-1: an all-zero row).
    const target = tf.sub(tf.mul(count, mAll), one);
    const pack = tf.oneHot(target as tfjs.Tensor2D, steps, 1, 0, 'float32'); // [N, step, packed position]
    xs = tf.matMul(pack as tfjs.Tensor3D, xs as tfjs.Tensor3D, true, false);
  }

  // The loop works on transposed 2-D tensors, batch on the last axis: states [D * units, batch],
  // step inputs [gates * D * units, batch] with rows ordered (gate, run, unit). Every gate is then
  // a contiguous block of rows (the CPU backend slices other axes element by element), no op in
  // the loop broadcasts (BatchMatMul's gradient does not reduce broadcast batch dims), and one
  // plain matMul with a block-diagonal recurrent matrix serves every gate of both runs.
  const rows = gates * D * units;
  const timeMajor = tf.reshape(tf.transpose(tf.reshape(xs, [D, batch, steps, gates, units]), [2, 3, 0, 4, 1]), [steps, rows, batch]);
  const parts = cell === 'gru' ? tf.split(timeMajor, [2 * D * units, D * units], 1) : [timeMajor];
  const perStep = parts.map((p) => tf.unstack(p));
  const step = makeStep(tf, cell, recurrentMatrix(tf, weights, gates, units), D * units);

  // Holding: per step, the mask and its complement as [D * units, batch] floats.
  let keep: Tensor[] = [];
  let drop: Tensor[] = [];
  if (mAll && method === 'hold') {
    const perUnit = (v: Tensor): Tensor[] => {
      const t = tf.reshape(tf.transpose(tf.reshape(v, [D, batch, steps]), [2, 0, 1]), [steps, D, 1, batch]);
      return tf.unstack(tf.reshape(tf.tile(t, [1, 1, units, 1]), [steps, D * units, batch]));
    };
    const mf = tf.cast(mAll, 'float32');
    keep = perUnit(mf);
    drop = perUnit(tf.sub(tf.onesLike(mf), mf));
  }

  const zeros = tf.zeros([D * units, batch]);
  let state: Tensor[] = cell === 'lstm' ? [zeros, zeros] : [zeros];
  const outputs: Tensor[] = [];
  const keepAll = returnSequences || count !== null;
  for (let t = 0; t < steps; t++) {
    const next = step(
      perStep.map((s) => s[t] as Tensor),
      state,
    );
    const [k, d] = [keep[t], drop[t]];
    // tfjs's blend: new * mask + old * (1 - mask), exact for a 0/1 mask.
    state = k && d ? next.map((s, i) => tf.add(tf.mul(s, k), tf.mul(state[i] as Tensor, d))) : next;
    if (keepAll) outputs.push(state[0] as Tensor);
  }

  let y: Tensor; // [N, steps, units] or [N, units]
  if (!keepAll) {
    y = tf.reshape(tf.transpose(tf.reshape(state[0] as Tensor, [D, units, batch]), [0, 2, 1]), [N, units]);
  } else {
    const all = tf.reshape(tf.stack(outputs), [steps, D, units, batch]);
    y = tf.reshape(tf.transpose(all, [1, 3, 0, 2]), [N, steps, units]);
    if (count) {
      // The output at step t is packed output number count[t] (zeros before the first real step).
      const wanted = returnSequences ? count : tf.slice(count, [0, steps - 1], [N, 1]);
      const gather = tf.oneHot(tf.sub(wanted, one) as tfjs.Tensor2D, steps, 1, 0, 'float32');
      y = tf.matMul(gather as tfjs.Tensor3D, y as tfjs.Tensor3D);
    }
    if (!returnSequences) y = tf.reshape(y, [N, units]);
  }

  if (D === 1) return returnSequences ? tf.reshape(y, [batch, steps, units]) : y;
  const halves = tf.unstack(tf.reshape(y, returnSequences ? [D, batch, steps, units] : [D, batch, units]));
  const forward = halves[0] as Tensor;
  const backward = returnSequences ? tf.reverse(halves[1] as Tensor, 1) : (halves[1] as Tensor);
  return tf.concat([forward, backward], -1);
}

/**
 * The recurrent kernels as one [gates * D * units, D * units] matrix acting on the transposed
 * state: row (gate, run, unit) holds run's kernel column for (gate, unit), in run's own column
 * block, zeros elsewhere (adding exact zeros changes no value).
 */
function recurrentMatrix(tf: Tf, weights: RnnWeights[], gates: number, units: number): Tensor {
  const D = weights.length;
  const perRun = weights.map((w) => tf.transpose(w.recurrentKernel)); // [gates * units, units]
  if (D === 1) return perRun[0] as Tensor;
  const zeros = tf.zeros([gates, units, units]);
  const blocks = perRun.map((u, d) => {
    const g = tf.reshape(u, [gates, units, units]);
    return tf.concat(
      weights.map((_, e) => (e === d ? g : zeros)),
      2,
    ); // [gates, units, D * units]
  });
  return tf.reshape(tf.stack(blocks, 1), [gates * D * units, D * units]);
}

type Step = (inputs: Tensor[], state: Tensor[]) => Tensor[];

/**
 * One time step on the transposed layout (see fusedRnn): the new states, output first. `U` is
 * the recurrentMatrix, `width` = D * units rows per gate.
 */
function makeStep(tf: Tf, cell: RnnCell, U: Tensor, width: number): Step {
  const mm = (a: Tensor, b: Tensor): Tensor => tf.matMul(a as tfjs.Tensor2D, b as tfjs.Tensor2D);
  if (cell === 'simpleRNN') {
    // 3 kernels.
    return ([x], [h]) => [tf.tanh(tf.add(x as Tensor, mm(U, h as Tensor)))];
  }
  if (cell === 'gru') {
    // 11 kernels.
    const [Uzr, Uh] = tf.split(U, [2 * width, width], 0) as [Tensor, Tensor];
    return ([xzr, xh], [h]) => {
      const hPrev = h as Tensor;
      const [z, r] = tf.split(tf.sigmoid(tf.add(xzr as Tensor, mm(Uzr, hPrev))), 2, 0) as [Tensor, Tensor];
      const hh = tf.tanh(tf.add(xh as Tensor, mm(Uh, tf.mul(r, hPrev))));
      // z h + (1 - z) hh, with one product.
      return [tf.add(hh, tf.mul(z, tf.sub(hPrev, hh)))];
    };
  }
  // LSTM, 11 kernels.
  return ([x], [h, c]) => {
    const z = tf.add(x as Tensor, mm(U, h as Tensor));
    const [i, f, , o] = tf.split(tf.sigmoid(z), 4, 0) as [Tensor, Tensor, Tensor, Tensor];
    const g = tf.tanh(tf.slice(z, [2 * width, 0], [width, -1]));
    const cNext = tf.add(tf.mul(f, c as Tensor), tf.mul(i, g));
    return [tf.mul(o, tf.tanh(cNext)), cNext];
  };
}

/** A layer holding the recurrence's weights (it is never applied: `fusedRnn` reads them). */
export interface RnnWeightsLayer extends tfjs.layers.Layer {
  /** The current weights of each run, forward first. */
  read(): RnnWeights[];
}

export interface RnnWeightsArgs {
  /** The layer's name (give one: auto names would shift the user's layer names). */
  name: string;
  cell: RnnCell;
  units: number;
  features: number;
  bidirectional: boolean;
  /** Initialiser seeds per run: [kernel, recurrent kernel]. Bias starts at zero. */
  seeds: [number, number][];
}

type RnnWeightsClass = new (args: RnnWeightsArgs) => RnnWeightsLayer;
// Keyed by the Layer base class, like the MiniStub class cache.
const classes = new WeakMap<object, RnnWeightsClass>();

/**
 * A new weights layer: per run a `kernel`, `recurrent_kernel` and `bias`, named, ordered and
 * shaped as in a tfjs LSTM / GRU / SimpleRNN layer of this name (or a Bidirectional wrapping one:
 * `forward_<name>/kernel`, ...), so `setWeights` accepts what such a layer's `getWeights` returns.
 * Seeded glorotUniform kernels (never orthogonal: its QR is slow), zero bias.
 */
export function rnnWeightsLayer(tf: Tf, args: RnnWeightsArgs): RnnWeightsLayer {
  let cls = classes.get(tf.layers.Layer);
  if (!cls) {
    class RnnWeightsHolder extends tf.layers.Layer implements RnnWeightsLayer {
      static className = 'ScaffoldMiniRnnWeights';
      private readonly runs: { kernel: tfjs.LayerVariable; recurrent: tfjs.LayerVariable; bias: tfjs.LayerVariable }[];

      constructor(a: RnnWeightsArgs) {
        super({ name: a.name });
        const width = RNN_GATES[a.cell] * a.units;
        // The names tfjs's Bidirectional wrapper gives its copies' weights.
        const prefixes = a.bidirectional ? [`forward_${a.name}/`, `backward_${a.name}/`] : [''];
        this.runs = prefixes.map((p, d) => {
          const [kernelSeed, recurrentSeed] = a.seeds[d] ?? a.seeds[0] ?? [0, 0];
          const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
          return {
            kernel: this.addWeight(`${p}kernel`, [a.features, width], 'float32', glorot(kernelSeed), undefined, true),
            recurrent: this.addWeight(`${p}recurrent_kernel`, [a.units, width], 'float32', glorot(recurrentSeed), undefined, true),
            bias: this.addWeight(`${p}bias`, [width], 'float32', tf.initializers.zeros(), undefined, true),
          };
        });
        this.built = true;
      }

      read(): RnnWeights[] {
        return this.runs.map((r) => ({ kernel: r.kernel.read(), recurrentKernel: r.recurrent.read(), bias: r.bias.read() }));
      }
    }
    cls = RnnWeightsHolder;
    classes.set(tf.layers.Layer, cls);
  }
  return new cls(args);
}
