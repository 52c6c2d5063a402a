import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { fusedRnn, RNN_GATES, type RnnCell, type RnnWeights } from '../../stubs/templates/fused-rnn.js';
import { jsRnn } from '../../stubs/templates/js-rnn.js';

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
