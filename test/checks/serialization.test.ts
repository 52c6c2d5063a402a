// serialization beyond the zoo: how tfjs saves and reloads a custom layer (pinned: the check looks
// classes up and matches weights as these tests show tfjs does), each way a layer fails to reload,
// and the layers that reload fine (a complete getConfig, a held layer's weights returned as its
// own, a layer that draws noise at inference and so never gives the same outputs twice).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { Report } from '../../src/model/report.js';
import { example, fixture, runQuiet } from '../helpers/run.js';
import { Gain, NamedScale, ShiftedGain } from '../fixtures/checks/saved-layers.js';

await tf.setBackend('cpu');
const findingsOf = (report: Report) => report.findings.filter((f) => f.check === 'serialization');
const run = (exportName: string) => runQuiet(fixture('checks/saved-layers.ts'), { exportName, only: ['serialization'] });

/** A model of one layer on 3 features, saved to memory and loaded back as tf.loadLayersModel does. */
async function roundTrip(layer: tf.layers.Layer): Promise<{ saved: tf.LayersModel; loaded: tf.LayersModel }> {
  const x = tf.input({ shape: [3] });
  const saved = tf.model({ inputs: x, outputs: layer.apply(x) as tf.SymbolicTensor });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await saved.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
  return { saved, loaded };
}

describe('how tfjs saves and reloads a custom layer (tfjs 4.22)', () => {
  it("saves a subclass with no className of its own under its parent's, and reloads it as the parent", async () => {
    assert.equal(new ShiftedGain({ name: 's1' }).getClassName(), 'Gain');
    const { loaded } = await roundTrip(new ShiftedGain({ gain: 2, shift: 1, name: 's2' }));
    assert.equal(loaded.getLayer('s2').constructor, Gain);
  });

  it('refuses to register a class without a static className', () => {
    class Nameless extends tf.layers.Layer {}
    assert.throws(() => tf.serialization.registerClass(Nameless as never), /static className/);
  });

  it('builds a layer again from its getConfig alone: a constructor argument it omits takes its default', async () => {
    class Forgetful extends Gain {
      static override className = 'ForgetfulGain';
      override getConfig(): tf.serialization.ConfigDict {
        const { gain: _, ...rest } = super.getConfig();
        return rest;
      }
    }
    tf.serialization.registerClass(Forgetful);
    const { loaded } = await roundTrip(new Forgetful({ gain: 5, name: 'forgetful' }));
    assert.equal((loaded.getLayer('forgetful') as Gain).gain, 1);
  });

  it('matches saved weights by their original names, strictly', async () => {
    const layer = new NamedScale({ tag: 'per_feature', name: 'named_pin' });
    const x = tf.input({ shape: [3] });
    const saved = tf.model({ inputs: x, outputs: layer.apply(x) as tf.SymbolicTensor });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await saved.save(
      tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })),
    );
    assert.deepEqual(
      artifacts?.weightSpecs?.map((s) => s.name),
      ['named_pin/per_feature'],
    );
    await assert.rejects(
      tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts)),
      /no target variable: named_pin\/per_feature/,
    );
  });
});

