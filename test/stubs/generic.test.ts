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

const fusion = spec({
  name: 'fusion',
  template: 'generic',
  inputShapes: [
    [null, 10],
    [null, 4, 4, 3],
  ],
  outputShapes: [
    [null, 5],
    [null, 7, 2],
  ],
  activation: 'softmax',
  originalParams: 50_000,
});

describe('generic stub', () => {
  it('maps 2 inputs to 2 outputs with exact shapes, softmax on the last axis, params within 1%', () => {
    const { stub, model, outputs } = soloModel(fusion);
    assert.deepEqual(
      outputs.map((o) => o.shape),
      [
        [null, 5],
        [null, 7, 2],
      ],
    );
    for (const batch of [1, 3]) {
      const ys = predictList(model, concreteInputs(fusion, batch));
      assert.deepEqual(
        ys.map((y) => y.shape),
        [
          [batch, 5],
          [batch, 7, 2],
        ],
      );
      for (const y of ys) assert.ok(maxAbsDiff(tf.sum(y, -1), tf.onesLike(tf.sum(y, -1))) < 1e-5, 'softmax sums to 1');
    }
    assert.ok(stub.countParams() > 0 && stub.countParams() <= 500, `params ${stub.countParams()}`);
    assert.ok(fastest(5, () => runtime.stub(fusion).apply(symbolicInputs(fusion))) < 10);
  });

  it('makes every output depend on every input', () => {
    const { model } = soloModel({ ...fusion, activation: 'linear' });
    const [a, b] = concreteInputs(fusion, 2);
    const base = predictList(model, [a!, b!]);
    const moved = [predictList(model, [tf.add(a!, 1), b!]), predictList(model, [a!, tf.add(b!, 1)])];
    moved.forEach((outs, i) => outs.forEach((y, j) => assert.ok(maxAbsDiff(y, base[j]!) > 1e-4, `output ${j} depends on input ${i}`)));
  });

  it('sends gradients to every weight', () => {
    const { stub, model } = soloModel(fusion);
    const inputs = concreteInputs(fusion, 3);
    assertAllGradsNonZero(stub.trainableWeights, () => weightedSum(model.apply(inputs) as tf.Tensor[]));
  });

  it('takes free output dims from the same axis of input 0', () => {
    const s = spec({
      template: 'generic',
      inputShapes: [
        [null, null, 8],
        [null, 3],
      ],
      outputShapes: [[null, null, 3], [null, 6, null, 2], [null]],
      activation: 'relu',
    });
    const { model, outputs } = soloModel(s);
    assert.deepEqual(
      outputs.map((o) => o.shape),
      [[null, null, 3], [null, 6, 8, 2], [null]],
    );
    for (const [batch, steps] of [
      [1, 4],
      [3, 9],
    ] as const) {
      const ys = predictList(model, concreteInputs(s, batch, [steps]));
      assert.deepEqual(
        ys.map((y) => y.shape),
        [[batch, steps, 3], [batch, 6, 8, 2], [batch]],
      );
      for (const y of ys) assert.ok(tf.min(y).dataSync()[0]! >= 0, 'relu range');
    }
  });

  it('casts to the output dtype, also on the symbolic tensor', () => {
    const s = spec({
      template: 'generic',
      inputShapes: [[null, 4]],
      outputShapes: [[null, 2]],
      outputDtypes: ['int32'],
      activation: 'relu',
    });
    const { model, outputs } = soloModel(s);
    assert.equal(outputs[0]!.dtype, 'int32');
    assert.equal(predictList(model, [tf.fill([2, 4], 3)])[0]!.dtype, 'int32');
  });

  it('throws a clear error when a free output axis has nothing to take its size from', () => {
    assert.throws(
      () => runtime.stub(spec({ name: 'decoder', template: 'generic', inputShapes: [[null, 16]], outputShapes: [[null, 4, null, 3]] })),
      /stub "decoder" \(template 'generic'\): output 0 \[null, 4, null, 3\] has a free axis 2, but input 0 \[null, 16\] has no axis 2/,
    );
    assert.throws(
      () => runtime.stub(spec({ name: 'x', template: 'generic', inputShapes: [[null, null]], outputShapes: [[null, 2]] })),
      /stub "x".*input 0 \[null, null\] needs a batch axis and a fixed last axis/,
    );
  });
});
