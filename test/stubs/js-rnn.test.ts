import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { fusedRnn, RNN_GATES, type RnnCell, type RnnWeights } from '../../stubs/templates/fused-rnn.js';
import { jsRnn, jsRnnWithState } from '../../stubs/templates/js-rnn.js';

await tf.setBackend('cpu');

function weights(cell: RnnCell, runs: number, features: number, units: number, seed: number): RnnWeights[] {
  const width = RNN_GATES[cell] * units;
  return Array.from({ length: runs }, (_, d) => ({
    kernel: tf.randomNormal([features, width], 0, 0.6, 'float32', seed + 10 * d),
    recurrentKernel: tf.randomNormal([units, width], 0, 0.6, 'float32', seed + 10 * d + 1),
    bias: tf.randomNormal([width], 0, 0.3, 'float32', seed + 10 * d + 2),
  }));
}

describe('the inference recurrence (plain loops) equals the fused tf-op one', () => {
  const x = tf.randomNormal([3, 6, 4], 0, 1, 'float32', 9);
  const masks: [string, tf.Tensor | null][] = [
    ['no mask', null],
    [
      'post-padded',
      tf.tensor2d(
        [
          [1, 1, 1, 0, 0, 0],
          [1, 1, 1, 1, 1, 1],
          [1, 0, 0, 0, 0, 0],
        ],
        [3, 6],
        'bool',
      ),
    ],
    [
      'pre-padded with holes',
      tf.tensor2d(
        [
          [0, 0, 1, 1, 0, 1],
          [0, 0, 0, 0, 0, 1],
          [1, 0, 1, 0, 1, 0],
        ],
        [3, 6],
        'bool',
      ),
    ],
  ];
  for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
    for (const bidirectional of [false, true]) {
      for (const goBackwards of [false, true]) {
        for (const returnSequences of [false, true]) {
          it(`${cell}${bidirectional ? ' bidirectional' : ''}${goBackwards ? ' goBackwards' : ''}${returnSequences ? ' sequences' : ''}`, () => {
            const w = weights(cell, bidirectional ? 2 : 1, 4, 2, 5);
            for (const [name, mask] of masks) {
              const options = { cell, bidirectional, goBackwards, returnSequences };
              const fused = fusedRnn(tf, x, mask, w, options);
              const loops = jsRnn(tf, x, mask, w, options);
              assert.deepEqual(loops.shape, fused.shape);
              const diff = tf.max(tf.abs(tf.sub(loops, fused))).dataSync()[0] ?? 1;
              assert.ok(diff < 1e-5, `${name}: differs by ${diff}`);
            }
          });
        }
      }
    }
  }
});

describe('the loop recurrence has the gradients of the fused tf-op one', () => {
  const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 19);
  const mask = tf.tensor2d(
    [
      [1, 1, 0, 1, 0],
      [0, 1, 1, 1, 1],
    ],
    [2, 5],
    'bool',
  );
  for (const cell of ['lstm', 'gru', 'simpleRNN'] as const) {
    for (const bidirectional of [false, true]) {
      for (const returnSequences of [false, true]) {
        for (const goBackwards of [false, true]) {
          it(`${cell}${bidirectional ? ' bidirectional' : ''}${goBackwards ? ' goBackwards' : ''}${returnSequences ? ' sequences' : ''}`, () => {
            const w = weights(cell, bidirectional ? 2 : 1, 3, 2, 23);
            const options = { cell, bidirectional, goBackwards, returnSequences };
            for (const m of [null, mask]) {
              const flat = w.flatMap((v) => [v.kernel, v.recurrentKernel, v.bias]);
              const rebuild = (ts: tf.Tensor[]): RnnWeights[] =>
                w.map((_, d) => ({
                  kernel: ts[3 * d] as tf.Tensor,
                  recurrentKernel: ts[3 * d + 1] as tf.Tensor,
                  bias: ts[3 * d + 2] as tf.Tensor,
                }));
              const dy = tf.randomNormal(fusedRnn(tf, x, m, w, options).shape, 0, 1, 'float32', 29);
              const gLoop = tf.grads((xx: tf.Tensor, ...ts: tf.Tensor[]) => jsRnn(tf, xx, m, rebuild(ts), options))([x, ...flat], dy);
              const gFused = tf.grads((xx: tf.Tensor, ...ts: tf.Tensor[]) => fusedRnn(tf, xx, m, rebuild(ts), options))([x, ...flat], dy);
              gLoop.forEach((g, i) => {
                const diff = tf.max(tf.abs(tf.sub(g, gFused[i] as tf.Tensor))).dataSync()[0] ?? 1;
                assert.ok(diff < 1e-4, `${m ? 'masked' : 'unmasked'} gradient ${i} differs by ${diff}`);
              });
            }
          });
        }
      }
    }
  }
});

