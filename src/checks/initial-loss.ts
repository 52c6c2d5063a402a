import type { Tensor } from '@tensorflow/tfjs';
import { at } from '../model/place.js';
import type { Finding } from '../model/report.js';
import { sig } from '../reporters/format.js';
import type { Tf } from '../tfjs/tf-instance.js';
import { finalActivation } from '../tfjs/activation.js';
import type { Check } from './check.js';
import { outputLosses, type OutputLoss } from './harness/losses.js';
import { basePass, firstSamples } from './harness/samples.js';

/** Samples the initial loss is averaged over. */
const SAMPLES = 16;
/**
 * Far above chance: at least this many times the chance-level loss. For classification the chance
 * level is exact; for regression it depends on the scale of targets the tool made up (N(0, 1)),
 * so only an output about 3x off that scale (10x the loss) counts.
 */
const FACTOR = { classification: 2, regression: 10 };
const BINS = 10;

/**
 * The loss at initialisation against the chance-level loss for that output and loss: what a model
 * that knows nothing scores on the same fake targets. Cross-entropy over C classes: ln C (uniform
 * prediction); binary cross-entropy: ln 2 (p = 0.5), whatever the class balance; squared error:
 * the targets' variance (predicting their mean); absolute error: the mean distance to their median.
 * At least twice that means saturated outputs (e.g. 6 for 10 classes, where chance is 2.30); for
 * regression, ten times (see FACTOR).
 */
export const initialLoss: Check = {
  id: 'initial-loss',
  proves: 'the loss at initialisation is near the chance-level loss for that output and loss',
  requires: ['output-activation'],
  run(ctx) {
    const { tf } = ctx;
    const outputs = ctx.probe.model.outputs;
    const losses = outputLosses(
      ctx.tf,
      ctx.probe.model,
      outputs.map((t) => finalActivation(t.sourceLayer)),
    );
    const samples = firstSamples(ctx, SAMPLES);
    const sums = outputs.map(() => ({ loss: 0, chance: 0, count: 0, values: [] as number[] }));
    for (const [s, sample] of samples.entries()) {
      const pass = basePass(ctx, sample);
      if (pass.error) continue;
      pass.outputs.forEach((out, i) => {
        const loss = losses[i] as OutputLoss;
        const acc = sums[i];
        if (!acc) return;
        tf.tidy(() => {
          const y = tf.tensor(out.values, out.shape, 'float32');
          const target = loss.target(tf, out.shape, ctx.seed * 31 + s * 7 + i);
          acc.loss += loss.compute(tf, target, y).dataSync()[0] ?? NaN;
          acc.chance += chanceLoss(tf, loss, target, y.shape);
          acc.count++;
        });
        for (let k = 0; k < out.values.length; k += Math.max(1, Math.floor(out.values.length / 256)))
          acc.values.push(out.values[k] as number);
      });
    }
    const findings: Finding[] = [];
    outputs.forEach((t, i) => {
      const acc = sums[i];
      const loss = losses[i] as OutputLoss;
      if (!acc || acc.count === 0) return;
      const initial = acc.loss / acc.count;
      const chance = acc.chance / acc.count;
      const name = t.sourceLayer.name;
      const ratio = initial / Math.max(chance, 1e-6);
      const summary = { initial: sig(initial), chance: sig(chance), loss: loss.name, histogram: histogram(acc.values) };
      const factor = loss.targets === 'values' ? FACTOR.regression : FACTOR.classification;
      if (!Number.isFinite(initial) || ratio >= factor) {
        const source = ctx.sourceOf(name);
        findings.push({
          check: 'initial-loss',
          severity: 'warning',
          ...at.output(name),
          ...(source ? { source } : {}),
          message: `the initial ${loss.name} of '${name}' is ${sig(initial)}, ${Number.isFinite(ratio) ? `${sig(ratio)}x` : 'far above'} the chance level ${sig(chance)}: the outputs start saturated (a too large initialisation or input scale), so the first updates are huge or vanish; output values: ${describeHistogram(summary.histogram)}`,
          counterexample: summary,
        });
      }
    });
    return { status: 'pass', runs: samples.length, findings };
  },
};

/**
 * The loss of a prediction that knows nothing, on these targets, by the loss itself: the uniform
 * distribution over C classes (ln C for cross-entropy), 0.5 for a yes/no (ln 2), zero logits, or
 * the targets' mean for values (their variance under squared error; the median under absolute error).
 */
function chanceLoss(tf: Tf, loss: OutputLoss, target: Tensor, shape: number[]): number {
  return tf.tidy(() => {
    const classes = shape[shape.length - 1] ?? 1;
    let know: Tensor;
    if (loss.reads === 'logits') know = tf.zeros(shape);
    else if (loss.targets === 'one-hot' || loss.targets === 'class-index') know = tf.fill(shape, 1 / classes);
    else if (loss.targets === 'binary') know = tf.fill(shape, 0.5);
    else if (loss.name === 'meanAbsoluteError') {
      const values = Array.from(target.dataSync()).sort((a, b) => a - b);
      know = tf.fill(shape, values[Math.floor(values.length / 2)] ?? 0);
    } else know = tf.fill(shape, tf.mean(target).dataSync()[0] ?? 0);
    return loss.compute(tf, target, know).dataSync()[0] ?? NaN;
  });
}

function histogram(values: number[]): { min: number; max: number; counts: number[] } {
  const finite = values.filter(Number.isFinite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const counts = new Array<number>(BINS).fill(0);
  const width = (max - min) / BINS || 1;
  for (const v of finite) counts[Math.min(BINS - 1, Math.floor((v - min) / width))]! += 1;
  return { min: sig(min), max: sig(max), counts };
}

function describeHistogram(h: { min: number; max: number; counts: number[] }): string {
  const total = h.counts.reduce((a, b) => a + b, 0) || 1;
  const edges = h.counts.map((c) => `${Math.round((100 * c) / total)}%`);
  return `from ${h.min} to ${h.max}, in ${BINS} equal bins ${edges.join(' ')}`;
}
