import type { LayersModel, Scalar, SymbolicTensor, Tensor, Tensor1D } from '@tensorflow/tfjs';
import type { Tf } from '../../tfjs/tf-instance.js';

type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** What a loss reads from the output: probabilities, logits (tf.losses' cross-entropies), any values, or unknown (the user's own). */
export type LossInput = 'probabilities' | 'logits' | 'values' | 'unknown';

/** The loss of one model output: what it is, whether the user's `compile` said so, and how to compute it. */
export interface OutputLoss {
  /** tfjs's name for it (`categoricalCrossentropy`, `tf.losses.softmaxCrossEntropy`, ...), or `custom`. */
  name: string;
  compiled: boolean;
  reads: LossInput;
  /** What targets it takes: one-hot rows, class indices, 0/1 labels, or plain values. */
  targets: 'one-hot' | 'class-index' | 'binary' | 'values';
  /** Targets that fit the output's activation and this loss. */
  target(tf: Tf, shape: number[], seed: number): Tensor;
  compute(tf: Tf, yTrue: Tensor, yPred: Tensor): Scalar;
}

/** The losses tfjs's `compile` takes by name, and what each reads. */
const NAMED: Record<string, { reads: LossInput; targets: OutputLoss['targets'] }> = {
  categoricalCrossentropy: { reads: 'probabilities', targets: 'one-hot' },
  sparseCategoricalCrossentropy: { reads: 'probabilities', targets: 'class-index' },
  binaryCrossentropy: { reads: 'probabilities', targets: 'binary' },
  kullbackLeiblerDivergence: { reads: 'probabilities', targets: 'one-hot' },
  meanSquaredError: { reads: 'values', targets: 'values' },
  meanAbsoluteError: { reads: 'values', targets: 'values' },
  meanAbsolutePercentageError: { reads: 'values', targets: 'values' },
  meanSquaredLogarithmicError: { reads: 'values', targets: 'values' },
  squaredHinge: { reads: 'values', targets: 'binary' },
  hinge: { reads: 'values', targets: 'binary' },
  categoricalHinge: { reads: 'values', targets: 'one-hot' },
  logcosh: { reads: 'values', targets: 'values' },
  poisson: { reads: 'values', targets: 'values' },
  cosineProximity: { reads: 'values', targets: 'values' },
};

/** tfjs-core's losses (`tf.losses.*`) a user may pass to compile as they are: they take (labels, predictions). */
const CORE: Record<string, { reads: LossInput; targets: OutputLoss['targets'] }> = {
  softmaxCrossEntropy: { reads: 'logits', targets: 'one-hot' },
  sigmoidCrossEntropy: { reads: 'logits', targets: 'binary' },
  logLoss: { reads: 'probabilities', targets: 'binary' },
  meanSquaredError: { reads: 'values', targets: 'values' },
  absoluteDifference: { reads: 'values', targets: 'values' },
  huberLoss: { reads: 'values', targets: 'values' },
  hingeLoss: { reads: 'values', targets: 'binary' },
};

/** The functions tfjs resolves each loss name to, by identity (found by compiling a one-layer model once per engine). */
const resolved = new WeakMap<Tf, Map<unknown, string>>();

function knownFunctions(tf: Tf): Map<unknown, string> {
  const hit = resolved.get(tf);
  if (hit) return hit;
  const known = new Map<unknown, string>();
  const x = tf.input({ shape: [1] });
  const probe = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1 }).apply(x) as SymbolicTensor });
  // One optimizer for every compile: a named one would be made (with a kept tensor) each time.
  const optimizer = tf.train.sgd(0.1);
  for (const name of Object.keys(NAMED)) {
    try {
      probe.compile({ optimizer, loss: name });
      const fn = lossFunctionsOf(probe)[0];
      if (fn) known.set(fn, name);
    } catch {
      // a name this tfjs does not know
    }
  }
  probe.dispose();
  optimizer.dispose();
  const metrics = tf.metrics as unknown as Record<string, unknown>;
  for (const name of Object.keys(NAMED)) if (typeof metrics[name] === 'function') known.set(metrics[name], name);
  const core = tf.losses as unknown as Record<string, unknown>;
  for (const name of Object.keys(CORE)) if (typeof core[name] === 'function') known.set(core[name], `tf.losses.${name}`);
  resolved.set(tf, known);
  return known;
}

/**
 * One loss per model output, in output order: the one `compile` gave (a name, a function of
 * tfjs's or the user's own, a list or a map by output name; tfjs resolves them all into
 * `lossFunctions`), else one inferred from the output's activation (softmax: categorical
 * cross-entropy, sigmoid: binary cross-entropy, anything else: mean squared error).
 */