describe('the loop recurrence with initial states and returned states is tfjs own LSTM and GRU', () => {
  // tfjs's LSTM and GRU with the same weights, applied with initialState and returnState: values,
  // and gradients with respect to the input, the initial states and the weights.
  const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 29);
  const mask = tf.tensor2d(
    [
      [1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1],
    ],
    [2, 5],
    'bool',
  );
  for (const cell of ['lstm', 'gru'] as const) {
    for (const returnSequences of [false, true]) {
      it(`${cell}${returnSequences ? ' sequences' : ''}, masked`, () => {
        const units = 2;
        const [w] = weights(cell, 1, 3, units, 31) as [RnnWeights];
        const h0 = tf.randomNormal([2, units], 0, 0.5, 'float32', 41);
        const c0 = tf.randomNormal([2, units], 0, 0.5, 'float32', 43);
        const initial = cell === 'lstm' ? [h0, c0] : [h0];
        const layer = (cell === 'lstm' ? tf.layers.lstm : tf.layers.gru)({
          units,
          returnSequences,
          returnState: true,
          recurrentActivation: 'sigmoid',
        });
        const build = (input: tf.Tensor, states: tf.Tensor[]) => layer.apply(input, { initialState: states, mask }) as tf.Tensor[];
        build(x, initial);
        layer.setWeights([w.kernel, w.recurrentKernel, w.bias]);
        const options = { cell, bidirectional: false, goBackwards: false, returnSequences };
        const theirs = build(x, initial);
        const ours = jsRnnWithState(tf, x, mask, [w], options, initial);
        [ours.output, ...ours.states].forEach((t, i) => {
          const diff = tf.max(tf.abs(tf.sub(t, theirs[i] as tf.Tensor))).dataSync()[0] ?? 1;
          assert.ok(diff < 1e-5, `output ${i} differs by ${diff}`);
        });
        // A weighted sum of every output, so each one's gradient counts.
        const score = (outs: tf.Tensor[]) =>
          tf.addN(outs.map((o, i) => tf.sum(tf.mul(o, tf.randomUniform(o.shape, 0.5, 1.5, 'float32', 50 + i))))) as tf.Scalar;
        const gTheirs = tf.grads((xi: tf.Tensor, ...s: tf.Tensor[]) => score(build(xi, s)))([x, ...initial]);
        const vars = [w.kernel, w.recurrentKernel, w.bias];
        const gOurs = tf.grads((xi: tf.Tensor, ...rest: tf.Tensor[]) => {
          const states = rest.slice(0, initial.length);
          const [kernel, recurrentKernel, bias] = rest.slice(initial.length) as [tf.Tensor, tf.Tensor, tf.Tensor];
          const run = jsRnnWithState(tf, xi, mask, [{ kernel, recurrentKernel, bias }], options, states);
          return score([run.output, ...run.states]);
        })([x, ...initial, ...vars]);
        gTheirs.forEach((g, i) => {
          const diff = tf.max(tf.abs(tf.sub(g, gOurs[i] as tf.Tensor))).dataSync()[0] ?? 1;
          assert.ok(diff < 1e-4, `gradient ${i} (input, then states) differs by ${diff}`);
        });
        const layerGrads = tf.variableGrads(
          () => score(build(x, initial)),
          layer.trainableWeights.map((v) => v.read() as tf.Variable),
        ).grads;
        layer.trainableWeights.forEach((v, i) => {
          const diff =
            tf
              .max(tf.abs(tf.sub(layerGrads[(v.read() as tf.Variable).name] as tf.Tensor, gOurs[1 + initial.length + i] as tf.Tensor)))
              .dataSync()[0] ?? 1;
          assert.ok(diff < 1e-4, `gradient of weight ${i} differs by ${diff}`);
        });
      });
    }
  }
});
