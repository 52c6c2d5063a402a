import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { buildTwin } from '../../src/pipeline/twin.js';
import { withFreeInitializers } from '../../src/tfjs/free-init.js';
import { probeModel } from '../helpers/stages.js';

await tf.setBackend('cpu');
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

type Block =
  | { kind: 'conv'; filters: number; strides: 1 | 2; padding: 'same' | 'valid'; nested: boolean }
  | { kind: 'rnn'; cell: 'lstm' | 'gru'; units: number; returnSequences: boolean; nested: boolean }
  | { kind: 'dense'; units: number; activation: 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear'; nested: boolean };

const convBlock = fc.record({
  kind: fc.constant('conv' as const),
  filters: fc.integer({ min: 2, max: 12 }),
  strides: fc.constantFrom(1 as const, 2 as const),
  padding: fc.constantFrom('same' as const, 'valid' as const),
  nested: fc.boolean(),
});
const rnnBlock = fc.record({
  kind: fc.constant('rnn' as const),
  cell: fc.constantFrom('lstm' as const, 'gru' as const),
  units: fc.integer({ min: 2, max: 12 }),
  returnSequences: fc.boolean(),
  nested: fc.boolean(),
});
const denseBlock = fc.record({
  kind: fc.constant('dense' as const),
  units: fc.integer({ min: 1, max: 16 }),
  activation: fc.constantFrom('relu' as const, 'sigmoid' as const, 'tanh' as const, 'softmax' as const, 'linear' as const),
  nested: fc.boolean(),
});

/** A random small composite: an image, sequence or feature input, then a stack of components. */
const architecture = fc.record({
  input: fc.constantFrom('image' as const, 'sequence' as const, 'features' as const),
  size: fc.integer({ min: 6, max: 16 }),
  channels: fc.integer({ min: 1, max: 4 }),
  freeLength: fc.boolean(),
  blocks: fc.array(fc.oneof(convBlock, rnnBlock, denseBlock), { minLength: 1, maxLength: 4 }),
});

let counter = 0;
function layerFor(block: Block): tf.layers.Layer {
  const name = `c${counter++}`;
  if (block.kind === 'conv')
    return tf.layers.conv2d({
      name,
      filters: block.filters,
      kernelSize: 3,
      strides: block.strides,
      padding: block.padding,
      activation: 'relu',
    });
  if (block.kind === 'rnn') return tf.layers[block.cell]({ name, units: block.units, returnSequences: block.returnSequences });
  return tf.layers.dense({ name, units: block.units, activation: block.activation });
}

type Architecture = typeof architecture extends fc.Arbitrary<infer T> ? T : never;
function build(arch: Architecture): tf.LayersModel {
  const shape =
    arch.input === 'image'
      ? [arch.size, arch.size, arch.channels]
      : arch.input === 'sequence'
        ? [arch.freeLength ? null : arch.size, arch.channels]
        : [arch.channels * 3];
  const input = tf.input({ shape: shape as number[], name: 'x' });
  let x: tf.SymbolicTensor = input;
  for (const block of arch.blocks) {
    const rank = x.shape.length;
    if (block.kind === 'conv' && rank !== 4) continue;
    if (block.kind === 'conv' && block.padding === 'valid' && (x.shape[1] ?? 0) < 3) continue;
    if (block.kind === 'rnn' && rank !== 3) continue;
    if (block.kind === 'dense' && rank === 4) x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    const layer = layerFor(block);
    if (block.nested) {
      const inner = tf.input({ shape: x.shape.slice(1) as number[] });
      const sub = tf.model({ inputs: inner, outputs: layer.apply(inner) as tf.SymbolicTensor, name: `m${counter++}` });
      x = sub.apply(x) as tf.SymbolicTensor;
    } else {
      x = layer.apply(x) as tf.SymbolicTensor;
    }
    // A user-visible layer between components, as the wiring under test.
    x = tf.layers.activation({ activation: 'linear' }).apply(x) as tf.SymbolicTensor;
  }
  if (x === input) x = tf.layers.dense({ units: 3 }).apply(x.shape.length === 4 ? tf.layers.flatten().apply(x) : x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

describe('twin', () => {
  it('is shape-faithful for random composites: every boundary and output keeps its probed shape', async () => {
    await fc.assert(
      fc.asyncProperty(architecture, async (arch) => {
        const model = await withFreeInitializers(tf, async () => build(arch));
        const probed = probeModel(tf, model, { minParams: 0, file: 'random.ts' });
        const twin = buildTwin(tf, probed, 'random.ts', 1);
        // Symbolic: the twin's tensors at every boundary have the probed shapes.
        probed.boundaryTensors.forEach((id, i) => {
          assert.deepEqual(twin.tensors.get(id)?.shape, probed.boundaries[i]?.shape);
        });
        assert.deepEqual(
          twin.model.outputs.map((t) => t.shape),
          model.outputs.map((t) => t.shape),
        );
        // Concrete: a forward pass with batch 3 and length 5 gives those shapes, with real numbers.
        const inputShape = model.inputs[0]?.shape.map((d, axis) => (axis === 0 ? 3 : (d ?? 5))) as number[];
        const x = tf.randomUniform(inputShape);
        const y = twin.model.predict(x) as tf.Tensor;
        const expected = model.outputs[0]?.shape.map((d, axis) => (axis === 0 ? 3 : (d ?? 5)));
        assert.deepEqual(y.shape, expected);
        assert.ok(Number.isFinite(y.sum().dataSync()[0]));
        for (const component of probed.components) {
          const stub = twin.stubs.get(component.info.name);
          assert.ok(stub && stub.layer.countParams() <= Math.max(component.info.params, 60), `${component.info.name} stub too big`);
        }
        tf.dispose([x, y]);
      }),
      { numRuns: 25, seed: 20261127 },
    );
  });

  it('builds the tracker twin from the reused layers without touching the real weights', async () => {
    const { default: buildTracker } = await import('../../examples/tracker/composite.js');
    const model = await withFreeInitializers(tf, async () => buildTracker());
    const probed = probeModel(tf, model, { minParams: 10_000, file: 'composite.ts' });
    const twin = buildTwin(tf, probed, 'composite.ts', 3);
    assert.ok(twin.params < model.countParams() / 100);
    assert.deepEqual(
      twin.model.outputs.map((t) => t.shape),
      [
        [null, 10],
        [null, 4],
      ],
    );
    assert.equal(twin.layers.get('crop')?.getClassName(), 'CropToBox', 'the user crop layer is applied as written');
  });
});
