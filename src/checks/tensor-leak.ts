import type { Scalar, Tensor, Variable, layers } from '@tensorflow/tfjs';
import { at } from '../model/place.js';
import type { Finding } from '../model/report.js';
import type { Sample } from '../model/sample.js';
import { onGradientBackend } from '../tfjs/tf-instance.js';
import type { Check, CheckContext } from './check.js';
import { makeInputs } from './harness/fake-inputs.js';
import { userLayers, withWrappedCalls, type Call } from './harness/own-layers.js';
import { firstSamples } from './harness/samples.js';

type Layer = layers.Layer;

/** Calls of each measurement after the first (a first call may allocate once: lazy weights, caches filled once). */
const REPEATS = 2;

/** Per user layer, what one call leaves alive beyond its outputs. */
interface LayerLeak {
  layer: Layer;
  /** The layer of the graph whose call runs this one (a layer held in its fields), if any. */
  inside: Layer | undefined;
  /** Tensors alive after a call that tf.tidy around it would dispose (intermediates made without tf.tidy). */
  untidied: number;
  /** Tensors a call keeps alive past tf.tidy (a cache, a closure, `tf.keep`): growth on every path. */
  kept: number;
}

/**
 * Inference and one training step leave `tf.memory().numTensors` where it was. tfjs tidies a
 * layer's intermediates for it in `predict`, `apply`, `fit` and gradients, not in `execute` or a
 * layer's own `apply` outside `tf.tidy` (pinned in the check's tests); nothing tidies a tensor a
 * layer keeps. Each of the user's own layers in the twin is measured on its call (stubs are the
 * tool's), repeated after a first call so that a one-off allocation is not counted.
 */
export const tensorLeak: Check = {
  id: 'tensor-leak',
  proves: 'inference and one training step leave tf.memory().numTensors where it was; names the user layer whose call leaks',
  run(ctx) {
    const { tf } = ctx;
    const own = userLayers(ctx.twin, ctx.probe.builtins);
    const sample: Sample = { ...(firstSamples(ctx, 1)[0] as Sample), batch: 2 };
    const inputs = makeInputs(tf, ctx.space.plans, sample);
    // What the user's code keeps cannot be disposed from here: it is counted, phase by phase (only
    // the user's code runs in them, on tfjs's tidied paths), and the check stage's leak guard is
    // told, so that it still holds this check's own code to leaving nothing.
    let userTensors = 0;
    const userCode = <T>(work: () => T): T => {
      const before = tf.memory().numTensors;
      try {
        return work();
      } finally {
        userTensors += tf.memory().numTensors - before;
      }
    };
    try {
      const leaks = own.size ? userCode(() => measureLayers(ctx, own, inputs)) : [];
      const predict = userCode(() => growth(tf, () => tf.dispose(ctx.twin.model.predict(inputs, { batchSize: sample.batch }))));
      const step = userCode(() => onGradientBackend(tf, () => growth(tf, () => trainingStep(ctx, inputs))));
      const findings = leaks.flatMap((leak) => layerFindings(ctx, leak));
      // Growth where no layer of the user's keeps anything: made outside the layers (a loss, a closure).
      if (leaks.length === 0 && (predict > 0 || step > 0)) findings.push(modelFinding(predict, step));
      return { status: 'pass', runs: 1, findings, userTensors };
    } catch (e) {
      return { status: 'skip', runs: 0, findings: [], reason: `the twin throws: ${(e as Error).message}`, userTensors };
    } finally {
      tf.dispose(inputs);
    }
  },
};

/**
 * One predict with every user layer's call measured: what a call leaves beyond its outputs, and
 * what it keeps past a tf.tidy around it (repeated; the layer's inner user layers are subtracted,
 * so the leak is blamed on the layer that makes it).
 */
