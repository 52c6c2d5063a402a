import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StubSpec } from '../../stubs/index.js';
import {
  assertAllGradsNonZero,
  concreteInputs,
  fastest,
  maxAbsDiff,
  predictList,
  runtime,
  soloModel,
  spec,
  symbolicInputs,
  tf,
  weightedSum,
} from './helpers.js';

// LSTM(256) on [null, 20, 64]: 4 * (256 * (64 + 256) + 256) = 328,704 parameters.
const LSTM_PARAMS = 4 * (256 * (64 + 256) + 256);
const masked = { supports: true, consumes: true, emits: 'pass' } as const;

function lstm(returnSequences: boolean, extra: Partial<StubSpec> = {}): StubSpec {
  return spec({
    name: returnSequences ? 'encoder_seq' : 'encoder_last',
    template: 'recurrent',
    inputShapes: [[null, 20, 64]],
    outputShapes: [returnSequences ? [null, 20, 256] : [null, 256]],
    activation: 'tanh',
    originalParams: LSTM_PARAMS,
    recurrent: { cell: 'lstm', returnSequences, goBackwards: false, bidirectional: false },
    mask: returnSequences ? masked : { ...masked, emits: 'none' },
    ...extra,
  });
}

/** [2, steps, features] with sample 0 real for 3 steps and sample 1 for 5, post-padded with `pad`. */
function postPadded(steps: number, features: number, pad: number): tf.Tensor3D {
  const lengths = [3, 5];
  const data = lengths.flatMap((len, b) =>
    Array.from({ length: steps * features }, (_, i) => (Math.floor(i / features) < len ? Math.sin(1 + i + 7 * b) : pad)),
  );
  return tf.tensor3d(data, [2, steps, features]);
}

