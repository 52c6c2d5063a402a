// Real initialisation made cheap: an orthonormal matrix by Gram-Schmidt has the Orthogonal
// initialiser's properties, and an LSTM(256) builds with it in well under the minutes tfjs takes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { orthonormal, withRealInitializers } from '../../src/tfjs/real-init.js';

await tf.setBackend('cpu');

function gramError(values: Float32Array, rows: number, cols: number): number {
  return tf.tidy(() => {
    const q = tf.tensor2d(values, [rows, cols]);
    const gram = rows >= cols ? tf.matMul(q, q, true, false) : tf.matMul(q, q, false, true);
    return tf.max(tf.abs(tf.sub(gram, tf.eye(Math.min(rows, cols))))).dataSync()[0] ?? Infinity;
  });
}

describe('real initialisers', () => {
  it('make orthonormal columns (tall) or rows (wide), reproducibly from the seed', () => {
    assert.ok(gramError(orthonormal(300, 40, 1), 300, 40) < 1e-5);
    assert.ok(gramError(orthonormal(40, 300, 1), 40, 300) < 1e-5);
    assert.deepEqual(orthonormal(20, 5, 7), orthonormal(20, 5, 7));
    assert.notDeepEqual(orthonormal(20, 5, 7), orthonormal(20, 5, 8));
  });

  it("replace tfjs's Orthogonal while a model is built, its other initialisers real, and restore it", async () => {
    const before = Object.getPrototypeOf(tf.initializers.orthogonal({})).apply;
    const model = await withRealInitializers(tf, () => tf.sequential({ layers: [tf.layers.lstm({ units: 64, inputShape: [5, 8] })] }));
    const recurrent = model.layers[0]!.getWeights()[1]!;
    assert.deepEqual(recurrent.shape, [64, 256]);
    assert.ok(gramError(recurrent.dataSync() as Float32Array, 64, 256) < 1e-5, 'the recurrent kernel is orthogonal');
    const kernel = model.layers[0]!.getWeights()[0]!;
    assert.ok(tf.tidy(() => tf.max(tf.abs(kernel)).dataSync()[0]!) > 0, 'the input kernel has its Glorot values');
    assert.equal(Object.getPrototypeOf(tf.initializers.orthogonal({})).apply, before);
    model.dispose();
  });
});
