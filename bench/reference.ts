// The bench's reference point (npm run bench -- --reference): the real tracker, built with its real
// initialisers, against its twin, each timed for one forward and backward step on a batch of 2.
// Prints one JSON line: { buildMs, realMs, twinMs }. Slow: building the real LSTM(256) takes minutes.
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import buildTracker from '../examples/tracker/composite.js';
import { resolveOptions } from '../src/config.js';
import { discover } from '../src/pipeline/discover.js';
import { load } from '../src/pipeline/load.js';
import { probe } from '../src/pipeline/probe.js';
import { builtinClasses } from '../src/tfjs/builtin-classes.js';
import { selectBackend } from '../src/tfjs/tf-instance.js';
import { buildTwin } from '../src/pipeline/twin.js';

const file = resolve(import.meta.dirname, '../examples/tracker/composite.ts');
await selectBackend(tf, 'cpu', file);

function step(model: tf.LayersModel): number {
  const inputs = [tf.randomUniform([2, 224, 224, 3]), tf.randomUniform([2, 20, 16])];
  const started = performance.now();
  const { grads, value } = tf.variableGrads(
    () => {
      const outs = model.apply(inputs, { training: true }) as tf.Tensor[];
      return tf.addN(outs.map((o) => tf.mean(tf.square(o)))) as tf.Scalar;
    },
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  value.dataSync();
  const ms = performance.now() - started;
  tf.dispose([...inputs, value, ...Object.values(grads)]);
  return ms;
}

const t0 = performance.now();
const real = buildTracker();
const buildMs = performance.now() - t0;
const realMs = step(real);

const ctx = { tf, opts: resolveOptions(file, { timeout: 600 }), backend: 'cpu', builtins: builtinClasses(tf), hooks: {} };
const loaded = await load(ctx.opts.file, ctx);
const probed = probe(discover(loaded, ctx), ctx);
const twin = buildTwin(tf, probed, file, 1).model;
step(twin); // warm up
const twinRuns = Array.from({ length: 5 }, () => step(twin)).sort((a, b) => a - b);
console.log(JSON.stringify({ buildMs, realMs, twinMs: twinRuns[2] }));