describe('recurrent stub', () => {
  for (const returnSequences of [true, false]) {
    it(`returnSequences ${returnSequences}: exact shapes, tanh range, params within 1%`, () => {
      const s = lstm(returnSequences);
      const { stub, model, outputs } = soloModel(s);
      assert.deepEqual(outputs[0]!.shape, s.outputShapes[0]);
      for (const batch of [1, 3]) {
        const [y] = predictList(model, concreteInputs(s, batch));
        assert.deepEqual(y!.shape, [batch, ...s.outputShapes[0]!.slice(1)]);
        assert.ok(tf.max(tf.abs(y!)).dataSync()[0]! < 1, 'tanh keeps outputs in (-1, 1)');
      }
      const params = stub.countParams();
      assert.ok(params > 0 && params <= 0.01 * LSTM_PARAMS, `params ${params}`);
    });
  }

  it('keeps a free time axis and builds in well under 10 ms', () => {
    const s = lstm(true, { inputShapes: [[null, null, 64]], outputShapes: [[null, null, 256]] });
    const { model, outputs } = soloModel(s);
    assert.deepEqual(outputs[0]!.shape, [null, null, 256]);
    for (const steps of [4, 11]) assert.deepEqual(predictList(model, concreteInputs(s, 2, [steps]))[0]!.shape, [2, steps, 256]);
    const ms = fastest(5, () => runtime.stub(s).apply(symbolicInputs(s)[0]!));
    assert.ok(ms < 10, `build took ${ms.toFixed(2)} ms`);
  });

  it('supports GRU, SimpleRNN, goBackwards and bidirectional (concat), within 1% of a 10k original', () => {
    const cells = ['gru', 'simpleRNN', 'lstm'] as const;
    for (const cell of cells) {
      for (const bidirectional of [false, true]) {
        const s = lstm(true, {
          name: `${cell}_${bidirectional}`,
          outputShapes: [[null, 20, bidirectional ? 512 : 256]],
          recurrent: { cell, returnSequences: true, goBackwards: !bidirectional, bidirectional },
          originalParams: 10_000,
        });
        const { stub, model } = soloModel(s);
        assert.deepEqual(predictList(model, concreteInputs(s, 2))[0]!.shape, [2, 20, bidirectional ? 512 : 256]);
        assert.ok(stub.countParams() <= 100, `${cell} bidirectional=${bidirectional}: ${stub.countParams()} params`);
      }
    }
  });

  it('repeats the last real step at masked steps, like the original (after a Masking layer)', () => {
    const s = lstm(true, { inputShapes: [[null, 8, 6]], outputShapes: [[null, 8, 32]] });
    const input = tf.input({ shape: [8, 6] });
    const maskedInput = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: runtime.stub(s).apply(maskedInput) as tf.SymbolicTensor });
    const y = (model.predict(postPadded(8, 6, 0)) as tf.Tensor3D).arraySync();
    [3, 5].forEach((len, b) => {
      const last = y[b]![len - 1]!;
      for (let t = len; t < 8; t++) assert.deepEqual(y[b]![t], last, `sample ${b} step ${t}`);
      assert.notDeepEqual(y[b]![len - 2], last, 'real steps differ');
    });
  });

  it('pins the tfjs fact it mirrors: a real LSTM repeats its last real output at masked steps', () => {
    const input = tf.input({ shape: [8, 6] });
    const maskedInput = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
    const real = tf.layers.lstm({ units: 3, returnSequences: true, recurrentInitializer: 'glorotUniform' }).apply(maskedInput);
    const y = (tf.model({ inputs: input, outputs: real as tf.SymbolicTensor }).predict(postPadded(8, 6, 0)) as tf.Tensor3D).arraySync();
    assert.deepEqual(y[0]![7], y[0]![2]);
    assert.deepEqual(y[1]![5], y[1]![4]);
  });

  it('returnSequences false: the output ignores whatever sits at masked steps', () => {
    const s = lstm(false, { inputShapes: [[null, null, 6]], outputShapes: [[null, 32]] });
    const input = tf.input({ shape: [null, 6] });
    const maskedInput = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: runtime.stub(s).apply(maskedInput) as tf.SymbolicTensor });
    const padded = model.predict(postPadded(8, 6, 0)) as tf.Tensor;
    // The same sequences, truncated to their real steps, give the same outputs.
    const short = model.predict(tf.slice(postPadded(8, 6, 0), [0, 0, 0], [2, 5, 6])) as tf.Tensor;
    assert.ok(maxAbsDiff(padded, short) < 1e-6);
    // Eagerly with an explicit mask, garbage at the masked steps changes nothing either.
    const stub = runtime.stub(s);
    const mask = tf.notEqual(tf.sum(tf.abs(postPadded(8, 6, 0)), -1), 0);
    const a = stub.apply(postPadded(8, 6, 0), { mask }) as tf.Tensor;
    const b = stub.apply(postPadded(8, 6, 3.5), { mask }) as tf.Tensor;
    const unmasked = stub.apply(postPadded(8, 6, 3.5)) as tf.Tensor;
    assert.ok(maxAbsDiff(a, b) < 1e-6);
    assert.ok(maxAbsDiff(a, unmasked) > 1e-4, 'without the mask the padded values do matter');
  });

  it('passes the mask on (emits pass) and does not consume it when the spec says so', () => {
    const s = lstm(true, { inputShapes: [[null, 8, 6]], outputShapes: [[null, 8, 32]] });
    const stub = runtime.stub(s);
    assert.equal(stub.supportsMasking, true);
    const mask = tf.tensor2d([[1, 1, 0]], [1, 3], 'bool');
    assert.equal(stub.computeMask(tf.ones([1, 3, 6]), mask), mask);
    assert.equal(stub.computeMask([tf.ones([1, 3, 6])], [mask]), mask);
    const blind = runtime.stub({ ...s, mask: { supports: false, consumes: false, emits: 'none' } });
    assert.equal(blind.supportsMasking, false);
    const x = postPadded(8, 6, 3.5);
    const m = tf.tensor2d(
      [
        [1, 1, 1, 0, 0, 0, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0],
      ],
      [2, 8],
      'bool',
    );
    assert.ok(maxAbsDiff(blind.apply(x, { mask: m }) as tf.Tensor, blind.apply(x) as tf.Tensor) === 0);
  });

  it('sends gradients to every weight (also bidirectional, also masked)', () => {
    for (const bidirectional of [false, true]) {
      const s = lstm(true, {
        inputShapes: [[null, 8, 6]],
        outputShapes: [[null, 8, bidirectional ? 16 : 8]],
        recurrent: { cell: 'lstm', returnSequences: true, goBackwards: false, bidirectional },
      });
      const stub = runtime.stub(s);
      const x = postPadded(8, 6, 0);
      const mask = tf.notEqual(tf.sum(tf.abs(x), -1), 0);
      stub.apply(x);
      assert.equal(stub.trainableWeights.length, bidirectional ? 6 : 3);
      assertAllGradsNonZero(stub.trainableWeights, () => weightedSum([stub.apply(x, { mask }) as tf.Tensor]));
    }
  });

  it('takes extra inputs (initial states) into account, keeping the masked-step invariance', () => {
    const s = lstm(true, {
      inputShapes: [
        [null, 8, 6],
        [null, 16],
        [null, 16],
      ],
      outputShapes: [[null, 8, 16]],
    });
    const { stub, model } = soloModel(s);
    const x = postPadded(8, 6, 0);
    const [h, c] = [tf.randomNormal([2, 16], 0, 1, 'float32', 3), tf.randomNormal([2, 16], 0, 1, 'float32', 4)];
    const base = predictList(model, [x, h, c])[0]!;
    assert.ok(maxAbsDiff(base, predictList(model, [x, tf.add(h, 1), c])[0]!) > 1e-4, 'depends on input 1');
    assert.ok(maxAbsDiff(base, predictList(model, [x, h, tf.add(c, 1)])[0]!) > 1e-4, 'depends on input 2');
    const mask = tf.notEqual(tf.sum(tf.abs(x), -1), 0);
    const y = (stub.apply([x, h, c], { mask }) as tf.Tensor3D).arraySync();
    assert.deepEqual(y[0]![7], y[0]![2]);
    assertAllGradsNonZero(stub.trainableWeights, () => weightedSum([stub.apply([x, h, c], { mask }) as tf.Tensor]));
  });

  it('rejects inconsistent specs and wrong inputs, naming the component', () => {
    assert.throws(() => runtime.stub(lstm(true, { outputShapes: [[null, 256]] })), /stub "encoder_seq".*returnSequences is true/);
    assert.throws(() => runtime.stub(lstm(true, { inputShapes: [[null, 64]] })), /stub "encoder_seq".*\[batch, steps, features\]/);
    const stub = runtime.stub(lstm(false));
    assert.throws(() => stub.apply(tf.input({ shape: [20, 32] })), /stub "encoder_last".*input 0 has shape \[null, 20, 32\]/);
    assert.throws(() => stub.apply([tf.input({ shape: [20, 64] }), tf.input({ shape: [3] })]), /expects 1 input/);
  });
});
