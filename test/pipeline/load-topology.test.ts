// A layers-model topology file (model.json) as the composite: the topology alone builds the model.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { topologyJson } from '../../examples/keras/make-model.js';
import { example, fixture, runQuiet, scaffoldError } from '../helpers/run.js';

describe('model.json topologies', () => {
  it("the shipped example is what the project's own tfjs code writes (npx tsx examples/keras/make-model.ts)", async () => {
    assert.equal(readFileSync(example('keras/model.json'), 'utf8'), await topologyJson());
  });

  it('probes, twins and checks it like a composite, with each layer at its line of the file', async () => {
    const report = await runQuiet(example('keras/model.json'), { only: ['shape', 'gradient-flow'] });
    assert.deepEqual(
      report.components.map((c) => c.name),
      ['frame_encoder', 'clip_rnn'],
    );
    assert.equal(report.components[0]?.wrapper, 'per_frame');
    const lines = readFileSync(example('keras/model.json'), 'utf8').split('\n');
    const rnn = report.components[1]?.source;
    assert.ok(rnn && rnn.file.endsWith('model.json'));
    assert.match(lines[rnn.line - 1] ?? '', /"name": "clip_rnn"/);
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    // The loss saved in the file's training config is used, not inferred.
    assert.ok(!report.findings.some((f) => /loss inferred/.test(f.message)));
  });

  it('refuses broken JSON with its line, a graph model, and a layer class tfjs does not know (exit 2)', async () => {
    const broken = await scaffoldError(fixture('bad/truncated-model.json'));
    assert.equal(broken.code, 'E_SYNTAX');
    assert.match(broken.message, /is not valid JSON/);
    const graph = await scaffoldError(fixture('bad/graph-model.json'));
    assert.equal(graph.code, 'E_NOT_A_MODEL');
    assert.match(graph.hint, /graph model/);
    const dir = mkdtempSync(join(tmpdir(), 'scaffold-mini-topology-'));
    try {
      const custom = join(dir, 'model.json');
      writeFileSync(
        custom,
        readFileSync(example('keras/model.json'), 'utf8').replace('"class_name": "LSTM"', '"class_name": "PeepholeLSTM"'),
      );
      const unknown = await scaffoldError(custom);
      assert.equal(unknown.code, 'E_NOT_A_MODEL');
      assert.match(unknown.message, /PeepholeLSTM/);
      assert.ok((unknown.location?.line ?? 0) > 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
