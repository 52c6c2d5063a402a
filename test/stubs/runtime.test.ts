import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defineStubs, type StubSpec } from '../../stubs/index.js';
import { concreteInputs, maxAbsDiff, predictList, runtime, soloModel, spec, tf } from './helpers.js';

const EXAMPLES: StubSpec[] = [
  spec({ template: 'conv', inputShapes: [[null, 16, 16, 3]], outputShapes: [[null, 4, 4, 8]], activation: 'relu' }),
  spec({
    template: 'recurrent',
    inputShapes: [[null, 6, 5]],
    outputShapes: [[null, 6, 8]],
    activation: 'tanh',
    recurrent: { cell: 'simpleRNN', returnSequences: true, goBackwards: true, bidirectional: false },
    mask: { supports: true, consumes: true, emits: 'pass' },
  }),
  spec({ template: 'dense', inputShapes: [[null, 12]], outputShapes: [[null, 6]], activation: 'gelu_new' }),
  spec({
    template: 'embedding',
    inputShapes: [[null, 7]],
    outputShapes: [[null, 7, 4]],
    embedding: { inputDim: 100, maskZero: true },
    mask: { supports: true, consumes: false, emits: 'nonzero' },
  }),
  spec({
    template: 'generic',
    inputShapes: [
      [null, 3],
      [null, 2, 2],
    ],
    outputShapes: [
      [null, 2],
      [null, 3, 3],
    ],
    activation: 'sigmoid',
    mask: { supports: true, consumes: false, emits: 'pass' },
  }),
];

function inputsFor(s: StubSpec, batch: number): tf.Tensor[] {
  return s.template === 'embedding' ? [tf.randomUniform([batch, 7], 0, 100, 'int32', 5)] : concreteInputs(s, batch);
}

