import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../src/config.js';
import { twin } from '../../src/pipeline/twin.js';
import { calibrate, gainFor } from '../../src/stubbing/calibrate.js';
import type { Tf } from '../../src/tfjs/tf-instance.js';
import { probeModel } from '../helpers/stages.js';

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

const FILE = 'calibrate.test.ts';

/** features -> a heavy Dense (a component by its cost) -> a small head. */
function composite(units: number, init: 'glorotUniform' | 'huge'): tf.LayersModel {
  {
    const x = tf.input({ shape: [64], name: 'features' });
    const kernelInitializer = init === 'huge' ? tf.initializers.randomNormal({ mean: 0, stddev: 3 }) : 'glorotUniform';
    const hidden = tf.layers.dense({ units, activation: 'tanh', name: 'hidden', kernelInitializer }).apply(x) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 10, activation: 'softmax', name: 'out' }).apply(hidden) as tf.SymbolicTensor;
    return tf.model({ inputs: x, outputs: out });
  }
}

const std = (t: tf.Tensor): number => tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0] ?? NaN));

/** The spread of the heavy component's output: the real layer with its own initialiser, and the twin's stub. */
function spreads(init: 'glorotUniform' | 'huge'): { real: number; stub: number; notes: string[] } {
  const model = composite(8192, init);
  const probed = probeModel(tf as unknown as Tf, model, { file: FILE });
  assert.deepEqual(
    probed.components.map((c) => c.info.name),
    ['hidden'],
  );
  const ctx = { tf: tf as unknown as Tf, opts: resolveOptions(FILE, { seed: 3 }) };
  const built = twin({ loaded: { exports: {} }, probed }, ctx);
  const x = tf.randomUniform([8, 64], 0, 1, 'float32', 5);
  const hiddenOf = (m: tf.LayersModel): tf.Tensor =>
    tf.model({ inputs: m.inputs, outputs: m.getLayer('hidden').output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
  const stub = std(hiddenOf(built.model));
  // The real layer at initialisation: its weights drawn by its own initialiser.
  const real = std(
    tf.tidy(() =>
      tf.tanh(
        tf.matMul(
          x,
          tf.initializers[init === 'huge' ? 'randomNormal' : 'glorotUniform'](init === 'huge' ? { mean: 0, stddev: 3 } : {}).apply([
            64, 8192,
          ]),
        ),
      ),
    ),
  );
  return { real, stub, notes: built.notes ?? [] };
}

describe('calibrate: stubs spread their outputs as the real components do at initialisation', () => {
  it('matches the standard deviation of a Glorot tanh layer and of one drawn with stddev 3 (saturated)', () => {
    for (const init of ['glorotUniform', 'huge'] as const) {
      const { real, stub, notes } = spreads(init);
      assert.ok(Math.abs(stub - real) / real < 0.25, `${init}: stub std ${stub} against real ${real}`);
      assert.match(notes[0] ?? '', /stubs calibrated .* \(1 stub\(s\), one real pass of 4 samples\)$/);
    }
  });

  it('gives different gains for different real scales (the calibration reads the real layer)', () => {
    const small = spreads('glorotUniform');
    const huge = spreads('huge');
    assert.ok(huge.stub > 2 * small.stub, `huge ${huge.stub} against glorot ${small.stub}`);
  });

  it('takes the smallest gain that reaches the real spread, not one where a saturated sigmoid has none', () => {
    // Four samples on the same side of 0: at gain 1000 every sigmoid is 1 and the spread is 0 again.
    const z = tf.tensor2d([[0.5], [0.52], [0.54], [0.56]]);
    const real = tf.tensor2d([[0.5], [0.501], [0.502], [0.503]]);
    const g = gainFor(tf as unknown as Tf, z, real, 'sigmoid');
    const spread = std(tf.sigmoid(tf.mul(z, g)));
    assert.ok(Math.abs(spread - std(real)) / std(real) < 0.01, `gain ${g}: spread ${spread} against ${std(real)}`);
    assert.ok(g < 10, `gain ${g}`);
    // Linear: exactly the ratio of the spreads; an input without spread leaves the stub as it is.
    assert.ok(Math.abs(gainFor(tf as unknown as Tf, z, real, 'linear') - std(real) / std(z)) < 1e-3);
    assert.equal(gainFor(tf as unknown as Tf, tf.ones([4, 1]), real, 'sigmoid'), 1);
    tf.dispose([z, real]);
  });

  it('finds the gain of a single sigmoid output, whose spread on 4 samples falls to 0 when it saturates', () => {
    // A GAN's combined model: generator -> frozen discriminator (one sigmoid unit), both nested models.
    const generator = tf.sequential({
      name: 'generator',
      layers: [tf.layers.dense({ units: 64, activation: 'relu', inputShape: [16] }), tf.layers.dense({ units: 96, activation: 'tanh' })],
    });
    const discriminator = tf.sequential({
      name: 'discriminator',
      layers: [tf.layers.dense({ units: 64, activation: 'relu', inputShape: [96] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
    });
    const z = tf.input({ shape: [16], name: 'z' });
    const model = tf.model({ inputs: z, outputs: discriminator.apply(generator.apply(z)) as tf.SymbolicTensor });
    const probed = probeModel(tf as unknown as Tf, model, { file: FILE });
    const built = twin({ loaded: { exports: {} }, probed }, { tf: tf as unknown as Tf, opts: resolveOptions(FILE, { seed: 1 }) });
    const gain = built.gains.get('discriminator')?.[0] ?? NaN;
    assert.ok(gain > 0.01 && gain < 100, `discriminator gain ${gain}`);
    const out = tf.tidy(() => Array.from((built.model.predict(tf.randomUniform([16, 16], -1, 1, 'float32', 2)) as tf.Tensor).dataSync()));
    assert.ok(
      out.every((v) => v > 0.01 && v < 0.99),
      `saturated outputs ${out.map((v) => v.toFixed(3)).join(' ')}`,
    );
  });

  it('is skipped with a note when the real forward pass is expensive, and tolerates a real model that throws', () => {
    const model = composite(8192, 'glorotUniform');
    const probed = probeModel(tf as unknown as Tf, model, { file: FILE });
    const big = tf.zeros([4096, 64]);
    const skipped = calibrate(tf as unknown as Tf, probed, [big], 1);
    assert.equal(skipped.gains.size, 0);
    assert.match(skipped.note, /^stubs not calibrated: a real forward pass of 4096 samples costs about 2\.5 G multiply-adds/);
    // A recurrent layer weighs more than its multiply-adds: a GRU(64) over 77 steps of 4 samples is too slow (6 M multiply-adds).
    const ids = tf.input({ shape: [77], dtype: 'int32' });
    const embedded = tf.layers.embedding({ inputDim: 1000, outputDim: 32 }).apply(ids) as tf.SymbolicTensor;
    const text = tf.model({ inputs: ids, outputs: tf.layers.gru({ units: 64, name: 'rnn' }).apply(embedded) as tf.SymbolicTensor });
    const textIds = tf.zeros([4, 77], 'int32');
    const slow = calibrate(tf as unknown as Tf, probeModel(tf as unknown as Tf, text, { file: FILE }), [textIds], 1);
    assert.equal(slow.gains.size, 0);
    assert.match(slow.note, /^stubs not calibrated: .* \(a recurrent layer's counted 128 times/);
    textIds.dispose();
    const wrong = tf.zeros([4, 63]);
    const failed = calibrate(tf as unknown as Tf, probed, [wrong], 1);
    assert.equal(failed.gains.size, 0);
    assert.match(failed.note, /^stubs not calibrated: the real forward pass failed/);
    tf.dispose([big, wrong]);
  });

  it('leaves a twin without components as it is, with no note', () => {
    const model = composite(16, 'glorotUniform');
    const probed = probeModel(tf as unknown as Tf, model, { minParams: 1e9, file: FILE });
    assert.equal(probed.components.length, 0);
    const built = twin({ loaded: { exports: {} }, probed }, { tf: tf as unknown as Tf, opts: resolveOptions(FILE, { seed: 1 }) });
    assert.deepEqual(built.notes, []);
  });
});
