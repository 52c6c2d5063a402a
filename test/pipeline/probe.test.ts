import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example, fixture, runQuiet } from '../helpers/run.js';

describe('probe: the tracker example', async () => {
  const report = await runQuiet(example('tracker/composite.ts'), { runs: 5 });
  const byName = new Map(report.components.map((c) => [c.name, c]));

  it('finds the nested models and the heavy built-in layers, not the user layer', () => {
    assert.deepEqual([...byName.keys()], ['backbone', 'detector', 'head', 'motion']);
    assert.ok(!byName.has('fuse'), 'a cheap Dense head (65k multiply-adds a sample) stays real');
    assert.ok(!byName.has('crop'), 'the user crop layer is wiring, never stubbed');
    assert.ok(!byName.has('label'), 'a small dense layer stays real');
  });

  it('records shapes, activations, masks and parameter counts without building for real', () => {
    const backbone = byName.get('backbone');
    assert.deepEqual(backbone?.inputShapes, [[null, 224, 224, 3]]);
    assert.deepEqual(backbone?.outputShapes, [[null, 14, 14, 256]]);
    assert.equal(backbone?.outputActivation, 'relu');
    assert.equal(backbone?.kind, 'conv');
    assert.equal(byName.get('detector')?.outputActivation, 'sigmoid');
    const motion = byName.get('motion');
    assert.equal(motion?.kind, 'recurrent');
    assert.equal(motion?.params, 4 * 256 * (16 + 256 + 1));
    assert.deepEqual(motion?.masking, { supports: true, consumes: true, emits: 'none' });
    assert.deepEqual(motion?.recurrent, {
      cell: 'lstm',
      returnSequences: false,
      goBackwards: false,
      bidirectional: false,
      returnState: false,
      initialState: false,
    });
  });

  it('points each component at the line that applies it', () => {
    assert.match(report.components[0]?.source?.file ?? '', /tracker\/composite\.ts$/);
    assert.ok((byName.get('motion')?.source?.line ?? 0) > 90);
  });

  it('lists the boundaries, with the masked one marked', () => {
    const names = report.boundaries.map((b) => `${b.from} -> ${b.to}`);
    for (const expected of [
      'image -> backbone',
      'backbone -> detector',
      'backbone -> crop',
      'crop -> head',
      'track_mask -> motion',
      'motion -> join',
      'detector -> output',
    ]) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
    const masked = report.boundaries.filter((b) => b.masked).map((b) => `${b.from} -> ${b.to}`);
    assert.deepEqual(masked, ['track_mask -> motion']);
  });

  it('keeps each stub at or under 1% of its component', () => {
    for (const c of report.components) assert.ok(c.stub.params <= c.params / 100, `${c.name}: ${c.stub.params} of ${c.params}`);
  });
});

describe('probe: a model with nothing expensive', () => {
  it('is checked as it is: no component, no twin to build, every check runs on the model itself', async () => {
    const report = await runQuiet(fixture('good/nothing-heavy.ts'), { runs: 10 });
    assert.deepEqual(report.components, []);
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    assert.ok(report.checks.every((c) => c.status !== 'fail'));
    assert.ok(
      report.twin.notes.some((n) => /nothing expensive to stub/.test(n)),
      report.twin.notes.join('; '),
    );
  });
});

describe('probe: thresholds and wrappers', () => {
  it('stubs the expensive built-in layers, and with --min-params every layer above it too', async () => {
    const cheapKept = await runQuiet(fixture('good/async-factory.ts'), { exportName: 'buildTagger', runs: 5 });
    assert.deepEqual(
      cheapKept.components.map((c) => c.name),
      ['embed', 'encoder'],
      'a table of 1.6M values and a GRU are expensive; the small softmax head stays real',
    );
    const forced = await runQuiet(fixture('good/async-factory.ts'), { exportName: 'buildTagger', minParams: 0, runs: 5 });
    assert.deepEqual(
      forced.components.map((c) => c.name),
      ['embed', 'encoder', 'tags'],
    );
  });

  it('stubs the model inside a TimeDistributed wrapper and keeps the wrapper', async () => {
    const report = await runQuiet(fixture('good/wrapped.ts'), { runs: 5 });
    const frame = report.components.find((c) => c.name === 'frame_encoder');
    assert.equal(frame?.wrapper, 'per_frame');
    assert.deepEqual(frame?.inputShapes, [[null, 32, 32, 3]]);
    assert.equal(report.ok, true);
  });

  it('stubs a free-length conv with its size arithmetic, and keeps real a layer whose sizes no stub follows', async () => {
    const report = await runQuiet(fixture('good/free-length-convs.ts'), { runs: 10 });
    const strided = report.components.find((c) => c.name === 'strided');
    assert.deepEqual(strided?.conv, { strides: [2], padding: 'valid', kernel: [5] });
    assert.equal(strided?.stub.template, 'conv');
    assert.deepEqual(
      report.components.map((c) => c.name),
      ['strided'],
      'the transposed conv grows a free size: it stays real',
    );
    assert.ok(
      report.twin.notes.some((n) => /kept real: 'upsample'/.test(n)),
      report.twin.notes.join('; '),
    );
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    assert.ok(
      report.checks.every((c) => !/internal error/.test(c.reason ?? '')),
      JSON.stringify(report.checks),
    );
  });

  it('stubs a nested model layer by layer when a mask made inside it is read inside it', async () => {
    const report = await runQuiet(example('bugs/ok-fixed-length-text-encoder/composite.ts'), { runs: 5, only: ['shape'] });
    const encoder = report.components.find((c) => c.name === 'encoder');
    assert.equal(encoder?.kind, 'layered');
    assert.equal(
      encoder?.layered?.reason,
      "a mask made inside it (by 'embed') is read by its layer 'context', which one stub would not do",
    );
    assert.deepEqual(
      encoder?.layered?.parts.map((p) => [p.name, p.kind]),
      [['context', 'recurrent']],
    );
    // Without a mask maker inside, the same shapes take one stub.
    const plain = await runQuiet(example('bugs/nested-encoder-no-maskzero/composite.ts'), { runs: 5, only: ['shape'] });
    assert.notEqual(plain.components.find((c) => c.name === 'encoder')?.layered?.reason.startsWith('a mask made inside'), true);
  });

  it('walks a Sequential that was never built (no graph of its own yet) through its layers', async () => {
    const report = await runQuiet(fixture('good/unbuilt-sequential.ts'), { runs: 10 });
    assert.deepEqual(
      report.components.map((c) => c.name),
      ['wide'],
    );
    assert.deepEqual(
      report.boundaries.map((b) => `${b.from} -> ${b.to}`),
      ['wide_input -> wide', 'wide -> narrow'],
    );
    assert.equal(report.ok, true, JSON.stringify(report.findings));
  });

  it('stubs a nested model layer by layer when its Embedding reads the ids (one stub would average their raw values)', async () => {
    const report = await runQuiet(example('bugs/ok-unpadded-ids-encoder/composite.ts'), { runs: 5, only: ['shape'] });
    const encoder = report.components.find((c) => c.name === 'encoder');
    assert.equal(encoder?.kind, 'layered');
    assert.equal(encoder?.layered?.reason, "its integer ids are read by its Embedding 'embed', which one stub would not do");
    assert.deepEqual(
      encoder?.layered?.parts.map((p) => [p.name, p.kind]),
      [
        ['embed', 'embedding'],
        ['context', 'recurrent'],
      ],
    );
  });
});
