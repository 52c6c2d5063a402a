import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { drawsWhere, onOtherDraw, OTHER_DRAWS } from '../../../src/checks/harness/redraw.js';
import { buildTwin } from '../../../src/pipeline/twin.js';
import { withFreeInitializers } from '../../../src/tfjs/free-init.js';
import { probeModel } from '../../helpers/stages.js';

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

/** A heavy Dense (a component, stubbed) between two of the user's small layers. */
async function twinOfHeavyMiddle() {
  const model = await withFreeInitializers(tf, async () => {
    const x = tf.input({ shape: [8], name: 'x' });
    const a = tf.layers.dense({ units: 4, activation: 'relu', name: 'small_in' }).apply(x) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4096, activation: 'relu', name: 'heavy' }).apply(a) as tf.SymbolicTensor;
    const y = tf.layers.dense({ units: 3, activation: 'softmax', name: 'small_out' }).apply(b) as tf.SymbolicTensor;
    return tf.model({ inputs: x, outputs: y });
  });
  const probed = probeModel(tf, model, { file: 'redraw.ts', minParams: 10_000 });
  return buildTwin(tf, probed, 'redraw.ts', 3);
}

const values = (layer: tf.layers.Layer) => layer.getWeights().map((w) => Array.from(w.dataSync()));

describe('onOtherDraw', () => {
  it("draws the user's layers again, keeps the stubs' weights, and puts everything back", async () => {
    const twin = await twinOfHeavyMiddle();
    assert.ok(twin.stubs.has('heavy'), 'the heavy Dense is stubbed');
    const own = twin.layers.get('small_in') as tf.layers.Layer;
    const stub = twin.stubs.get('heavy')?.layer as tf.layers.Layer;
    const before = { own: values(own), stub: values(stub) };
    const tensors = tf.memory().numTensors;
    const seen = [1, 2].map((draw) => onOtherDraw(tf, twin, 3, draw, () => ({ own: values(own), stub: values(stub) })));
    assert.notDeepEqual(seen[0]?.own, before.own, 'a redraw changes the user layer');
    assert.notDeepEqual(seen[0]?.own, seen[1]?.own, 'two draws differ');
    assert.deepEqual(seen[0]?.stub, before.stub, 'the stub keeps its weights');
    assert.deepEqual(values(own), before.own, 'the weights are back');
    assert.deepEqual(
      onOtherDraw(tf, twin, 3, 1, () => values(own)),
      seen[0]?.own,
      'the same seed and draw give the same weights',
    );
    assert.throws(
      () =>
        onOtherDraw(tf, twin, 3, 1, () => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.deepEqual(values(own), before.own, 'the weights are back after a throw');
    assert.equal(tf.memory().numTensors, tensors, 'no tensor is left behind');
  });

  it('counts the draws a property holds on', async () => {
    const twin = await twinOfHeavyMiddle();
    let calls = 0;
    assert.equal(
      drawsWhere(tf, twin, 3, () => ++calls === 1),
      1,
    );
    assert.equal(calls, OTHER_DRAWS);
    assert.equal(
      drawsWhere(tf, twin, 3, () => true),
      OTHER_DRAWS,
    );
  });
});
