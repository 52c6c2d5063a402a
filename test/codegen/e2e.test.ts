import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { tsImport } from 'tsx/esm/api';
import { renderTwin } from '../../src/codegen/emit-twin.js';
import { writeGenerated } from '../../src/codegen/write-files.js';
import type { TwinSpec } from '../../src/model/twin-spec.js';
import { GENERATED_CASES } from './cases-generated.js';
import { CASES } from './cases.js';
import { HERE } from './helpers.js';

type Shape = (number | null)[];

/** Inside the package, so the twin's `@tensorflow/tfjs` resolves to the same node_modules. */
const TMP = join(HERE, `.tmp-${randomBytes(4).toString('hex')}`);

/** Each case's model outputs, and where its components sit (`wrapper` when inside one). */
const EXPECTED: Record<string, { outputs: Shape[]; mode: 'rewritten' | 'generated'; wrapped?: string }> = {
  inlineLstm: { outputs: [[null, 3]], mode: 'rewritten' },
  backbone: { outputs: [[null, 10]], mode: 'rewritten' },
  wrapper: { outputs: [[null, 4]], mode: 'rewritten', wrapped: 'per_frame' },
  shared: { outputs: [[null, 1]], mode: 'rewritten' },
  unlocatable: { outputs: [[null, 2]], mode: 'generated' },
  hinted: { outputs: [[null, 32]], mode: 'rewritten' },
  namedImports: { outputs: [[null, 2048]], mode: 'rewritten' },
  sharedGenerated: { outputs: [[null, 1]], mode: 'generated' },
  wrapperGenerated: { outputs: [[null, 4]], mode: 'generated', wrapped: 'per_frame' },
  recurrentGenerated: {
    outputs: [
      [null, 64],
      [null, 16],
    ],
    mode: 'generated',
  },
};

interface Loaded {
  twin: Record<string, unknown>;
  stubs: { defineStubs(t: typeof tf): { MiniStub: abstract new (...args: never[]) => tf.layers.Layer } };
}

/** Writes the rendered files, then imports the twin and its stubs through one tsImport (one module graph). */
async function writeAndImport(name: string, spec: TwinSpec): Promise<{ loaded: Loaded; mode: string }> {
  const outDir = join(TMP, name);
  const rendered = await renderTwin(spec, { outDir });
  await writeGenerated(rendered.files, { force: false });
  const twinFile = rendered.files[0]?.path ?? '';
  const entry = join(outDir, 'e2e-entry.ts');
  const twinModule = `./${twinFile.slice(outDir.length + 1).replace(/\.ts$/, '.js')}`;
  await writeFile(entry, `export * as twin from '${twinModule}';\nexport * as stubs from './stubs/index.js';\n`);
  return { loaded: (await tsImport(entry, import.meta.url)) as Loaded, mode: rendered.mode };
}

async function buildModel(spec: TwinSpec, twin: Record<string, unknown>): Promise<tf.LayersModel> {
  const exported = twin[spec.exportName];
  const value = spec.exportKind === 'instance' ? exported : await (exported as () => unknown)();
  assert.ok(value instanceof tf.LayersModel, 'the twin builds a model of the same tfjs instance');
  return value;
}

describe('end to end: the written twin builds and runs with its stubs', { concurrency: false }, () => {
  after(async () => {
    await rm(TMP, { recursive: true, force: true });
  });

  const all: [string, () => TwinSpec][] = [...Object.entries(CASES), ...Object.entries(GENERATED_CASES)];
  for (const [name, make] of all) {
    it(name, async () => {
      const spec = make();
      const expected = EXPECTED[name];
      assert.ok(expected, `no expectation for ${name}`);
      const { loaded, mode } = await writeAndImport(name, spec);
      assert.equal(mode, expected.mode);
      const model = await buildModel(spec, loaded.twin);
      assert.deepEqual(
        model.outputs.map((t) => t.shape),
        expected.outputs,
      );

      const { MiniStub } = loaded.stubs.defineStubs(tf);
      for (const c of spec.components) {
        const holder = model.getLayer(expected.wrapped ?? c.name);
        const layer: tf.layers.Layer = expected.wrapped ? (holder as unknown as { layer: tf.layers.Layer }).layer : holder;
        assert.ok(layer instanceof MiniStub, `${c.name} is a MiniStub`);
        assert.equal(layer.name, c.name);
        const inputShape = c.stub.inputShapes.length === 1 ? c.stub.inputShapes[0] : c.stub.inputShapes;
        assert.deepEqual(
          layer.computeOutputShape(inputShape as Shape),
          c.stub.outputShapes.length === 1 ? c.stub.outputShapes[0] : c.stub.outputShapes,
        );
        if (!expected.wrapped) assert.deepEqual(layer.outputShape, c.stub.outputShapes[0]);
      }

      const before = tf.memory().numTensors;
      const feeds = model.inputs.map((t) => tf.zeros([2, ...t.shape.slice(1).map((d) => d ?? 3)], t.dtype));
      const out = model.predict(feeds.length === 1 ? feeds[0]! : feeds);
      const outs = Array.isArray(out) ? out : [out];
      assert.deepEqual(
        outs.map((t) => t.shape),
        expected.outputs.map((s) => [2, ...s.slice(1)]),
      );
      tf.dispose([...feeds, ...outs]);
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    });
  }
});