describe('stub runtime', () => {
  it('defines and registers MiniStub once per tf instance', () => {
    assert.equal(defineStubs(tf), runtime);
    assert.equal(runtime.MiniStub.className, 'MiniStub');
    const layer = runtime.stub(EXAMPLES[0]!);
    assert.ok(layer instanceof runtime.MiniStub);
    assert.ok(layer instanceof tf.layers.Layer);
    // Two namespace views of one tfjs share one registry, hence one class.
    assert.equal(defineStubs({ ...tf } as typeof tf).MiniStub, runtime.MiniStub);
  });

  it('does not shift the auto-name counters of the user layers', () => {
    const before = Number(tf.layers.dense({ units: 1 }).name.split('Dense')[1]);
    const lstmBefore = Number(tf.layers.lstm({ units: 1 }).name.split('LSTM')[1]);
    for (const s of EXAMPLES) soloModel(s);
    soloModel({
      ...EXAMPLES[1]!,
      recurrent: { cell: 'lstm', returnSequences: true, goBackwards: false, bidirectional: true },
      outputShapes: [[null, 6, 8]],
    });
    assert.equal(Number(tf.layers.dense({ units: 1 }).name.split('Dense')[1]), before + 1);
    assert.equal(Number(tf.layers.lstm({ units: 1 }).name.split('LSTM')[1]), lstmBefore + 1);
  });

  it('is deterministic per seed: same weights and outputs from the same spec', () => {
    for (const s of EXAMPLES) {
      const a = soloModel(s);
      const b = soloModel(s);
      const c = soloModel({ ...s, seed: s.seed + 1 });
      const x = inputsFor(s, 2);
      const [ya, yb, yc] = [a, b, c].map((m) => predictList(m.model, x));
      ya!.forEach((y, i) => assert.equal(maxAbsDiff(y, yb![i]!), 0, `${s.template} output ${i}`));
      assert.ok(
        ya!.some((y, i) => maxAbsDiff(y, yc![i]!) > 1e-6),
        `${s.template}: another seed differs`,
      );
      a.stub.getWeights().forEach((w, i) => assert.equal(maxAbsDiff(w, b.stub.getWeights()[i]!), 0));
    }
  });

  // The runner takes a stub's rows of a batch pass for a sample alone (batch-independence): this
  // is what makes that exact.
  it('handles each sample on its own: row i of a batch equals sample i alone, masks included', () => {
    const conv1d = spec({
      template: 'conv',
      inputShapes: [[null, 9, 3]],
      outputShapes: [[null, 3, 4]],
      activation: 'relu',
      conv: { strides: [3], padding: 'same' },
    });
    for (const s of [...EXAMPLES, conv1d]) {
      const stub = runtime.stub(s);
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 4 }), fc.nat(), fc.integer({ min: 1, max: 1000 }), (batch, pick, seed) => {
          const row = pick % batch;
          const inputs =
            s.template === 'embedding' ? [tf.randomUniform([batch, 7], 0, 100, 'int32', seed)] : concreteInputs(s, batch, [], seed);
          const steps = inputs[0]!.shape[1] ?? 1;
          const mask = s.mask.consumes
            ? tf.tensor2d(
                Array.from({ length: batch * steps }, (_, k) => (k * 7 + seed) % 3 !== 0),
                [batch, steps],
                'bool',
              )
            : undefined;
          const all = [stub.apply(inputs.length === 1 ? inputs[0]! : inputs, mask ? { mask } : {})].flat() as tf.Tensor[];
          const alone = inputs.map((t) => tf.slice(t, row, 1));
          const maskAlone = mask ? tf.slice(mask, row, 1) : undefined;
          const one = [stub.apply(alone.length === 1 ? alone[0]! : alone, maskAlone ? { mask: maskAlone } : {})].flat() as tf.Tensor[];
          all.forEach((t, j) =>
            assert.ok(maxAbsDiff(tf.slice(t, row, 1), one[j]!) <= 1e-6, `${s.template} output ${j}, row ${row} of ${batch}`),
          );
          tf.dispose([...inputs, ...all, ...alone, ...one, ...(mask ? [mask] : []), ...(maskAlone ? [maskAlone] : [])]);
        }),
        { numRuns: 15, seed: 3 },
      );
    }
  });

  it('leaks no tensors in predict', () => {
    for (const s of EXAMPLES) {
      const { model } = soloModel(s);
      const x = inputsFor(s, 3);
      tf.dispose(predictList(model, x));
      const before = tf.memory().numTensors;
      tf.dispose(predictList(model, x));
      assert.equal(tf.memory().numTensors, before, `${s.template} leaked`);
    }
  });

  it('round-trips through model JSON and saved weights (simpleRNN, gelu_new survive the case conversion)', async () => {
    for (const s of EXAMPLES) {
      const { stub, model } = soloModel(s);
      assert.deepEqual(stub.getConfig()['spec'], s);
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (a) => {
          artifacts = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
      const copy = loaded.layers.find((l) => l.getClassName() === 'MiniStub') as InstanceType<typeof runtime.MiniStub>;
      assert.deepEqual(copy.spec, s);
      const x = inputsFor(s, 2);
      const [y1, y2] = [predictList(model, x), predictList(loaded, x)];
      y1.forEach((y, i) => assert.ok(maxAbsDiff(y, y2[i]!) < 1e-6, `${s.template} output ${i}`));
    }
  });

  it('emits masks as the spec says, one per output', () => {
    const [conv, rnn, , emb, gen] = EXAMPLES as [StubSpec, StubSpec, StubSpec, StubSpec, StubSpec];
    const mask = tf.tensor2d([[1, 0]], [1, 2], 'bool');
    assert.equal(runtime.stub(conv).computeMask(tf.ones([1, 16, 16, 3]), mask), null);
    assert.equal(runtime.stub(rnn).computeMask(tf.ones([1, 2, 5]), mask), mask);
    assert.deepEqual((runtime.stub(emb).computeMask(tf.tensor2d([[0, 3]])) as tf.Tensor).arraySync(), [[0, 1]]);
    assert.deepEqual(runtime.stub(gen).computeMask([tf.ones([1, 3]), tf.ones([1, 2, 2])], [mask, mask]), [mask, mask]);
    assert.deepEqual(runtime.stub({ ...gen, mask: { supports: true, consumes: false, emits: 'none' } }).computeMask([], undefined), [
      null,
      null,
    ]);
    // A masking generic stub with two outputs runs eagerly and in a model fed a mask.
    const input = tf.input({ shape: [3] });
    const other = tf.input({ shape: [2, 2] });
    const masked = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
    const outs = runtime.stub(gen).apply([masked, other]) as tf.SymbolicTensor[];
    const model = tf.model({ inputs: [input, other], outputs: outs });
    assert.deepEqual(
      predictList(model, [tf.ones([2, 3]), tf.ones([2, 2, 2])]).map((y) => y.shape),
      [
        [2, 2],
        [2, 3, 3],
      ],
    );
  });

  it('exposes its inner weights, also as non-trainable when frozen, and disposes them', () => {
    const { stub } = soloModel(EXAMPLES[0]!);
    assert.equal(stub.trainableWeights.length, 2);
    assert.equal(stub.weights[0]!.name.startsWith(`${stub.name}/`), true);
    stub.trainable = false;
    assert.equal(stub.trainableWeights.length, 0);
    assert.equal(stub.nonTrainableWeights.length, 2);
    const before = tf.memory().numTensors;
    const result = stub.dispose();
    assert.equal(result.refCountAfterDispose, 0);
    assert.equal(result.numDisposedVariables, 2);
    assert.ok(tf.memory().numTensors < before - 2, 'the fixed projections are freed too');
  });

  it('rejects wrong usage with errors naming the component', () => {
    const base = EXAMPLES[2]!;
    assert.throws(() => runtime.stub({ ...base, template: 'transformer' as 'dense' }), /stub "stub_dense".*unknown template/);
    assert.throws(() => runtime.stub({ ...base, activation: 'sparkle' }), /stub "stub_dense".*unknown activation 'sparkle'/);
    assert.throws(() => runtime.stub({ ...base, outputDtypes: [] }), /one output dtype per output/);
    assert.throws(() => runtime.stub({ ...base, outputDtypes: ['string'] }), /unsupported output dtype 'string'/);
    assert.throws(
      () =>
        runtime.stub({
          ...base,
          outputShapes: [
            [null, 6],
            [null, 2],
          ],
          outputDtypes: ['float32', 'float32'],
        }),
      /use the 'generic' template/,
    );
    const stub = runtime.stub(base);
    assert.throws(() => stub.apply(tf.ones([2, 13])), /stub "stub_dense".*input 0 has shape \[2, 13\] but the original takes \[null, 12\]/);
  });
});
