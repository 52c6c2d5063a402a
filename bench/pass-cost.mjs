// The twin's forward pass (and forward with backward) per sample at batch sizes 1 to 16: what
// stacking samples into one batch could save (issue 13, item 2). Prints one JSON line.
import { resolveOptions } from '../dist/src/config.js';
import { sampleSpace, makeInputs } from '../dist/src/checks/harness/fake-inputs.js';
import { discover } from '../dist/src/pipeline/discover.js';
import { load } from '../dist/src/pipeline/load.js';
import { probe } from '../dist/src/pipeline/probe.js';
import { twin as twinStage } from '../dist/src/pipeline/twin.js';
import { builtinClasses } from '../dist/src/tfjs/builtin-classes.js';
import { loadTf, selectBackend } from '../dist/src/tfjs/tf-instance.js';

const file = process.argv[2];
const opts = resolveOptions(file, { seed: 1, emit: false });
const { tf } = await loadTf(opts.file);
const backend = await selectBackend(tf, 'cpu', opts.file);
const ctx = { tf, opts, backend, builtins: builtinClasses(tf), hooks: {} };
const loaded = await load(opts.file, ctx);
const probed = probe(discover(loaded, ctx), ctx);
const { model, trainableWeights } = (() => {
  const t = twinStage({ loaded, probed }, ctx);
  return { model: t.model, trainableWeights: t.model.trainableWeights };
})();
const space = sampleSpace(probed.model, loaded.exports['mini']);
const timeOf = (work, n) => {
  for (let k = 0; k < 2; k++) work();
  const t0 = performance.now();
  for (let k = 0; k < n; k++) work();
  return (performance.now() - t0) / n;
};
const rows = [];
for (const batch of [1, 2, 4, 8, 16]) {
  const sample = { batch, length: space.minLength + 3, dataSeed: 3, real: [batch + 20, batch + 20, batch + 20], side: 'post' };
  const inputs = makeInputs(tf, space.plans, sample);
  const forward = timeOf(() => tf.dispose(model.predict(inputs, { batchSize: batch })), 10);
  const variables = trainableWeights.map((w) => w.read());
  const backward = timeOf(() => {
    const { value, grads } = tf.variableGrads(() => {
      const out = model.apply(inputs, { training: true });
      return tf.addN((Array.isArray(out) ? out : [out]).map((o) => tf.sum(o)));
    }, variables);
    tf.dispose([value, ...Object.values(grads)]);
  }, 4);
  tf.dispose(inputs);
  rows.push({ batch, forwardMs: forward / batch, backwardMs: backward / batch });
}
process.stdout.write(`${JSON.stringify(rows)}\n`);
