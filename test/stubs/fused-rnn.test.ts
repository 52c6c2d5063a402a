import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StubSpec } from '../../stubs/index.js';
import { projectLastAxis } from '../../stubs/projection.js';
import { PACK_LIMIT, fusedRnn, rnnWeightsLayer, type RnnCell, type RnnOptions, type RnnWeights } from '../../stubs/templates/fused-rnn.js';
import { assertAllGradsNonZero, maxAbsDiff, runtime, spec, tf, weightedSum } from './helpers.js';

// The fused recurrence must compute exactly what tfjs's own layers compute (recurrentActivation
// 'sigmoid') given the same weights: tfjs-layers' rnn() is the spec, masking included.

const CELLS: RnnCell[] = ['lstm', 'gru', 'simpleRNN'];
const TOL = 1e-5;
const [BATCH, STEPS, FEATURES] = [3, 7, 4];

/** Masks [3, 7] (1 = real step): none; post-padded; pre-padded; holes (with an all-masked sample). */
const MASKS: Record<string, number[][] | null> = {
  none: null,
  post: [
    [1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0, 0, 0],
    [1, 0, 0, 0, 0, 0, 0],
  ],
  pre: [
    [0, 0, 0, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0, 0, 1],
  ],
  holes: [
    [1, 0, 1, 1, 0, 0, 1],
    [0, 1, 0, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 0],
  ],
};

function maskTensor(rows: number[][] | null): tf.Tensor2D | null {
  return rows ? tf.tensor2d(rows, [rows.length, rows[0]!.length], 'bool') : null;
}

/** A built tfjs LSTM / GRU / SimpleRNN (Bidirectional when asked) with random weights, biases included. */
function tfjsLayer(cell: RnnCell, o: Omit<RnnOptions, 'cell'>, seed: number, features = FEATURES): tf.layers.Layer {
  const args = { units: 2, returnSequences: o.returnSequences, goBackwards: o.goBackwards, recurrentInitializer: 'glorotUniform' as const };
  const base =
    cell === 'lstm'
      ? tf.layers.lstm({ ...args, recurrentActivation: 'sigmoid' })
      : cell === 'gru'
        ? tf.layers.gru({ ...args, recurrentActivation: 'sigmoid' })
        : tf.layers.simpleRNN(args);
  const layer = o.bidirectional ? tf.layers.bidirectional({ layer: base as tf.RNN, mergeMode: 'concat' }) : base;
  layer.apply(tf.zeros([1, 2, features]));
  // Random values everywhere (Bidirectional's two copies would otherwise start identical).
  layer.setWeights(layer.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.9, 0.9, 'float32', seed + i)));
  return layer;
}

/** The layer's weights grouped per run (tfjs order: kernel, recurrent kernel, bias; forward first). */
function weightsOf(layer: tf.layers.Layer): RnnWeights[] {
  const w = layer.weights.map((v) => v.read());
  const runs: RnnWeights[] = [];
  for (let i = 0; i < w.length; i += 3) runs.push({ kernel: w[i]!, recurrentKernel: w[i + 1]!, bias: w[i + 2]! });
  return runs;
}

function optionCases(): Omit<RnnOptions, 'cell'>[] {
  const out: Omit<RnnOptions, 'cell'>[] = [];
  for (const bidirectional of [false, true])
    for (const goBackwards of [false, true])
      for (const returnSequences of [true, false]) out.push({ returnSequences, goBackwards, bidirectional });
  return out;
}

/** Kernels per `model.predict` of batch 3. */
async function kernelsPerPredict(model: tf.LayersModel, x: tf.Tensor): Promise<number> {
  const info = await tf.profile(() => model.predict(x) as tf.Tensor);
  tf.dispose(info.result as tf.Tensor);
  return info.kernels.length;
}

function stubSpec(cell: RnnCell, bidirectional: boolean, steps: number | null, extra: Partial<StubSpec> = {}): StubSpec {
  return spec({
    name: `fused_${cell}_${bidirectional}`,
    template: 'recurrent',
    inputShapes: [[null, steps, 64]],
    outputShapes: [[null, steps, bidirectional ? 512 : 256]],
    activation: 'tanh',
    recurrent: { cell, returnSequences: true, goBackwards: false, bidirectional },
    mask: { supports: true, consumes: true, emits: 'pass' },
    ...extra,
  });
}

