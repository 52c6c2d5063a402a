import * as tf from '@tensorflow/tfjs';
import type { TwinSpec } from '../../src/model/twin-spec.js';
import * as cases from './cases.js';

const at = (layer: string, nodeIndex = 0, tensorIndex = 0) => ({ layer, nodeIndex, tensorIndex });

/** The shared fixture forced into generated mode, with small hand-written layer configs. */
export function sharedGenerated(): TwinSpec {
  const spec = cases.shared();
  const encoder = spec.components[0];
  if (!encoder) throw new Error('fixture');
  spec.components = [{ ...encoder, applySites: [] }];
  spec.graph.layers = spec.graph.layers.map((l) =>
    l.name === 'join'
      ? { ...l, config: { name: 'join', axis: -1 } }
      : l.name === 'same'
        ? { ...l, config: { name: 'same', units: 1, activation: 'sigmoid' } }
        : l,
  );
  return spec;
}

/** The wrapper fixture forced into generated mode: the graph lists the wrapper as the component's holder. */
export function wrapperGenerated(): TwinSpec {
  const spec = cases.wrapper();
  const head = spec.components[0];
  if (!head) throw new Error('fixture');
  spec.components = [{ ...head, applySites: [] }];
  const inner = tf.sequential({ name: 'head', layers: [tf.layers.dense({ inputShape: [16], units: 4 })] });
  spec.graph = {
    inputs: [{ name: 'frames', shape: [null, 5, 16], dtype: 'float32' }],
    layers: [
      {
        name: 'per_frame',
        className: 'TimeDistributed',
        config: tf.layers.timeDistributed({ layer: inner, name: 'per_frame' }).getConfig() as Record<string, unknown>,
        custom: false,
        component: true,
        nodes: [{ inbound: [at('frames')], callArgs: {} }],
      },
      {
        name: 'pool',
        className: 'GlobalAveragePooling1D',
        config: { name: 'pool' },
        custom: false,
        component: false,
        nodes: [{ inbound: [at('per_frame')], callArgs: {} }],
      },
    ],
    outputs: [at('pool')],
  };
  return spec;
}

/** A bidirectional LSTM (not a component), an LSTM returning its states, call arguments: generated mode. */
export function recurrentGenerated(): TwinSpec {
  const spec = cases.inlineLstm();
  const encoder = spec.components[0];
  if (!encoder) throw new Error('fixture');
  spec.components = [{ ...encoder, applySites: [] }];
  const config = (l: tf.layers.Layer) => l.getConfig() as Record<string, unknown>;
  spec.graph = {
    inputs: [{ name: 'seq', shape: [null, 12, 8], dtype: 'float32' }],
    layers: [
      { name: 'encoder', className: 'LSTM', config: {}, custom: false, component: true, nodes: [{ inbound: [at('seq')], callArgs: {} }] },
      {
        name: 'bi',
        className: 'Bidirectional',
        config: config(
          tf.layers.bidirectional({
            layer: tf.layers.lstm({ units: 4, name: 'inner', returnSequences: true }) as tf.RNN,
            mergeMode: 'concat',
            name: 'bi',
          }),
        ),
        custom: false,
        component: false,
        nodes: [{ inbound: [at('seq')], callArgs: {} }],
      },
      {
        name: 'states',
        className: 'LSTM',
        config: config(tf.layers.lstm({ units: 8, returnState: true, name: 'states' })),
        custom: false,
        component: false,
        nodes: [{ inbound: [at('bi')], callArgs: { training: true } }],
      },
      {
        name: 'join',
        className: 'Concatenate',
        config: { name: 'join' },
        custom: false,
        component: false,
        nodes: [{ inbound: [at('states', 0, 0), at('states', 0, 2)], callArgs: {} }],
      },
    ],
    outputs: [at('encoder'), at('join')],
  };
  return spec;
}

/** Every generated-mode case, for the compile and end-to-end tests. */
export const GENERATED_CASES = { sharedGenerated, wrapperGenerated, recurrentGenerated } as const;
