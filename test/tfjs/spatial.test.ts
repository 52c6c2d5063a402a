// spatialMap measures how a conv component maps a free spatial size to its output size; the stub
// runtime's stridedSize must then give tfjs's own size for every input size, for any chain of
// convs, poolings, croppings and paddings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { perAxis, stridedSize } from '../../stubs/shapes.js';
import { spatialMap } from '../../src/tfjs/spatial.js';

await tf.setBackend('cpu');

type Layer = tf.layers.Layer;

/** The output size of a real pass over zeros on every axis, against the map's, for sizes up to 120 (where tfjs gives one). */
function agrees(component: Layer, input: (number | null)[], output: (number | null)[]): void {
  const map = spatialMap(component, input, output);
  assert.ok(map, 'no map found');
  for (let n = 1; n <= 120; n++) {
    const shape = input.map((d, a) => (a === 0 ? 1 : d === null ? n : d));
    let real: number[];
    try {
      real = tf.tidy(() => (component.apply(tf.zeros(shape)) as tf.Tensor).shape);
    } catch {
      continue;
    }
    for (let axis = 0; axis < input.length - 2; axis++) {
      const size = real[1 + axis] as number;
      if (!(size >= 1)) continue;
      const ours = stridedSize(n, perAxis(map.strides, axis, 1), map.padding, perAxis(map.kernel, axis, 1));
      assert.equal(ours, size, `axis ${axis}, input ${n}: tfjs ${size}, map ${ours} (${JSON.stringify(map)})`);
    }
  }
}

function sequential(layers: Layer[], input: (number | null)[]): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ batchInputShape: input }));
  for (const layer of layers) model.add(layer);
  return model;
}

describe('spatialMap', () => {
  it("matches a single conv1d for 'same', 'valid', 'causal', strides and dilation", () => {
    for (const config of [
      { kernelSize: 4, padding: 'same', strides: 1 },
      { kernelSize: 3, padding: 'valid', strides: 2 },
      { kernelSize: 5, padding: 'same', strides: 3 },
      { kernelSize: 3, padding: 'causal', dilationRate: 4 },
    ] as const) {
      const layer = tf.layers.conv1d({ filters: 4, ...config });
      const output = layer.computeOutputShape([null, null, 8]) as (number | null)[];
      agrees(layer, [null, null, 8], output);
    }
  });

  it('matches a nested stack of convs, poolings and padding over two free axes', () => {
    const input = [null, null, null, 3];
    const model = sequential(
      [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
        tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }),
        tf.layers.zeroPadding2d({ padding: 2 }),
        tf.layers.conv2d({ filters: 4, kernelSize: 5, padding: 'valid', dilationRate: 2 }),
      ],
      input,
    );
    agrees(model, input, model.outputs[0]?.shape ?? []);
  });

  it('finds no map for a stack that grows the size', () => {
    const input = [null, null, null, 8];
    const model = sequential(
      [tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), tf.layers.upSampling2d({ size: [2, 2] })],
      input,
    );
    assert.equal(spatialMap(model, input, model.outputs[0]?.shape ?? []), null);
  });

  it('leaves fixed axes alone and needs a spatial axis', () => {
    const layer = tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2 });
    const map = spatialMap(layer, [null, 32, null, 3], [null, 15, null, 2]);
    assert.deepEqual(map?.strides, [1, 2]);
    assert.equal(spatialMap(tf.layers.dense({ units: 2 }), [null, 3], [null, 2]), null);
  });

  it('matches any random chain of 1-D convs and poolings (property)', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('conv' as const),
        kernelSize: fc.integer({ min: 1, max: 6 }),
        strides: fc.integer({ min: 1, max: 3 }),
        padding: fc.constantFrom('same' as const, 'valid' as const),
      }),
      fc.record({
        kind: fc.constant('pool' as const),
        poolSize: fc.integer({ min: 1, max: 4 }),
        strides: fc.integer({ min: 1, max: 3 }),
        padding: fc.constantFrom('same' as const, 'valid' as const),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 4 }), (steps) => {
        const input = [null, null, 3];
        const layers = steps.map((s) =>
          s.kind === 'conv'
            ? tf.layers.conv1d({ filters: 2, kernelSize: s.kernelSize, strides: s.strides, padding: s.padding })
            : tf.layers.maxPooling1d({ poolSize: s.poolSize, strides: s.strides, padding: s.padding }),
        );
        const model = sequential(layers, input);
        agrees(model, input, model.outputs[0]?.shape ?? []);
        model.dispose();
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
