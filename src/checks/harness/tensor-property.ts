import type { SymbolicTensor } from '@tensorflow/tfjs';
import { InternalError } from '../../errors.js';
import { placeText, type Place } from '../../model/place.js';
import type { DType, Shape } from '../../model/shape.js';
import type { CheckContext, CheckOutcome } from '../check.js';
import type { Sample } from '../../model/sample.js';
import { propertyCheck } from './property-check.js';
import type { Observation, TensorSummary } from './observe.js';

/** A tensor the checks look at: a boundary or a model output, with what the probe expects of it. */
export interface WatchedTensor {
  place: Place;
  shape: Shape;
  dtype: DType;
  /** The layer whose source line a finding points at. */
  blame: string;
  pick(observation: Observation): TensorSummary | undefined;
}

/**
 * The tensors the first checks watch: the outputs of the user's own layers (where a declared shape
 * can differ from the computed one), every boundary, and every model output.
 */
function watchedTensors(ctx: CheckContext): WatchedTensor[] {
  const tapIndex = new Map(ctx.observer.taps.map((id, i) => [id, i]));
  const pick = (id: number | undefined) => (o: Observation) => (id === undefined ? undefined : o.taps[tapIndex.get(id) ?? -1]);
  const custom = customLayerOutputs(ctx).map(({ layer, tensor }): WatchedTensor => ({
    place: { kind: 'layer', name: layer },
    shape: [...tensor.shape],
    dtype: tensor.dtype as DType,
    blame: layer,
    pick: pick(tensor.id),
  }));
  const boundaries = ctx.probe.boundaries.map((b, i): WatchedTensor => ({
    place: { kind: 'boundary', from: b.from, to: b.to },
    shape: b.shape,
    dtype: b.dtype,
    blame: b.to === 'output' ? b.from : b.to,
    pick: pick(ctx.probe.boundaryTensors[i]),
  }));
  const outputs = ctx.probe.model.outputs.map((t, i): WatchedTensor => ({
    place: { kind: 'output', name: t.sourceLayer.name },
    shape: [...t.shape],
    dtype: t.dtype as DType,
    blame: t.sourceLayer.name,
    pick: (o) => o.outputs[i],
  }));
  return [...custom, ...boundaries, ...outputs];
}

/** Output tensors of the user's own layer classes in the composite's top-level graph. */
function customLayerOutputs(ctx: Pick<CheckContext, 'probe'>): { layer: string; tensor: SymbolicTensor }[] {
  return ctx.probe.nodes
    .filter((node) => !ctx.probe.builtins.has(node.layer.constructor))
    .flatMap((node) => node.outputs.map((tensor) => ({ layer: node.layer.name, tensor })));
}

/** Every original tensor the observer must record for the first checks. */
export function tapsFor(probe: CheckContext['probe']): number[] {
  const ids = [...customLayerOutputs({ probe }).map((c) => c.tensor.id), ...probe.boundaryTensors];
  return [...new Set(ids)];
}

/**
 * Runs one fast-check property per watched tensor over the shared sample space.
 * `violation` returns null when the tensor is as expected, else what is wrong.
 */
export function checkEveryTensor(
  ctx: CheckContext,
  check: string,
  violation: (tensor: WatchedTensor, seen: TensorSummary, sample: Sample) => string | null,
): CheckOutcome {
  const outcomes = watchedTensors(ctx).map((tensor) =>
    propertyCheck(ctx, check, (sample) => {
      const observation = ctx.observer.observe(sample);
      // A stub that throws is scaffold-mini's fault, not a finding against the user's layer.
      if (observation.errorIn?.stub)
        throw new InternalError(`the stub of '${observation.errorIn.layer}' threw: ${observation.error ?? 'unknown error'}`);
      const seen = tensor.pick(observation);
      // Only `shape` owns a pass that throws: the other checks would repeat the same finding.
      if (!seen && observation.error && check === 'shape') {
        // The finding names the layer whose call threw (its source line), not a tensor downstream.
        const thrower = observation.errorIn?.layer;
        if (!thrower)
          return {
            place: tensor.place,
            blame: tensor.blame,
            message: `${placeText(tensor.place)}: the twin threw before producing it: ${observation.error}`,
          };
        const place: Place = { kind: 'layer', name: thrower };
        return { place, blame: thrower, message: `${placeText(place)}: its call throws: ${observation.error}` };
      }
      const message = seen ? violation(tensor, seen, sample) : null;
      return message === null ? null : { place: tensor.place, blame: tensor.blame, message: `${placeText(tensor.place)}: ${message}` };
    }),
  );
  // Every tensor after a layer that throws reports the same throw: once is enough.
  const findings = outcomes.flatMap((o) => o.findings).filter((f, i, all) => all.findIndex((g) => g.message === f.message) === i);
  return { status: findings.length ? 'fail' : 'pass', runs: Math.max(0, ...outcomes.map((o) => o.runs)), findings };
}