describe('serialization', () => {
  const only = async (exportName: string) => {
    const findings = findingsOf(await run(exportName));
    assert.equal(findings.length, 1, JSON.stringify(findings, null, 1));
    const [finding] = findings;
    assert.ok(finding);
    assert.match(finding.source?.file ?? '', /saved-layers\.ts$/, 'the line of the class');
    return finding;
  };

  it('names a class that is not registered, at its line', async () => {
    const finding = await only('unregistered');
    assert.equal(finding.severity, 'error');
    assert.equal(finding.where, "layer 'loose'");
    assert.match(finding.message, /class Unregistered is not registered.*registerClass\(Unregistered\)/);
    const lines = readFileSync(fixture('checks/saved-layers.ts'), 'utf8').split('\n');
    assert.equal(finding.source?.line, lines.findIndex((l) => l.startsWith('export class Unregistered')) + 1);
  });

  it('names a class whose className is its parent class', async () => {
    const finding = await only('inherited');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /ShiftedGain has no static className of its own: it inherits 'Gain'.*reloads as Gain/);
  });

  it('names a class saved under a name another class registered', async () => {
    const finding = await only('nameTaken');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /class Amplify is saved as 'Gain', a name registered by another class \(Gain\): it reloads as Gain/);
  });

  it('names a layer whose weights reload under other names', async () => {
    const finding = await only('weightName');
    assert.equal(finding.where, "layer 'named'");
    assert.match(finding.message, /do not match.*no target variable: named\/per_feature/);
  });

  it("names a layer that cannot be built again from its config, at the constructor's line", async () => {
    const finding = await only('positional');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /'tile' cannot be built again from its own config.*times must be an integer/);
    assert.match(finding.message, /getConfig\(\) must return every argument/);
  });

  it('names a layer that, reloaded without the argument it needs, throws on the inputs it gets', async () => {
    const finding = await only('unsavedRequired');
    assert.equal(finding.severity, 'error');
    assert.match(
      finding.message,
      /reloaded from a save, 'repeat' throws on the inputs it gets in the model: .*\(its fields change on reload: times 2 -> null\)/,
    );
  });

  it('names a layer whose getConfig throws, and every other check still runs on the model', async () => {
    const report = await runQuiet(fixture('checks/saved-layers.ts'), { exportName: 'configThrows' });
    const [finding, ...rest] = findingsOf(report);
    assert.deepEqual(rest, []);
    assert.match(finding?.message ?? '', /getConfig\(\) of 'unconfigurable' throws: the model cannot be saved/);
    assert.deepEqual(
      report.findings.filter((f) => /failed in its own code/.test(f.message)),
      [],
      'no internal error: the stages read configs that can throw',
    );
  });

  it('names a layer that holds another whose weights model.save drops', async () => {
    const finding = await only('heldWeights');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /computes something else.*holds 'projected_inner' whose weights are not among its own/);
  });

  it('is silent on a registered layer with a complete getConfig, and on one that returns the weights it holds', async () => {
    for (const name of ['complete', 'heldWeightsSaved']) {
      const report = await run(name);
      assert.deepEqual(findingsOf(report), [], name);
      assert.equal(report.checks.find((c) => c.id === 'serialization')?.status, 'pass');
    }
  });

  it('does not take state (a call counter, a width set in build) for configuration, after every check called the layer', async () => {
    const report = await runQuiet(fixture('checks/saved-layers.ts'), { exportName: 'stateful' });
    assert.deepEqual(findingsOf(report), []);
  });

  it('names a class with no static className', async () => {
    const finding = await only('nameless');
    assert.match(finding.message, /class Nameless has no static className: .*add `static className = 'Nameless'`/);
  });

  it('names a constructor argument that is a list, old and new value', async () => {
    const finding = await only('arrayArgument');
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.counterexample, { fields: { widths: { saved: [1, 2], reloaded: [0, 0] } } });
  });

  it('does not take noise drawn at inference for a reload that differs', async () => {
    assert.deepEqual(findingsOf(await run('noisy')), []);
  });

  it('names the omitted constructor argument of the zoo bug, old and new value', async () => {
    const report = await runQuiet(example('bugs/temperature-not-saved/composite.ts'), { only: ['serialization'] });
    const [finding] = findingsOf(report);
    assert.deepEqual(finding?.counterexample, { fields: { temperature: { saved: 2.5, reloaded: 1 } } });
    assert.match(finding?.message ?? '', /outputs differ by up to/);
  });

  it('is silent on the tracker example (a registered crop layer, two inputs)', async () => {
    const report = await runQuiet(example('tracker/composite.ts'), { only: ['serialization'] });
    assert.deepEqual(findingsOf(report), []);
    assert.equal(report.checks.find((c) => c.id === 'serialization')?.status, 'pass');
  });
});
