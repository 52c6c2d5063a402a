import type { Tensor, layers } from '@tensorflow/tfjs';
import type { CheckContext } from '../check.js';
import { makeInputs } from './fake-inputs.js';
import { withWrappedCalls } from './own-layers.js';
import { copy, type TensorValue } from './runner.js';
import { basePass, firstSamples } from './samples.js';

type Layer = layers.Layer;

/**
 * Each layer's inputs in the twin (kept: the caller disposes them): a layer of the top-level graph's
 * from the first sample's base pass (shared with the other checks), one inside a nested model's from
 * its first call in one predict. `passOutputs`: what a layer of the top-level graph gave in that
 * pass. It got its node's keywords and mask there: a call without them may differ, so a difference
 * from these needs a second look.
 */
export function layerInputs(ctx: CheckContext, own: Layer[]): Map<Layer, Tensor[]> & { passOutputs: Map<Layer, TensorValue[]> } {
  const { tf } = ctx;
  const captured = Object.assign(new Map<Layer, Tensor[]>(), { passOutputs: new Map<Layer, TensorValue[]>() });
  const sample = firstSamples(ctx, 1)[0];
  if (!sample) return captured;
  const pass = basePass(ctx, sample);
  const nested: Layer[] = [];
  for (const layer of own) {
    const node = ctx.probe.nodes.find((n) => n.layer === layer);
    const values = node?.inputs.map((t) => pass.values.get(t.id));
    if (values?.every((v) => v !== undefined)) {
      captured.set(
        layer,
        values.map((v) => tf.tensor(v.values, v.shape, v.dtype as 'float32')),
      );
      const outputs = node?.outputs.map((t) => pass.values.get(t.id));
      if (outputs?.every((v) => v !== undefined)) captured.passOutputs.set(layer, outputs);
    } else nested.push(layer);
  }
  if (nested.length === 0 || pass.error) return captured;
  const inputs = makeInputs(tf, ctx.space.plans, sample);
  try {
    withWrappedCalls(
      nested,
      (layer, call) => (callInputs, kwargs) => {
        if (!captured.has(layer))
          captured.set(
            layer,
            (Array.isArray(callInputs) ? callInputs : [callInputs]).map((t) => tf.keep(t.clone())),
          );
        return call(callInputs, kwargs);
      },
      () => tf.dispose(ctx.twin.model.predict(inputs, { batchSize: sample.batch })),
    );
  } finally {
    tf.dispose(inputs);
  }
  return captured;
}

/** A layer's outputs on concrete inputs, copied out of tfjs (the tensors disposed). */
export function layerOutputs(ctx: Pick<CheckContext, 'tf'>, layer: Layer, inputs: Tensor[]): TensorValue[] {
  return outputValues(ctx, () => layer.apply(inputs.length === 1 ? (inputs[0] as Tensor) : inputs) as Tensor | Tensor[]);
}

/** What `work` returns, copied out of tfjs (everything it made disposed). */
export function outputValues(ctx: Pick<CheckContext, 'tf'>, work: () => Tensor | Tensor[]): TensorValue[] {
  return ctx.tf.tidy(() => {
    const out = work();
    return (Array.isArray(out) ? out : [out]).map((t) => copy(t)) as never;
  }) as unknown as TensorValue[];
}