function measureLayers(ctx: CheckContext, own: Map<Layer, Layer | undefined>, inputs: Tensor[]): LayerLeak[] {
  const { tf } = ctx;
  const found = new Map<Layer, LayerLeak>();
  const stack: { innerKept: number; innerRepeats: number }[] = [];
  let repeating = false;
  const wrap =
    (layer: Layer, call: Call): Call =>
    (callInputs, kwargs) => {
      const inside = own.get(layer);
      if (repeating || found.has(layer)) return call(callInputs, kwargs);
      // A first call may fill a cache once (or build lazily): measured from the second on.
      const beforeWarm = tf.memory().numTensors;
      repeating = true;
      try {
        tf.tidy(() => void call(callInputs, kwargs));
      } finally {
        repeating = false;
      }
      const warmed = tf.memory().numTensors - beforeWarm;
      const given = new Set((Array.isArray(callInputs) ? callInputs : [callInputs]).map((t) => t.id));
      const frame = { innerKept: 0, innerRepeats: 0 };
      stack.push(frame);
      const before = tf.memory().numTensors;
      let out: Tensor | Tensor[];
      try {
        out = call(callInputs, kwargs);
      } finally {
        stack.pop();
      }
      const made = (Array.isArray(out) ? out : [out]).filter((t) => !given.has(t.id)).length;
      // Everything the call left alive beyond its outputs, the calls of layers it holds included
      // (not what measuring them kept: their repeats below ran inside this call).
      const left = tf.memory().numTensors - before - made - frame.innerRepeats;
      const beforeRepeats = tf.memory().numTensors;
      repeating = true;
      let perCall: number;
      try {
        perCall = Math.max(
          0,
          Math.min(
            ...repeat(
              () => tf.memory().numTensors,
              () => tf.tidy(() => void call(callInputs, kwargs)),
            ),
          ),
        );
      } finally {
        repeating = false;
      }
      // What a layer keeps is its own (a held layer's is the held layer's); what is left untidied
      // leaks only where it leaves the graph's layer: a held layer's loose intermediates inside
      // its holder's tf.tidy are disposed there.
      const kept = Math.max(0, perCall - frame.innerKept);
      found.set(layer, { layer, inside, untidied: inside ? 0 : Math.max(0, left - perCall), kept });
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.innerKept += perCall;
        parent.innerRepeats += warmed + tf.memory().numTensors - beforeRepeats + frame.innerRepeats;
      }
      return out;
    };
  withWrappedCalls(own.keys(), wrap, () => tf.dispose(ctx.twin.model.predict(inputs, { batchSize: inputs[0]?.shape[0] ?? 1 })));
  return [...found.values()].filter((leak) => leak.kept > 0 || leak.untidied > 0);
}

/**
 * The growth of `count()` over up to REPEATS calls of `work`, stopping at the first that grows by
 * nothing: what callers take is the least growth, clamped at 0, which that call already decides.
 */
function repeat(count: () => number, work: () => void): number[] {
  const growths: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const before = count();
    work();
    const grown = count() - before;
    growths.push(grown);
    if (grown <= 0) break;
  }
  return growths;
}

/** Tensors one call of `work` leaves, after a first call: the least over REPEATS calls (real growth is on every call). */
function growth(tf: CheckContext['tf'], work: () => void): number {
  work();
  return Math.max(0, Math.min(...repeat(() => tf.memory().numTensors, work)));
}

/** One custom training step: gradients of a loss over the twin's outputs for its trainable weights. */
function trainingStep(ctx: CheckContext, inputs: Tensor[]): void {
  const { tf } = ctx;
  const vars = ctx.twin.model.trainableWeights.map((w) => w.read() as Variable);
  if (vars.length === 0) return;
  const { value, grads } = tf.variableGrads(() => {
    const out = ctx.twin.model.apply(inputs, { training: true }) as Tensor | Tensor[];
    const list = Array.isArray(out) ? out : [out];
    return tf.addN(list.map((o) => tf.mean(tf.square(o)))) as Scalar;
  }, vars);
  tf.dispose([value, ...Object.values(grads)]);
}

function layerFindings(ctx: CheckContext, leak: LayerLeak): Finding[] {
  const name = leak.inside ? `${leak.layer.name}' (inside '${leak.inside.name}')` : `${leak.layer.name}'`;
  // A layer held in a user layer's field has no line of its own in the composite: its holder's.
  const source = ctx.sourceOf(leak.inside?.name ?? leak.layer.name);
  const base = { check: 'tensor-leak' as const, severity: 'warning' as const, ...at.layer(leak.layer.name), ...(source ? { source } : {}) };
  const findings: Finding[] = [];
  if (leak.kept > 0) {
    findings.push({
      ...base,
      message: `'${name} keeps ${leak.kept} tensor(s) alive on every call, past tf.tidy (a cache, a closure or tf.keep): memory grows on every predict, fit and apply until the process runs out; dispose what the layer replaces, or keep plain numbers (dataSync) instead of tensors`,
      counterexample: { keptPerCall: leak.kept },
    });
  }
  if (leak.untidied > 0) {
    findings.push({
      ...base,
      message: `'${name} leaves ${leak.untidied} intermediate tensor(s) per call that only an outer tf.tidy disposes: predict, apply and fit tidy them for you, model.execute and code that calls the layer outside tf.tidy leak them on every call; wrap the body of call() in tf.tidy`,
      counterexample: { untidiedPerCall: leak.untidied },
    });
  }
  return findings;
}

function modelFinding(predict: number, step: number): Finding {
  return {
    check: 'tensor-leak',
    severity: 'warning',
    where: 'model',
    message: `the model leaves tensors behind that no layer of yours keeps: ${predict} per predict, ${step} per training step (tf.variableGrads): look for tensors made outside a layer (a custom loss, a closure over the model) or report it if the composite has none`,
  };
}
