import type { Tensor } from '@tensorflow/tfjs';
import { at, placeText } from '../model/place.js';
import type { Finding } from '../model/report.js';
import { readsMask } from '../tfjs/mask-behaviour.js';
import type { Check, CheckContext } from './check.js';
import { makeInputs } from './harness/fake-inputs.js';
import { firstDifference, formatDifference } from './harness/pass-diff.js';
import { propertyCheck } from './harness/property-check.js';
import type { Pass, TensorValue } from './harness/runner.js';
import { tensorNames } from './harness/tensor-names.js';

interface Stale {
  layer: string;
  maker: string | undefined;
  expected: TensorValue | null;
}

/**
 * Every layer receives the mask its own inputs carry under Keras rules, and no other. tfjs 4.x
 * hands the last mask it saw to every later layer, even in another branch and after layers that
 * drop masks; this check records what each layer actually gets, and reruns the twin with the right
 * masks to see whether the stale one changed a result (error) or not (warning, for mask readers).
 */
export const maskProvenance: Check = {
  id: 'mask-provenance',
  runs: 10,
  proves: 'every layer receives the mask its own inputs carry under Keras rules, and no other',
  requires: ['determinism'],
  run(ctx) {
    const placeOf = tensorNames(ctx.probe);
    const warnings = new Map<string, Finding>();
    const outcome = propertyCheck(ctx, 'mask-provenance', (sample) => {
      const inputs = makeInputs(ctx.tf, ctx.space.plans, sample);
      try {
        const base = ctx.passes.get(sample, inputs);
        if (base.error) return null;
        const stale = staleMasks(ctx, base);
        if (stale.length === 0) return null;
        const fixed = rerunWithKerasMasks(ctx, inputs, stale, base);
        const changed = fixed.error ? null : firstDifference(ctx, base, fixed);
        if (changed) {
          // The layer whose result the stale mask changed: the producer of the first changed tensor.
          const affected = ctx.runner.producer.get(changed.id);
          const first = stale.find((s) => s.layer === affected) ?? (stale[0] as Stale);
          const tensor = placeText(placeOf(changed.id));
          return {
            place: { kind: 'layer', name: first.layer },
            blame: first.layer,
            message:
              `'${first.layer}' receives ${first.maker ? `the mask made by '${first.maker}'` : 'a mask'} although its inputs carry ${first.expected ? 'another one' : 'none'} under Keras rules ` +
              `(tfjs hands the last mask on to every later layer); with the right masks ${tensor} changes by ${formatDifference(changed.by)}`,
            detail: { layers: stale.map((s) => s.layer), from: first.maker ?? null },
          };
        }
        for (const s of stale) {
          if (warnings.has(s.layer) || !layerReadsMask(ctx, s.layer)) continue;
          const source = ctx.sourceOf(s.layer);
          warnings.set(s.layer, {
            check: 'mask-provenance',
            severity: 'warning',
            ...at.layer(s.layer),
            ...(source ? { source } : {}),
            message: `'${s.layer}' receives ${s.maker ? `the mask made by '${s.maker}'` : 'a mask'} that its inputs do not carry (tfjs hands masks on); it changed no result on these samples`,
          });
        }
        return null;
      } finally {
        ctx.tf.dispose(inputs);
      }
    });
    const errors = new Set(outcome.findings.map((f) => f.where));
    return { ...outcome, findings: [...outcome.findings, ...[...warnings.values()].filter((w) => !errors.has(w.where))] };
  },
};

/** Layers (in topological order) whose received mask is not the one their first input carries. */
function staleMasks(ctx: CheckContext, pass: Pass): Stale[] {
  const stale: Stale[] = [];
  const holder = new Map(ctx.probe.components.map((c) => [c.holder, c.info.name]));
  const inputIds = new Set(ctx.probe.model.inputs.map((t) => t.id));
  for (const node of ctx.probe.nodes) {
    const name = node.layer.name;
    if (!pass.received.has(name)) continue;
    const received = pass.received.get(name) ?? null;
    const first = node.inputs[0];
    let expected: TensorValue | null = null;
    if (first && !inputIds.has(first.id)) {
      const producer = first.sourceLayer;
      const producerName = producer.name;
      const twinProducer = ctx.twin.layers.get(producerName);
      if (twinProducer?.supportsMasking) expected = pass.produced.get(producerName) ?? null;
    }
    if (!sameMask(received, expected)) {
      stale.push({ layer: holder.get(node.layer) ?? name, maker: pass.receivedFrom.get(name), expected });
    }
  }
  return stale;
}

function rerunWithKerasMasks(ctx: CheckContext, inputs: Tensor[], stale: Stale[], base: Pass): Pass {
  const fix = new Map(stale.map((s) => [s.layer, s.expected]));
  const made: Tensor[] = [];
  try {
    return ctx.runner.run(
      inputs,
      {
        mask: (layer) => {
          if (!fix.has(layer)) return undefined;
          const expected = fix.get(layer) ?? null;
          if (!expected) return null;
          const t = ctx.tf.tensor(expected.values, expected.shape, 'bool');
          made.push(t);
          return t;
        },
      },
      base,
    );
  } finally {
    ctx.tf.dispose(made);
  }
}

function sameMask(a: TensorValue | null, b: TensorValue | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.shape.join() !== b.shape.join()) return false;
  for (let i = 0; i < a.values.length; i++) if (Boolean(a.values[i]) !== Boolean(b.values[i])) return false;
  return true;
}

function layerReadsMask(ctx: CheckContext, layer: string): boolean {
  const component = ctx.probe.components.find((c) => c.info.name === layer);
  if (component) return component.info.masking.consumes;
  const twinLayer = ctx.twin.layers.get(layer);
  return twinLayer !== undefined && readsMask(twinLayer);
}
