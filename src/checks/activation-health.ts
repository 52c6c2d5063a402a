import type { Finding } from '../model/report.js';
import { at } from '../model/place.js';
import { finalActivation } from '../tfjs/activation.js';
import type { Check, LayerActivity } from './check.js';
import type { TensorValue } from './harness/runner.js';
import { basePasses } from './harness/samples.js';

/** Samples the statistics are taken over. */
const SAMPLES = 24;
/** Warn when at least this share of a layer's units is dead, or of its values saturated. */
const LIMIT = 0.5;
const BINS = 20;
/** Saturation: sigmoid within 0.01 of 0 or 1 (its slope is then below 0.01), tanh beyond +-0.99 (slope < 0.02). */
const SATURATION = { sigmoid: 0.01, tanh: 0.99, softmax: 0.99 };
const RELU_LIKE = /^(relu|relu6|elu|selu|softplus|gelu|gelu_new|swish|mish)$/;

/**
 * Per layer, on fake data: the share of units (last axis) that are zero on every sample and position
 * (dead: no gradient ever reaches their weights), and the share of values at the limits of a
 * sigmoid, tanh or softmax (saturated: their gradient is nearly zero). Warns for the user's own
 * layers; stubs' units are fixed projections, not the component's, so they get statistics only.
 */
export const activationHealth: Check = {
  id: 'activation-health',
  proves: 'no layer is dead (all zero) or saturated on fake data',
  run(ctx) {
    const passes = basePasses(ctx, SAMPLES).filter((p) => !p.pass.error);
    const stubs = new Set(ctx.twin.stubs.keys());
    const inputs = new Set(ctx.runner.order.slice(0, ctx.space.plans.length));
    const activity: LayerActivity[] = [];
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const id of ctx.runner.order) {
      if (inputs.has(id)) continue;
      const name = ctx.runner.producer.get(id);
      if (!name || seen.has(name)) continue;
      seen.add(name);
      const layer = ctx.twin.layers.get(name);
      if (!layer) continue;
      const values = passes.map((p) => p.pass.values.get(id)).filter((v): v is TensorValue => v !== undefined && v.dtype === 'float32');
      if (values.length === 0) continue;
      const activation = stubs.has(name) ? (ctx.twin.stubs.get(name)?.spec.activation ?? 'linear') : finalActivation(layer);
      const stats = measure(values, activation);
      activity.push({ layer: name, activation, ...stats });
      if (stubs.has(name)) continue;
      const problem = describe(name, activation, stats);
      if (problem) {
        const source = ctx.sourceOf(name);
        findings.push({
          check: 'activation-health',
          severity: 'warning',
          ...at.layer(name),
          ...(source ? { source } : {}),
          message: problem,
          counterexample: {
            samples: passes.reduce((n, p) => n + p.sample.batch, 0),
            dead: round(stats.dead),
            saturated: round(stats.saturated),
          },
        });
      }
    }
    return { status: 'pass', runs: passes.length, findings, activity };
  },
};

function measure(values: TensorValue[], activation: string): Omit<LayerActivity, 'layer' | 'activation'> {
  const width = values[0]?.shape[values[0].shape.length - 1] ?? 1;
  const alive = new Uint8Array(width);
  let saturated = 0;
  let rows = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    const xs = v.values;
    if ((v.shape[v.shape.length - 1] ?? 1) !== width) continue;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k] as number;
      if (!Number.isFinite(x)) continue;
      if (x !== 0) alive[k % width] = 1;
      if (x < min) min = x;
      if (x > max) max = x;
      count++;
      if (activation === 'sigmoid' && (x < SATURATION.sigmoid || x > 1 - SATURATION.sigmoid)) saturated++;
      if (activation === 'tanh' && Math.abs(x) > SATURATION.tanh) saturated++;
    }
    if (activation === 'softmax') {
      for (let r = 0; r < xs.length; r += width) {
        let top = 0;
        for (let j = 0; j < width; j++) top = Math.max(top, xs[r + j] as number);
        if (top > SATURATION.softmax) saturated++;
        rows++;
      }
    }
  }
  const counts = new Array<number>(BINS).fill(0);
  const span = max - min || 1;
  for (const v of values) {
    const xs = v.values;
    const step = Math.max(1, Math.floor(xs.length / 4096));
    for (let k = 0; k < xs.length; k += step) {
      const x = xs[k] as number;
      if (Number.isFinite(x)) counts[Math.min(BINS - 1, Math.floor(((x - min) / span) * BINS))]! += 1;
    }
  }
  const deadUnits = width - alive.reduce((a, b) => a + b, 0);
  return {
    dead: RELU_LIKE.test(activation) ? deadUnits / width : 0,
    saturated: activation === 'softmax' ? saturated / Math.max(1, rows) : saturated / Math.max(1, count),
    histogram: { min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0, counts },
  };
}

function describe(name: string, activation: string, stats: { dead: number; saturated: number }): string | null {
  if (stats.dead >= LIMIT) {
    return `${Math.round(stats.dead * 100)}% of the units of '${name}' (${activation}) are zero on every fake input: they are dead and their weights never get a gradient (a large negative bias, a too large learning rate earlier, or inputs on the wrong scale)`;
  }
  if (stats.saturated >= LIMIT) {
    return `${Math.round(stats.saturated * 100)}% of the values of '${name}' sit at the limits of its ${activation}, where its slope is almost zero: it learns very slowly (inputs on the wrong scale, a too large initialisation)`;
  }
  return null;
}

function round(v: number): number {
  return Number(v.toFixed(3));
}
