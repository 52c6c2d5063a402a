import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertAllGradsNonZero,
  concreteInputs,
  fastest,
  predictList,
  runtime,
  soloModel,
  spec,
  symbolicInputs,
  tf,
  weightedSum,
} from './helpers.js';

// A ResNet-like backbone: 224x224x3 -> 7x7x256, about 1.2M parameters.
const backbone = spec({
  name: 'backbone',
  template: 'conv',
  inputShapes: [[null, 224, 224, 3]],
  outputShapes: [[null, 7, 7, 256]],
  activation: 'relu',
  originalParams: 1_200_000,
});

describe('conv stub', () => {
  it('has the exact output shape, symbolically and for batch 1 and 3', () => {
    const { stub, model, outputs } = soloModel(backbone);
    assert.deepEqual(outputs[0]!.shape, [null, 7, 7, 256]);
    assert.equal(stub.name, 'backbone');
    assert.equal(stub.getClassName(), 'MiniStub');
    for (const batch of [1, 3]) {
      const [y] = predictList(model, concreteInputs(backbone, batch));
      assert.deepEqual(y!.shape, [batch, 7, 7, 256]);
      assert.ok(tf.min(y!).dataSync()[0]! >= 0, 'relu output is >= 0');
      assert.ok(tf.max(y!).dataSync()[0]! > 0, 'relu output is not all zero');
    }
  });

  it('keeps its parameters within 1% of the original', () => {
    const { stub } = soloModel(backbone);
    const params = stub.countParams();
    assert.ok(params > 0 && params <= 0.01 * 1_200_000, `params ${params}`);
    // The smallest original the 1% rule applies to.
    const small = soloModel({ ...backbone, name: 'small', originalParams: 10_000 }).stub.countParams();
    assert.ok(small <= 100, `params ${small}`);
  });

  it('builds in well under 10 ms', () => {
    const ms = fastest(5, () => runtime.stub(backbone).apply(symbolicInputs(backbone)[0]!));
    assert.ok(ms < 10, `build took ${ms.toFixed(2)} ms`);
  });

  it('hits sizes that integer strides cannot, and upsamples', () => {
    const cases: [number, number][] = [
      [10, 3],
      [10, 4],
      [7, 5],
      [4, 8],
      [9, 9],
    ];
    for (const [n, o] of cases) {
      const s = spec({ template: 'conv', inputShapes: [[null, n, n + 1, 2]], outputShapes: [[null, o, o, 6]] });
      const { model, outputs } = soloModel(s);
      assert.deepEqual(outputs[0]!.shape, [null, o, o, 6]);
      assert.deepEqual(predictList(model, concreteInputs(s, 2))[0]!.shape, [2, o, o, 6], `${n} -> ${o}`);
    }
  });

  it('resolves free spatial dims with spec.conv (same and valid padding)', () => {
    const same = spec({
      template: 'conv',
      inputShapes: [[null, null, null, 3]],
      outputShapes: [[null, null, null, 16]],
      conv: { strides: [4], padding: 'same' },
      activation: 'sigmoid',
    });
    const { model, outputs } = soloModel(same);
    assert.deepEqual(outputs[0]!.shape, [null, null, null, 16]);
    for (const [h, w] of [
      [32, 48],
      [30, 30],
    ] as const) {
      const [y] = predictList(model, [tf.randomNormal([3, h, w, 3])]);
      assert.deepEqual(y!.shape, [3, Math.ceil(h / 4), Math.ceil(w / 4), 16]);
      assert.ok(tf.min(y!).dataSync()[0]! > 0 && tf.max(y!).dataSync()[0]! < 1, 'sigmoid range');
    }
    const valid = spec({
      template: 'conv',
      inputShapes: [[null, null, null, 3]],
      outputShapes: [[null, null, null, 8]],
      conv: { strides: [2, 2], padding: 'valid', kernel: [3, 3] },
    });
    const v = runtime.stub(valid);
    assert.deepEqual(v.computeOutputShape([null, 11, 12, 3]), [null, 5, 5, 8]);
    assert.deepEqual((v.apply(tf.ones([1, 11, 12, 3])) as tf.Tensor).shape, [1, 5, 5, 8]);
  });

  it('handles conv1d-like inputs and a pooled [batch, channels] output', () => {
    const oneD = spec({ template: 'conv', inputShapes: [[null, 100, 16]], outputShapes: [[null, 25, 32]], activation: 'tanh' });
    const { model, outputs } = soloModel(oneD);
    assert.deepEqual(outputs[0]!.shape, [null, 25, 32]);
    const [y] = predictList(model, concreteInputs(oneD, 3));
    assert.deepEqual(y!.shape, [3, 25, 32]);
    assert.ok(tf.max(tf.abs(y!)).dataSync()[0]! < 1, 'tanh range');
    const freeSteps = spec({
      template: 'conv',
      inputShapes: [[null, null, 16]],
      outputShapes: [[null, null, 4]],
      conv: { strides: [2], padding: 'same' },
    });
    const free = soloModel(freeSteps);
    for (const steps of [9, 20]) {
      assert.deepEqual(predictList(free.model, [tf.ones([2, steps, 16])])[0]!.shape, [2, Math.ceil(steps / 2), 4]);
    }
    const pooled = spec({ template: 'conv', inputShapes: [[null, 32, 32, 3]], outputShapes: [[null, 128]], activation: 'softmax' });
    const p = soloModel(pooled);
    const [z] = predictList(p.model, concreteInputs(pooled, 3));
    assert.deepEqual(z!.shape, [3, 128]);
    assert.ok(tf.max(tf.abs(tf.sub(tf.sum(z!, -1), 1))).dataSync()[0]! < 1e-5, 'softmax sums to 1');
  });

  it('works inside TimeDistributed', () => {
    const frame = spec({ template: 'conv', inputShapes: [[null, 16, 16, 3]], outputShapes: [[null, 4, 4, 8]] });
    const input = tf.input({ shape: [5, 16, 16, 3] });
    const out = tf.layers.timeDistributed({ layer: runtime.stub(frame) }).apply(input) as tf.SymbolicTensor;
    assert.deepEqual(out.shape, [null, 5, 4, 4, 8]);
    const model = tf.model({ inputs: input, outputs: out });
    assert.deepEqual((model.predict(tf.ones([2, 5, 16, 16, 3])) as tf.Tensor).shape, [2, 5, 4, 4, 8]);
  });

  it('sends gradients to every weight', () => {
    const s = { ...backbone, inputShapes: [[null, 64, 64, 3]], outputShapes: [[null, 8, 8, 32]] };
    const { stub, model } = soloModel(s);
    const x = concreteInputs(s, 2);
    assertAllGradsNonZero(stub.trainableWeights, () => weightedSum([model.apply(x[0]!) as tf.Tensor]));
  });

  it('rejects a spec it cannot honour, naming the component', () => {
    assert.throws(
      () => runtime.stub(spec({ name: 'vit', template: 'conv', inputShapes: [[null, 196, 768]], outputShapes: [[null, 10, 10, 768]] })),
      /stub "vit".*cannot map/,
    );
    assert.throws(
      () =>
        runtime.stub(spec({ name: 'fcn', template: 'conv', inputShapes: [[null, null, null, 3]], outputShapes: [[null, null, null, 3]] })),
      /stub "fcn".*spec\.conv/,
    );
  });
});
