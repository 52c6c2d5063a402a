import * as tf from '@tensorflow/tfjs';
import type { TwinSpec } from '../../src/model/twin-spec.js';
import { component, fixture, siteOf, stubSpec, twinSpec } from './helpers.js';

/** What tfjs's getConfig() of a built-in layer says (the probe records exactly this). */
function configOf(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/** `tf.layers.lstm({...}).apply(x)`: the component is built inline. */
export function inlineLstm(): TwinSpec {
  const fx = fixture('inline-lstm');
  const stub = stubSpec('encoder', {
    template: 'recurrent',
    inputShapes: [[null, 12, 8]],
    outputShapes: [[null, 64]],
    activation: 'tanh',
    recurrent: { cell: 'lstm', returnSequences: false, goBackwards: false, bidirectional: false },
  });
  return twinSpec(fx, [component(stub, 'LSTM', [siteOf(fx, '}).apply(embedded)')])]);
}

/** `const backbone = buildBackbone(); backbone.apply(image)`. */
export function backbone(): TwinSpec {
  const fx = fixture('backbone');
  const stub = stubSpec('backbone', {
    template: 'conv',
    inputShapes: [[null, 32, 32, 3]],
    outputShapes: [[null, 128]],
    conv: { strides: [1, 1], padding: 'valid' },
  });
  return twinSpec(fx, [component(stub, 'Sequential', [siteOf(fx, 'backbone.apply(')], { type: 'model' })]);
}

/** `tf.layers.timeDistributed({ layer: head })`: the wrapper stays, `head` is stubbed. */
export function wrapper(): TwinSpec {
  const fx = fixture('wrapper');
  const stub = stubSpec('head', { template: 'dense', inputShapes: [[null, 16]], outputShapes: [[null, 4]] });
  return twinSpec(fx, [component(stub, 'Sequential', [siteOf(fx, 'perFrame.apply(')], { type: 'model', wrapper: 'per_frame' })]);
}

/** One encoder applied to two inputs (a siamese model). */
export function shared(): TwinSpec {
  const fx = fixture('shared');
  const stub = stubSpec('encoder', { template: 'dense', inputShapes: [[null, 20]], outputShapes: [[null, 32]] });
  const sites = [siteOf(fx, 'encoder.apply(left)'), siteOf(fx, 'encoder.apply(right)')];
  const spec = twinSpec(fx, [component(stub, 'Sequential', sites, { type: 'model' })]);
  // tfjs numbers a nested model's applications from 1: node 0 is the model's own.
  const at = (layer: string, nodeIndex = 0) => ({ layer, nodeIndex, tensorIndex: 0 });
  spec.graph = {
    inputs: [
      { name: 'left', shape: [null, 20], dtype: 'float32' },
      { name: 'right', shape: [null, 20], dtype: 'float32' },
    ],
    layers: [
      {
        name: 'encoder',
        className: 'Sequential',
        config: { name: 'encoder', layers: [] },
        custom: false,
        component: true,
        nodes: [
          { inbound: [at('left')], callArgs: {} },
          { inbound: [at('right')], callArgs: {} },
        ],
      },
      {
        name: 'join',
        className: 'Concatenate',
        config: configOf(tf.layers.concatenate({ name: 'join' })),
        custom: false,
        component: false,
        nodes: [{ inbound: [at('encoder', 1), at('encoder', 2)], callArgs: {} }],
      },
      {
        name: 'same',
        className: 'Dense',
        config: configOf(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'same' })),
        custom: false,
        component: false,
        nodes: [{ inbound: [at('join')], callArgs: {} }],
      },
    ],
    outputs: [at('same')],
  };
  return spec;
}

/** The component is applied through a helper's parameter: generated mode, with the user's `Scale` layer kept. */
export function unlocatable(): TwinSpec {
  const fx = fixture('unlocatable');
  const stub = stubSpec('big', { template: 'dense', inputShapes: [[null, 16]], outputShapes: [[null, 1024]], activation: 'relu' });
  const spec = twinSpec(fx, [component(stub, 'Dense', [siteOf(fx, 'layer.apply(x)')])]);
  const at = (layer: string) => ({ layer, nodeIndex: 0, tensorIndex: 0 });
  spec.graph = {
    inputs: [{ name: 'features', shape: [null, 16], dtype: 'float32' }],
    layers: [
      {
        name: 'big',
        className: 'Dense',
        config: configOf(tf.layers.dense({ units: 1024, activation: 'relu', name: 'big' })),
        custom: false,
        component: true,
        nodes: [{ inbound: [at('features')], callArgs: {} }],
      },
      {
        name: 'scale',
        className: 'Scale',
        config: { name: 'scale', trainable: true, factor: 3 },
        custom: true,
        component: false,
        nodes: [{ inbound: [at('big')], callArgs: {} }],
      },
      {
        name: 'out',
        className: 'Dense',
        config: configOf(tf.layers.dense({ units: 2, name: 'out' })),
        custom: false,
        component: false,
        nodes: [{ inbound: [at('scale')], callArgs: {} }],
      },
    ],
    outputs: [at('out')],
  };
  return spec;
}

/** Another namespace name (`tfjs`), a relative import, and an exported `mini` (the data hints). */
export function hinted(): TwinSpec {
  const fx = fixture('hinted');
  const stub = stubSpec('embed', {
    template: 'embedding',
    inputShapes: [[null, 6]],
    outputShapes: [[null, 6, 32]],
    embedding: { inputDim: 100, maskZero: false },
  });
  return { ...twinSpec(fx, [component(stub, 'Embedding', [siteOf(fx, 'embed.apply(')])]), exportName: 'buildModel' };
}

/** tfjs imported by name only: the twin adds its own namespace import. */
export function namedImports(): TwinSpec {
  const fx = fixture('named-imports');
  const stub = stubSpec('wide', { template: 'dense', inputShapes: [[null, 10]], outputShapes: [[null, 2048]] });
  return twinSpec(fx, [component(stub, 'Dense', [siteOf(fx, '}).apply(x)')])]);
}

/** Every case, for the compile and end-to-end tests. */
export const CASES = { inlineLstm, backbone, wrapper, shared, unlocatable, hinted, namedImports } as const;
