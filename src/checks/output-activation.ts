import type { layers } from '@tensorflow/tfjs';
import { at } from '../model/place.js';
import type { Finding } from '../model/report.js';
import { finalActivation } from '../tfjs/activation.js';
import type { Check, CheckContext } from './check.js';
import { outputLosses, type OutputLoss } from './harness/losses.js';
import { basePasses } from './harness/samples.js';

/** Samples whose outputs are compared for a constant output. */
const SAMPLES = 24;

/**
 * The output layer's activation, units and loss fit together. Read from the model itself (the
 * layers' configs and the compiled loss, so a config built in a loop counts as much as a literal),
 * each finding pointing at the user's line: the output layer's `.apply` or the `compile` call.
 * Then measured: an output that is the same for every fake input is an error whatever the source.
 */
export const outputActivation: Check = {
  id: 'output-activation',
  proves: "the output layers' activation, units and loss fit together, and no output is constant",
  run(ctx) {
    const outputs = ctx.probe.model.outputs;
    const activations = outputs.map((t) => finalActivation(t.sourceLayer));
    const losses = outputLosses(ctx.tf, ctx.probe.model, activations);
    const findings: Finding[] = [];
    outputs.forEach((t, i) => {
      const message = mismatch(t.sourceLayer, t.shape, activations[i] ?? 'linear', losses[i] as OutputLoss);
      if (!message) return;
      const lossLine = message.blame === 'compile' ? ctx.compileSite : undefined;
      const source = lossLine ?? ctx.sourceOf(t.sourceLayer.name);
      findings.push({
        check: 'output-activation',
        severity: 'error',
        ...at.output(t.sourceLayer.name),
        ...(source ? { source } : {}),
        message: message.text,
      });
    });
    const constant = constantOutputs(ctx);
    for (const i of constant.indices) {
      const layer = outputs[i]?.sourceLayer.name ?? String(i);
      if (findings.some((f) => f.place?.kind === 'output' && f.place.name === layer)) continue;
      const source = ctx.sourceOf(layer);
      findings.push({
        check: 'output-activation',
        severity: 'error',
        ...at.output(layer),
        ...(source ? { source } : {}),
        message: `output '${layer}' is the same for every one of ${constant.samples} fake inputs: it cannot learn anything (a softmax over one unit, a layer that ignores its input, a detached branch)`,
      });
    }
    return { status: findings.length ? 'fail' : 'pass', runs: constant.samples, findings };
  },
};

function mismatch(
  layer: layers.Layer,
  shape: (number | null)[],
  activation: string,
  loss: OutputLoss,
): { text: string; blame?: 'compile' } | null {
  const units = shape[shape.length - 1] ?? null;
  const name = layer.name;
  if (activation === 'softmax' && units === 1) {
    return {
      text: `'${name}' applies softmax over a single unit: its output is always exactly 1.0 (for a yes/no label use units: 1 with sigmoid and binaryCrossentropy)`,
    };
  }
  const softmaxAxis = (layer.getConfig() as { axis?: number | number[] }).axis;
  const rank = shape.length;
  if (layer.getClassName() === 'Softmax' && rank >= 3) {
    const axes = (Array.isArray(softmaxAxis) ? softmaxAxis : [softmaxAxis ?? -1]).map((a) => (a < 0 ? a + rank : a));
    if (!axes.includes(rank - 1)) {
      return {
        text: `'${name}' applies softmax over axis ${axes.join(', ')} of a [${shape.map((d) => d ?? 'null').join(', ')}] output: across time or space, not across the classes on the last axis (tfjs's softmax layer defaults to axis 1; pass axis: -1)`,
      };
    }
  }
  if (!loss.compiled) return null;
  const categorical = loss.targets === 'one-hot' || loss.targets === 'class-index';
  if (activation === 'sigmoid' && categorical && loss.reads === 'probabilities') {
    return {
      text: `'${name}' ends in sigmoid but the model is compiled with ${loss.name}, which expects one probability distribution over the classes: use softmax (one class per sample) or binaryCrossentropy (several labels per sample)`,
      blame: 'compile',
    };
  }
  if (activation === 'softmax' && loss.targets === 'binary' && loss.reads === 'probabilities' && units !== null && units > 1) {
    return {
      text: `'${name}' ends in softmax over ${units} units but the model is compiled with ${loss.name}, which scores each unit as its own yes/no: use categoricalCrossentropy, or sigmoid for independent labels`,
      blame: 'compile',
    };
  }
  if (activation === 'linear' && loss.reads === 'probabilities') {
    return {
      text: `'${name}' has no final activation (it outputs logits) but ${loss.name === 'custom' ? 'your loss function (flat outside [0, 1], as a cross-entropy on probabilities is)' : loss.name} expects probabilities: add ${loss.targets === 'binary' ? 'sigmoid' : 'softmax'} to the output layer`,
      blame: 'compile',
    };
  }
  if ((activation === 'softmax' || activation === 'sigmoid') && loss.reads === 'logits') {
    return {
      text: `'${name}' ends in ${activation} but ${loss.name} expects logits and applies ${activation} itself: it is applied twice, which flattens the gradients; drop the activation from the output layer (or use ${loss.targets === 'binary' ? 'binaryCrossentropy' : 'categoricalCrossentropy'})`,
      blame: 'compile',
    };
  }
  return null;
}

/** Outputs whose every value is the same over the first samples (every position, every sample). */
function constantOutputs(ctx: CheckContext): { indices: number[]; samples: number } {
  const passes = basePasses(ctx, SAMPLES).filter((p) => !p.pass.error);
  const total = passes.reduce((n, p) => n + p.sample.batch, 0);
  if (total < 2) return { indices: [], samples: total };
  const indices: number[] = [];
  ctx.probe.model.outputs.forEach((_, i) => {
    let reference: number[] | null = null;
    let varies = false;
    for (const { pass } of passes) {
      const out = pass.outputs[i];
      if (!out) continue;
      const batch = out.shape[0] ?? 1;
      const size = out.values.length / batch;
      for (let b = 0; b < batch && !varies; b++) {
        const row = Array.from(out.values.subarray(b * size, (b + 1) * size));
        if (!reference) reference = row;
        else if (row.length !== reference.length || row.some((v, k) => Math.abs(v - (reference as number[])[k]!) > 1e-6)) varies = true;
      }
      if (varies) break;
    }
    if (!varies && reference) indices.push(i);
  });
  return { indices, samples: total };
}
