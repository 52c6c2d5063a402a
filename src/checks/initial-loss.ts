import type { Tensor } from '@tensorflow/tfjs';
import { at } from '../model/place.js';
import type { Finding } from '../model/report.js';
import { sig } from '../reporters/format.js';
import type { Tf } from '../tfjs/tf-instance.js';
import { finalActivation } from '../tfjs/activation.js';
import type { Check } from './check.js';
import { outputLosses, type OutputLoss } from './harness/losses.js';
import { basePass, firstSamples } from './harness/samples.js';
import { makeInputs } from './harness/fake-inputs.js';
import { onOtherDraw, OTHER_DRAWS } from './harness/redraw.js';
import type { Sample } from '../model/sample.js';

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
    const sums = outputs.map(() => ({ chance: 0, count: 0, values: [] as number[], draws: [] as number[] }));
    // Outputs per sample on one draw of the weights; each draw's mean loss is kept (see below).
    const add = (drawn: Sample[], outputsOf: (sample: Sample) => { values: ArrayLike<number>; shape: number[] }[] | null): void => {
      // The histogram shows the run's own draw.
      const keepValues = (sums[0]?.draws.length ?? 0) === 0;
      const draw = outputs.map(() => ({ loss: 0, count: 0 }));
      for (const [s, sample] of drawn.entries()) {
        const outs = outputsOf(sample);
        if (!outs) continue;
        outs.forEach((out, i) => {
          const loss = losses[i] as OutputLoss;
          const acc = sums[i];
          const d = draw[i];
          if (!acc || !d) return;
          tf.tidy(() => {
            const y = tf.tensor(out.values as Float32Array, out.shape, 'float32');
            const target = loss.target(tf, out.shape, ctx.seed * 31 + s * 7 + i);
            const value = loss.compute(tf, target, y).dataSync()[0] ?? NaN;
            d.loss += value;
            d.count++;
            acc.chance += chanceLoss(tf, loss, target, y.shape);
            acc.count++;
          });
          if (keepValues)
            for (let k = 0; k < out.values.length; k += Math.max(1, Math.floor(out.values.length / 256)))
              acc.values.push(out.values[k] as number);
        });
      }
      draw.forEach((d, i) => {
        if (d.count > 0) sums[i]?.draws.push(d.loss / d.count);
      });
    };
    add(samples, (sample) => {
      const pass = basePass(ctx, sample);
      return pass.error ? null : pass.outputs;
    });
    // The initial loss is a property of the initialiser, not of one draw: a stddev-100 output
    // kernel gives 1.1x to 10x chance over six draws of the same real model. It is averaged over
    // the run's draw and others of the user's weights, so that the verdict does not hang on the seed.
    // Each other draw is one batched pass of SAMPLES samples: a mean over the initialiser, not a
    // property of single samples (a batch-statistics bug is batch-independence's).
    const first = samples[0];
    if (first) {
      const batch: Sample = { ...first, batch: SAMPLES, real: new Array<number>(SAMPLES).fill(first.real[0] ?? Infinity) };
      for (let draw = 1; draw <= OTHER_DRAWS; draw++) {
        onOtherDraw(tf, ctx.twin, ctx.seed, draw, () =>
          add([{ ...batch, dataSeed: (first.dataSeed + 7919 * draw) & 0x7fffffff }], (sample) => {
            const inputs = makeInputs(tf, ctx.space.plans, sample);
            try {
              return tf.tidy(() => {
                const out = ctx.twin.model.predict(inputs.length === 1 ? (inputs[0] as Tensor) : inputs) as Tensor | Tensor[];
                return (Array.isArray(out) ? out : [out]).map((y) => ({ values: y.dataSync().slice(), shape: y.shape }));
              });
            } catch {
              return null;
            } finally {
              tf.dispose(inputs);
            }
          }),
        );
      }
    }
    const findings: Finding[] = [];
    outputs.forEach((t, i) => {
      const acc = sums[i];
      const loss = losses[i] as OutputLoss;
      if (!acc || acc.draws.length === 0) return;
      const initial = acc.draws.reduce((a, b) => a + b, 0) / acc.draws.length;
      const chance = acc.chance / acc.count;
      const name = t.sourceLayer.name;
      const ratio = initial / Math.max(chance, 1e-6);
      const summary = {
        initial: sig(initial),
        chance: sig(chance),
        loss: loss.name,
        perDraw: acc.draws.map((d) => sig(d / Math.max(chance, 1e-6))),
        histogram: histogram(acc.values),
      };
      const factor = loss.targets === 'values' ? FACTOR.regression : FACTOR.classification;
      if (!Number.isFinite(initial) || ratio >= factor) {
        const source = ctx.sourceOf(name);
        findings.push({
          check: 'initial-loss',
          severity: 'warning',
          ...at.output(name),
          ...(source ? { source } : {}),
          message: `the initial ${loss.name} of '${name}' is ${sig(initial)} (mean of ${acc.draws.length} draws of the initial weights), ${Number.isFinite(ratio) ? `${sig(ratio)}x` : 'far above'} the chance level ${sig(chance)}: the outputs start saturated (a too large initialisation or input scale), so the first updates are huge or vanish; output values: ${describeHistogram(summary.histogram)}`,
          counterexample: summary,
        });
      }
    });
    return { status: 'pass', runs: samples.length * (1 + OTHER_DRAWS), findings };
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