export function outputLosses(tf: Tf, model: LayersModel, activations: string[]): OutputLoss[] {
  const functions = lossFunctionsOf(model);
  const known = knownFunctions(tf);
  return activations.map((activation, i) => {
    const fn = functions[i];
    if (typeof fn === 'function') {
      const name = known.get(fn);
      if (name?.startsWith('tf.losses.')) {
        const facts = CORE[name.slice('tf.losses.'.length)] ?? { reads: 'values' as const, targets: 'values' as const };
        return makeLoss(name, true, activation, facts, fn);
      }
      if (name) return makeLoss(name, true, activation, NAMED[name] ?? { reads: 'values', targets: 'values' }, fn);
      const units = model.outputs[i]?.shape.at(-1) ?? 1;
      const measured = readsProbabilities(tf, fn, units ?? 1);
      const facts = measured
        ? { reads: 'probabilities' as const, targets: measured }
        : { reads: 'unknown' as const, targets: guessTargets(activation) };
      return makeLoss('custom', true, activation, facts, fn);
    }
    const inferred =
      activation === 'softmax' ? 'categoricalCrossentropy' : activation === 'sigmoid' ? 'binaryCrossentropy' : 'meanSquaredError';
    return makeLoss(inferred, false, activation, NAMED[inferred] ?? { reads: 'values', targets: 'values' }, undefined);
  });
}

/**
 * Whether the user's own loss reads probabilities, measured: a cross-entropy on probabilities
 * clips its predictions to [eps, 1 - eps] (after normalising them to sum 1, for a categorical
 * one), so it is flat outside [0, 1] (2 and 3 score alike, -1 and -2 too) while it still tells
 * predictions inside apart. A loss on logits or values is not flat there. Returns the targets it
 * takes (one unit: 0/1 labels, several: one-hot rows), or null when it is not such a loss or throws.
 */
function readsProbabilities(tf: Tf, fn: LossFn, units: number): 'binary' | 'one-hot' | null {
  const row = (values: number[]): number[] => Array.from({ length: units }, (_, k) => values[k] ?? 0);
  const score = (yTrue: number[], yPred: number[]): number => {
    const loss = tf.tidy(() => tf.mean(fn(tf.tensor2d([row(yTrue)]), tf.tensor2d([row(yPred)]))));
    const value = loss.dataSync()[0] ?? NaN;
    loss.dispose();
    return value;
  };
  const same = (a: number, b: number) => Number.isFinite(a) && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
  try {
    const truth = units === 1 ? [1] : [1, 0];
    // Outside [0, 1], summing to 1 (a categorical loss normalises): the same after clipping.
    const flat =
      units === 1
        ? same(score(truth, [2]), score(truth, [3])) && same(score([0], [-1]), score([0], [-2]))
        : same(score(truth, [2, -1]), score(truth, [3, -2]));
    const inside = units === 1 ? [score(truth, [0.3]), score(truth, [0.7])] : [score(truth, [0.3, 0.7]), score(truth, [0.7, 0.3])];
    if (!flat || same(inside[0] as number, inside[1] as number)) return null;
    return units === 1 ? 'binary' : 'one-hot';
  } catch {
    return null;
  }
}

/** The compiled loss per output; a Sequential keeps them on the functional model inside it. */
function lossFunctionsOf(model: LayersModel): LossFn[] {
  const holder = model as unknown as { lossFunctions?: LossFn[]; model?: { lossFunctions?: LossFn[] } };
  return holder.lossFunctions ?? holder.model?.lossFunctions ?? [];
}

function guessTargets(activation: string): OutputLoss['targets'] {
  return activation === 'softmax' ? 'one-hot' : activation === 'sigmoid' ? 'binary' : 'values';
}

const FALLBACK: Record<string, (tf: Tf, t: Tensor, p: Tensor) => Tensor> = {
  categoricalCrossentropy: (tf, t, p) => tf.metrics.categoricalCrossentropy(t, p),
  binaryCrossentropy: (tf, t, p) => tf.metrics.binaryCrossentropy(t, p),
  meanSquaredError: (tf, t, p) => tf.metrics.meanSquaredError(t, p),
};

function makeLoss(
  name: string,
  compiled: boolean,
  activation: string,
  facts: { reads: LossInput; targets: OutputLoss['targets'] },
  fn: LossFn | undefined,
): OutputLoss {
  // The targets follow the loss when it says (class indices for sparse), else the activation.
  const targets = facts.targets === 'values' ? guessTargets(activation) : facts.targets;
  return {
    name,
    compiled,
    reads: facts.reads,
    targets,
    target(tf, shape, seed) {
      const classes = shape[shape.length - 1] ?? 1;
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      if (targets === 'class-index')
        return tf.randomUniform(shape.slice(0, -1).length ? [...shape.slice(0, -1), 1] : [1], 0, classes, 'int32', seed).toFloat();
      if (targets === 'one-hot') {
        const ids = tf.randomUniform([rows], 0, classes, 'int32', seed);
        return tf.tidy(() => tf.reshape(tf.oneHot(ids as Tensor1D, classes).toFloat(), shape));
      }
      if (targets === 'binary') return tf.tidy(() => tf.round(tf.randomUniform(shape, 0, 1, 'float32', seed)));
      return tf.randomNormal(shape, 0, 1, 'float32', seed);
    },
    compute: (tf, yTrue, yPred) =>
      tf.mean(fn ? fn(yTrue, yPred) : (FALLBACK[name] ?? FALLBACK['meanSquaredError']!)(tf, yTrue, yPred)) as Scalar,
  };
}
