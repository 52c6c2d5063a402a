// Which built-in layers are stubbed: the expensive ones (forward pass, weights, recurrent loops),
// not everything above a parameter count: a Dense gate or head stays the user's own layer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { isExpensive, layerCost, realCost } from '../../src/stubbing/cost.js';
import { withFreeInitializers } from '../../src/tfjs/free-init.js';

await tf.setBackend('cpu');

function applied(layer: tf.layers.Layer, shape: (number | null)[], dtype: 'float32' | 'int32' = 'float32') {
  const input = tf.input({ shape: shape.slice(1) as number[], dtype });
  const output = layer.apply(input) as tf.SymbolicTensor;
  return layerCost(layer, [input], [output]);
}

describe('layer costs', () => {
  it('keep a Dense gate or head real, and stub a large Dense', () => {
    const gate = applied(tf.layers.dense({ units: 128 }), [null, 128]);
    assert.equal(gate.macs, 128 * 128);
    assert.equal(isExpensive(gate), false);
    assert.equal(isExpensive(applied(tf.layers.dense({ units: 128 }), [null, 512])), false, 'the tracker head: 65k multiply-adds');
    assert.equal(isExpensive(applied(tf.layers.dense({ units: 1024 }), [null, 1024])), true);
  });

  it('count a Dense over steps once per step, and a conv per output position', () => {
    assert.equal(applied(tf.layers.dense({ units: 32 }), [null, 10, 16]).macs, 10 * 16 * 32);
    const conv = applied(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same' }), [null, 64, 64, 16]);
    assert.equal(conv.macs, 64 * 64 * 9 * 16 * 32);
    assert.equal(isExpensive(conv), true);
    assert.equal(isExpensive(applied(tf.layers.conv2d({ filters: 8, kernelSize: 1 }), [null, 7, 7, 8])), false);
  });

  it('stub every recurrent layer (its cost is its steps, not its weights), and embeddings by their table', () => {
    const small = applied(tf.layers.lstm({ units: 8 }), [null, 12, 4]);
    assert.ok(small.recurrent && small.weights < 1000);
    assert.equal(isExpensive(small), true);
    assert.equal(isExpensive(applied(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 4 }) as tf.RNN }), [null, 5, 3])), true);
    // tfjs's generic RNN wrapper around a cell is not a recurrent layer the stubs stand in for.
    assert.equal(applied(tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 8 }) }), [null, 12, 4]).recurrent, false);
    assert.equal(isExpensive(applied(tf.layers.embedding({ inputDim: 5000, outputDim: 64 }), [null, 20], 'int32')), false);
    assert.equal(isExpensive(applied(tf.layers.embedding({ inputDim: 50_000, outputDim: 300 }), [null, 20], 'int32')), true);
  });
});

describe("a component's real cost", () => {
  /** The layer applied to a symbolic input, built with free initialisers (no real weight drawn). */
  const built = (layer: () => tf.layers.Layer, shape: number[]) =>
    withFreeInitializers(tf, async () => {
      const l = layer();
      l.apply(tf.input({ shape }));
      return l;
    });

  it("estimates an LSTM's build by its Orthogonal recurrent kernel: 8x per doubling of units, minutes at 256", async () => {
    const lstm = async (units: number) => {
      const layer = await built(() => tf.layers.lstm({ units }), [20, 16]);
      return realCost(layer, layer);
    };
    const [small, large] = [await lstm(128), await lstm(256)];
    const ratio = large.buildMs / small.buildMs;
    assert.ok(ratio > 7.5 && ratio < 8.5, `ratio ${ratio}`);
    // One LSTM(256) took 236 s to build in tfjs on this project's machine (the brief).
    assert.ok(large.buildMs > 100_000 && large.buildMs < 400_000, `${large.buildMs} ms`);
    // The same layer with a glorot recurrent kernel costs its values only.
    const glorot = await built(() => tf.layers.lstm({ units: 256, recurrentInitializer: 'glorotUniform' }), [20, 16]);
    assert.ok(realCost(glorot, glorot).buildMs < 100);
  });

  it("counts a nested model's weights, every layer's outputs per sample, and a forward pass by its multiply-adds and steps", async () => {
    const model = await withFreeInitializers(tf, async () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 32, inputShape: [10, 8] }));
      m.add(tf.layers.lstm({ units: 4 }));
      return m;
    });
    const cost = realCost(model, model);
    assert.equal(cost.params, model.countParams());
    assert.equal(cost.weightBytes, 4 * model.countParams());
    assert.equal(cost.activationBytesPerSample, 4 * (10 * 32 + 4));
    const lstm = model.layers[1] as tf.layers.Layer;
    // 0.25 G multiply-adds a second, 0.6 ms a recurrent step (stock CPU backend, this machine).
    const macs = 10 * 8 * 32 + lstm.countParams() * 10;
    assert.ok(Math.abs(cost.forwardMs - ((macs / 0.25e9) * 1000 + 10 * 0.6)) < 1e-9, `${cost.forwardMs}`);
  });

  it('multiplies a component inside TimeDistributed by the steps of its wrapper', async () => {
    const inner = await withFreeInitializers(tf, async () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 16, inputShape: [8] }));
      return m;
    });
    const wrapper = tf.layers.timeDistributed({ layer: inner });
    wrapper.apply(tf.input({ shape: [5, 8] }));
    const alone = realCost(inner, inner);
    const wrapped = realCost(inner, wrapper);
    assert.equal(wrapped.activationBytesPerSample, 5 * alone.activationBytesPerSample);
    assert.ok(Math.abs(wrapped.forwardMs - 5 * alone.forwardMs) < 1e-9);
    assert.equal(wrapped.weightBytes, alone.weightBytes);
  });
});