/** A model Input -> Masking(0) -> stub, over a free time axis. */
function maskedModel(s: StubSpec): tf.LayersModel {
  const input = tf.input({ shape: [null, 64] });
  const masked = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: runtime.stub(s).apply(masked) as tf.SymbolicTensor });
}

describe('fused recurrence (recurrent stub core)', () => {
  for (const cell of CELLS) {
    it(`${cell}: equals tfjs's layer with the same weights (masks none/post/pre/holes, goBackwards, returnSequences, bidirectional)`, () => {
      const x = tf.randomNormal([BATCH, STEPS, FEATURES], 0, 1.5, 'float32', 11);
      let compared = 0;
      optionCases().forEach((o, n) => {
        const layer = tfjsLayer(cell, o, 100 * n);
        for (const [name, rows] of Object.entries(MASKS)) {
          for (const maskMethod of rows ? (['pack', 'hold'] as const) : (['pack'] as const)) {
            tf.tidy(() => {
              const mask = maskTensor(rows);
              const expected = layer.apply(x, mask ? { mask } : {}) as tf.Tensor;
              const actual = fusedRnn(tf, x, mask, weightsOf(layer), { cell, ...o, maskMethod });
              const what = `${cell} ${JSON.stringify(o)} mask ${name} (${maskMethod})`;
              assert.deepEqual(actual.shape, expected.shape, what);
              const diff = maxAbsDiff(actual, expected);
              assert.ok(diff < TOL, `${what}: max |diff| ${diff}`);
              compared++;
            });
          }
        }
        layer.dispose();
      });
      assert.equal(compared, 8 * 7);
    });
  }

  it('masking details: masked steps hold (not zero), leading ones give zeros, the last computed output is returned', () => {
    const x = tf.randomNormal([BATCH, STEPS, FEATURES], 0, 1, 'float32', 5);
    const layer = tfjsLayer('lstm', { returnSequences: true, goBackwards: false, bidirectional: false }, 7);
    const w = weightsOf(layer);
    const mask = maskTensor(MASKS['holes']!)!;
    const seq = fusedRnn(tf, x, mask, w, { cell: 'lstm', returnSequences: true, goBackwards: false, bidirectional: false });
    const y = seq.arraySync() as number[][][];
    assert.deepEqual(y[0]![1], y[0]![0], 'a hole repeats the previous output');
    assert.deepEqual(y[0]![5], y[0]![3]);
    assert.deepEqual(y[1]![0], [0, 0], 'a leading masked step outputs zeros');
    assert.deepEqual(y[2]![6], [0, 0], 'an all-masked sample outputs zeros');
    const last = fusedRnn(tf, x, mask, w, { cell: 'lstm', returnSequences: false, goBackwards: false, bidirectional: false });
    // Sample 1's last real step is 5: steps 6 carries it over.
    assert.deepEqual((last.arraySync() as number[][])[1], y[1]![5]);
    // Garbage at masked steps changes nothing.
    const noisy = tf.where(tf.expandDims(mask, 2), x, tf.fill(x.shape, 3.5));
    assert.equal(
      maxAbsDiff(fusedRnn(tf, noisy, mask, w, { cell: 'lstm', returnSequences: true, goBackwards: false, bidirectional: false }), seq),
      0,
    );
    // Bidirectional: the backward half is zero at post-padded steps (tfjs fact in TFJS-NOTES).
    const bi = tfjsLayer('lstm', { returnSequences: true, goBackwards: false, bidirectional: true }, 9);
    const post = maskTensor(MASKS['post']!)!;
    const yb = fusedRnn(tf, x, post, weightsOf(bi), {
      cell: 'lstm',
      returnSequences: true,
      goBackwards: false,
      bidirectional: true,
    }).arraySync() as number[][][];
    assert.deepEqual(yb[1]![6]!.slice(2), [0, 0]);
    assert.notDeepEqual(yb[1]![6]!.slice(0, 2), [0, 0]);
    layer.dispose();
    bi.dispose();
  });

  it("masks long sequences by holding states (tfjs's rule) instead of packing: same values", () => {
    const [batch, steps] = [2, 600];
    assert.ok(2 * batch * steps * steps > PACK_LIMIT, 'long enough to hold by default');
    const x = tf.randomNormal([batch, steps, 3], 0, 1, 'float32', 12);
    const lengths = [steps - 150, 211];
    const mask = tf.tensor2d(
      lengths.flatMap((n) => Array.from({ length: steps }, (_, t) => (t < n && t % 7 !== 3 ? 1 : 0))),
      [batch, steps],
      'bool',
    );
    const layer = tfjsLayer('lstm', { returnSequences: true, goBackwards: false, bidirectional: true }, 13, 3);
    const o = { cell: 'lstm', returnSequences: true, goBackwards: false, bidirectional: true } as const;
    tf.tidy(() => {
      const auto = fusedRnn(tf, x, mask, weightsOf(layer), o);
      assert.equal(maxAbsDiff(auto, fusedRnn(tf, x, mask, weightsOf(layer), { ...o, maskMethod: 'hold' })), 0);
      assert.ok(maxAbsDiff(auto, fusedRnn(tf, x, mask, weightsOf(layer), { ...o, maskMethod: 'pack' })) < TOL);
      assert.ok(maxAbsDiff(auto, layer.apply(x, { mask }) as tf.Tensor) < TOL);
    });
    layer.dispose();
  });

  it('pins the one difference from tfjs: a NaN at a masked step spoils the whole sample when packing', () => {
    const x = tf.tensor3d([[[1], [2], [NaN], [3]]]);
    const mask = tf.tensor2d([[1, 1, 0, 1]], [1, 4], 'bool');
    const layer = tfjsLayer('lstm', { returnSequences: true, goBackwards: false, bidirectional: false }, 14, 1);
    const o = { cell: 'lstm', returnSequences: true, goBackwards: false, bidirectional: false } as const;
    const nanSteps = (y: tf.Tensor) => (y.arraySync() as number[][][])[0]!.map((v) => v.some(Number.isNaN));
    assert.deepEqual(nanSteps(layer.apply(x, { mask }) as tf.Tensor), [false, false, true, true], 'tfjs: NaN from the step on');
    assert.deepEqual(nanSteps(fusedRnn(tf, x, mask, weightsOf(layer), { ...o, maskMethod: 'hold' })), [false, false, true, true]);
    assert.deepEqual(nanSteps(fusedRnn(tf, x, mask, weightsOf(layer), { ...o, maskMethod: 'pack' })), [true, true, true, true]);
    layer.dispose();
  });

  it('reads masks as tfjs does: any non-zero value is a real step, [batch, steps] or [batch, steps, 1]', () => {
    const x = tf.randomNormal([BATCH, STEPS, FEATURES], 0, 1, 'float32', 6);
    const w = weightsOf(tfjsLayer('gru', { returnSequences: true, goBackwards: false, bidirectional: false }, 3));
    const rows = MASKS['holes']!;
    const o = { cell: 'gru', returnSequences: true, goBackwards: true, bidirectional: false } as const;
    const ref = fusedRnn(tf, x, maskTensor(rows), w, o);
    const floats = tf.tensor2d(
      rows.map((r) => r.map((v, i) => v * (i % 2 ? 0.5 : -2))),
      [BATCH, STEPS],
    );
    assert.equal(maxAbsDiff(fusedRnn(tf, x, floats, w, o), ref), 0);
    assert.equal(maxAbsDiff(fusedRnn(tf, x, tf.reshape(floats, [BATCH, STEPS, 1]), w, o), ref), 0);
  });

  it("has the gradients of tfjs's layer (masked, bidirectional; packed and held), for every weight", () => {
    for (const [cell, maskMethod] of CELLS.flatMap(
      (c) =>
        [
          [c, 'pack'],
          [c, 'hold'],
        ] as const,
    )) {
      const o = { returnSequences: true, goBackwards: false, bidirectional: true, maskMethod };
      const layer = tfjsLayer(cell, o, 40);
      const x = tf.randomNormal([BATCH, STEPS, FEATURES], 0, 1, 'float32', 8);
      const mask = maskTensor(MASKS['pre']!)!;
      const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
      const loss = (y: tf.Tensor) => weightedSum([y]);
      const theirs = tf.variableGrads(() => loss(layer.apply(x, { mask }) as tf.Tensor), vars);
      const ours = tf.variableGrads(() => loss(fusedRnn(tf, x, mask, weightsOf(layer), { cell, ...o })), vars);
      for (const v of vars) {
        const [a, b] = [ours.grads[v.name], theirs.grads[v.name]];
        assert.ok(a && b, `${cell} ${maskMethod}: gradient of ${v.name}`);
        assert.ok(tf.max(tf.abs(a)).dataSync()[0]! > 0, `${cell} ${maskMethod}: non-zero gradient of ${v.name}`);
        assert.ok(maxAbsDiff(a, b) < TOL, `${cell} ${maskMethod}: gradient of ${v.name} differs by ${maxAbsDiff(a, b)}`);
      }
      tf.dispose([ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
      layer.dispose();
    }
  });

  it("weights layer: tfjs names, order and shapes (setWeights takes a tfjs layer's getWeights), glorot kernels, zero bias", () => {
    const uni = rnnWeightsLayer(tf, { name: 'w_uni', cell: 'gru', units: 2, features: 5, bidirectional: false, seeds: [[1, 2]] });
    assert.deepEqual(
      uni.weights.map((w) => [w.originalName, w.shape]),
      [
        ['kernel', [5, 6]],
        ['recurrent_kernel', [2, 6]],
        ['bias', [6]],
      ],
    );
    const bi = rnnWeightsLayer(tf, {
      name: 'w_bi',
      cell: 'lstm',
      units: 2,
      features: 2,
      bidirectional: true,
      seeds: [
        [1, 2],
        [3, 4],
      ],
    });
    assert.deepEqual(
      bi.weights.map((w) => w.originalName),
      ['forward', 'backward'].flatMap((run) => ['kernel', 'recurrent_kernel', 'bias'].map((w) => `${run}_w_bi/${w}`)),
    );
    assert.equal(bi.countParams(), 2 * 4 * (2 * 2 * 2 + 2));
    const [k, r, b] = bi.getWeights();
    assert.ok(maxAbsDiff(k!, tf.zerosLike(k!)) > 0 && maxAbsDiff(r!, tf.zerosLike(r!)) > 0);
    assert.equal(maxAbsDiff(b!, tf.zerosLike(b!)), 0);
    assert.ok(maxAbsDiff(bi.getWeights()[0]!, bi.getWeights()[3]!) > 0, 'the runs start from different weights');
    bi.setWeights(tfjsLayer('lstm', { returnSequences: true, goBackwards: false, bidirectional: true }, 1, 2).getWeights());
    // In a stub: the weight names the tfjs layers inside the stub had (saved weights still load).
    for (const bidirectional of [false, true]) {
      const stub = runtime.stub(
        stubSpec('lstm', bidirectional, 8, { name: 'enc', inputShapes: [[null, 8, 6]], outputShapes: [[null, 8, 16]] }),
      );
      stub.apply(tf.input({ shape: [8, 6] }));
      const runs = bidirectional ? ['forward_enc_rnn/', 'backward_enc_rnn/'] : [''];
      assert.deepEqual(
        stub.weights.map((w) => w.originalName),
        runs.flatMap((run) => ['kernel', 'recurrent_kernel', 'bias'].map((w) => `enc/${run}${w}`)),
      );
    }
  });

  for (const cell of CELLS) {
    it(`${cell} stub: equals expand(tfjs layer(reduce(x))) with the stub's weights copied into the tfjs layer`, () => {
      for (const bidirectional of [false, true]) {
        for (const [goBackwards, returnSequences] of [
          [false, true],
          [true, false],
        ] as const) {
          const s = spec({
            name: `pin_${cell}`,
            template: 'recurrent',
            inputShapes: [[null, null, 5]],
            outputShapes: [returnSequences ? [null, null, 6] : [null, 6]],
            recurrent: { cell, returnSequences, goBackwards, bidirectional },
            mask: { supports: true, consumes: true, emits: 'none' },
          });
          const stub = runtime.stub(s);
          const x = tf.randomNormal([4, 9, 5], 0, 1, 'float32', 21);
          const mask = tf.tensor2d(
            [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
            [4, 9],
            'bool',
          );
          const y = stub.apply(x, { mask }) as tf.Tensor;
          const layer = tfjsLayer(cell, { returnSequences, goBackwards, bidirectional }, 0, 2);
          layer.setWeights(stub.getWeights());
          const [reduce, expand] = (stub as unknown as { core: { constants: tf.Tensor2D[] } }).core.constants;
          const ref = projectLastAxis(tf, layer.apply(projectLastAxis(tf, x, reduce!), { mask }) as tf.Tensor, expand!);
          const what = `${cell} bidirectional=${bidirectional} goBackwards=${goBackwards} returnSequences=${returnSequences}`;
          assert.deepEqual(y.shape, ref.shape, what);
          assert.ok(maxAbsDiff(y, ref) < TOL, `${what}: ${maxAbsDiff(y, ref)}`);
        }
      }
    });
  }

  it('trains inside a model (fit, masked, bidirectional GRU): finite loss, every weight moves', async () => {
    const s = stubSpec('gru', true, 6, { inputShapes: [[null, 6, 64]], outputShapes: [[null, 6, 512]], activation: 'linear' });
    const model = maskedModel({ ...s, inputShapes: [[null, null, 64]], outputShapes: [[null, null, 512]] });
    const x = tf.randomNormal([4, 6, 64], 0, 1, 'float32', 2);
    const y = tf.randomNormal([4, 6, 512], 0, 0.1, 'float32', 3);
    const before = model.getWeights().map((w) => w.clone());
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
    const losses = history.history['loss'] as number[];
    assert.ok(losses.every(Number.isFinite) && losses[2]! < losses[0]!, `losses ${losses.join(', ')}`);
    assert.equal(before.length, 6);
    model.getWeights().forEach((w, i) => assert.ok(maxAbsDiff(w, before[i]!) > 0, `weight ${i} moved`));
  });

  it('stub weights get non-zero gradients for every cell (masked, bidirectional)', () => {
    for (const cell of CELLS) {
      const s = stubSpec(cell, true, 8, { inputShapes: [[null, 8, 6]], outputShapes: [[null, 8, 16]] });
      const stub = runtime.stub(s);
      const x = tf.randomNormal([2, 8, 6], 0, 1, 'float32', 4);
      const mask = tf.tensor2d([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], [2, 8], 'bool');
      stub.apply(x);
      assert.equal(stub.trainableWeights.length, 6);
      assertAllGradsNonZero(stub.trainableWeights, () => weightedSum([stub.apply(x, { mask }) as tf.Tensor]));
    }
  });

  it('dispatches few kernels: an LSTM stub behind a Masking layer, 20 steps, batch 3', async (t) => {
    // Measured on tfjs 4.22 (CPU): 261 kernels per predict with the fused recurrence (11 per step),
    // 809 with tfjs's LSTM layer inside the stub (40 per step).
    const model = maskedModel(stubSpec('lstm', false, null));
    const x20 = tf.randomNormal([3, 20, 64], 0, 1, 'float32', 1);
    const x10 = tf.slice(x20, [0, 0, 0], [3, 10, 64]);
    const total = await kernelsPerPredict(model, x20);
    const perStep = (total - (await kernelsPerPredict(model, x10))) / 10;
    t.diagnostic(`LSTM stub, 20 steps: ${total} kernels per predict, ${perStep} per step`);
    assert.ok(total < 350, `${total} kernels per predict`);
    assert.ok(perStep <= 12, `${perStep} kernels per step`);
    // Per step: GRU 11, SimpleRNN 3; the two runs of a bidirectional layer share them.
    for (const [cell, bidirectional, most] of [
      ['gru', false, 12],
      ['simpleRNN', false, 4],
      ['lstm', true, 12],
    ] as const) {
      const m = maskedModel(stubSpec(cell, bidirectional, null));
      const step = ((await kernelsPerPredict(m, x20)) - (await kernelsPerPredict(m, x10))) / 10;
      t.diagnostic(`${cell}${bidirectional ? ' bidirectional' : ''}: ${step} kernels per step`);
      assert.ok(step <= most, `${cell} bidirectional=${bidirectional}: ${step} kernels per step`);
    }
    // No tensor leaks per predict.
    tf.dispose(model.predict(x20) as tf.Tensor);
    const live = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(model.predict(x20) as tf.Tensor);
    assert.equal(tf.memory().numTensors, live);
  });
});
