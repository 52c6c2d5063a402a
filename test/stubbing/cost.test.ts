// Which built-in layers are stubbed: the expensive ones (forward pass, weights, recurrent loops),
// not everything above a parameter count: a Dense gate or head stays the user's own layer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { isExpensive, layerCost } from '../../src/stubbing/cost.js';

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
