import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

// Dense 512 -> 256: 512 * 256 + 256 = 131,328 parameters.
const head = spec({
  name: 'head',
  template: 'dense',
  inputShapes: [[null, 512]],
  outputShapes: [[null, 256]],
  activation: 'softmax',
  originalParams: 512 * 256 + 256,
});

// Embedding 50000 x 300 with maskZero: 15,000,000 parameters.
const words = spec({
  name: 'words',
  template: 'embedding',
  inputShapes: [[null, null]],
  outputShapes: [[null, null, 300]],
  originalParams: 50_000 * 300,
  embedding: { inputDim: 50_000, maskZero: true },
  mask: { supports: true, consumes: false, emits: 'nonzero' },
});

describe('dense stub', () => {
  it('has exact shapes on rank 2, softmax sums to one, params within 1%', () => {
    const { stub, model, outputs } = soloModel(head);
    assert.deepEqual(outputs[0]!.shape, [null, 256]);
    for (const batch of [1, 3]) {
      const [y] = predictList(model, concreteInputs(head, batch));
      assert.deepEqual(y!.shape, [batch, 256]);
      assert.ok(maxAbsDiff(tf.sum(y!, -1), tf.onesLike(tf.sum(y!, -1))) < 1e-5);
      assert.ok(tf.min(y!).dataSync()[0]! > 0);
    }
    assert.ok(stub.countParams() <= 0.01 * head.originalParams!, `params ${stub.countParams()}`);
    assert.ok(fastest(5, () => runtime.stub(head).apply(symbolicInputs(head)[0]!)) < 10);
  });

  it('applies on the last axis of a rank 3 input with a free axis', () => {
    const s = { ...head, inputShapes: [[null, null, 512]], outputShapes: [[null, null, 256]], activation: 'sigmoid' };
    const { model, outputs } = soloModel(s);
    assert.deepEqual(outputs[0]!.shape, [null, null, 256]);
    for (const [batch, steps] of [
      [1, 4],
      [3, 9],
    ] as const) {
      const [y] = predictList(model, concreteInputs(s, batch, [steps]));
      assert.deepEqual(y!.shape, [batch, steps, 256]);
      assert.ok(tf.min(y!).dataSync()[0]! > 0 && tf.max(y!).dataSync()[0]! < 1, 'sigmoid range');
    }
  });

  it('makes every output depend on every input and sends gradients to every weight', () => {
    const s = {
      ...head,
      name: 'fused',
      inputShapes: [
        [null, 512],
        [null, 3, 7],
      ],
      activation: 'relu',
    };
    const { stub, model } = soloModel(s);
    const [a, b] = concreteInputs(s, 3);
    const base = predictList(model, [a!, b!])[0]!;
    assert.ok(maxAbsDiff(base, predictList(model, [tf.add(a!, 1), b!])[0]!) > 1e-4, 'depends on input 0');
    assert.ok(maxAbsDiff(base, predictList(model, [a!, tf.add(b!, 1)])[0]!) > 1e-4, 'depends on input 1');
    assertAllGradsNonZero(stub.trainableWeights, () => weightedSum([model.apply([a!, b!]) as tf.Tensor]));
  });
});

describe('embedding stub', () => {
  it('maps ids of any length to [batch, steps, 300] within 1% of 50000x300', () => {
    const { stub, model, outputs } = soloModel(words);
    assert.deepEqual(outputs[0]!.shape, [null, null, 300]);
    for (const [batch, steps] of [
      [1, 6],
      [3, 11],
    ] as const) {
      const ids = tf.randomUniform([batch, steps], 0, 50_000, 'int32', 3);
      assert.deepEqual((model.predict(ids) as tf.Tensor).shape, [batch, steps, 300]);
    }
    const params = stub.countParams();
    assert.ok(params > 0 && params <= 0.01 * words.originalParams!, `params ${params}`);
    // A small vocabulary caps the table at its size (m <= inputDim) and the budget at 1%.
    const tiny = runtime.stub({ ...words, name: 'tiny', embedding: { inputDim: 3, maskZero: false }, originalParams: 20_000 });
    tiny.apply(tf.tensor2d([[0, 1, 2]]));
    assert.equal(tiny.countParams(), 3 * 2);
    const budget = runtime.stub({ ...words, name: 'budget', originalParams: 10_000 });
    budget.apply(tf.tensor2d([[0, 1, 2]]));
    assert.ok(budget.countParams() <= 100);
  });

  it('accepts float ids, emits input != 0 as its mask, and feeds a downstream RNN that mask', () => {
    const stub = runtime.stub(words);
    const ids = tf.tensor2d([
      [5, 49_999, 7, 0, 0],
      [1, 2, 3, 4, 0],
    ]);
    const y = stub.apply(ids) as tf.Tensor;
    assert.deepEqual(y.shape, [2, 5, 300]);
    assert.deepEqual((stub.computeMask(ids) as tf.Tensor).arraySync(), [
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 0],
    ]);
    const input = tf.input({ shape: [null] });
    const seq = runtime.stub({ ...words, name: 'words2' }).apply(input) as tf.SymbolicTensor;
    const rnn = tf.layers.simpleRNN({ units: 3, returnSequences: true, recurrentInitializer: 'glorotUniform' }).apply(seq);
    const out = (tf.model({ inputs: input, outputs: rnn as tf.SymbolicTensor }).predict(ids) as tf.Tensor3D).arraySync();
    assert.deepEqual(out[0]![4], out[0]![2], 'the RNN holds its output at masked steps');
    assert.deepEqual(out[1]![4], out[1]![3]);
    assert.notDeepEqual(out[1]![3], out[1]![2]);
  });

  it('is deterministic per seed and trains its table', () => {
    const ids = tf.tensor2d([[1, 2, 3, 64, 65]], [1, 5], 'int32');
    const a = runtime.stub(words).apply(ids) as tf.Tensor;
    const b = runtime.stub(words).apply(ids) as tf.Tensor;
    const c = runtime.stub({ ...words, seed: 43 }).apply(ids) as tf.Tensor;
    assert.equal(maxAbsDiff(a, b), 0);
    assert.ok(maxAbsDiff(a, c) > 1e-4);
    const stub = runtime.stub(words);
    stub.apply(ids);
    assertAllGradsNonZero(stub.trainableWeights, () => weightedSum([stub.apply(ids) as tf.Tensor]));
  });

  it('rejects an output without the extra vector axis', () => {
    assert.throws(() => runtime.stub({ ...words, outputShapes: [[null, 300]] }), /stub "words".*one more axis/);
  });
});
