import type { Tensor, layers } from '@tensorflow/tfjs';
import type { MiniStubLayer } from '../../stubs/index.js';
import type { Check, CheckContext } from './check.js';
import type { Sample } from '../model/sample.js';
import { basePass } from './harness/samples.js';
import { propertyCheck, type Violation } from './harness/property-check.js';
import type { TensorValue } from './harness/runner.js';

type Layer = layers.Layer;
const USER_RNN = /^(LSTM|GRU|SimpleRNN)$/;

interface Target {
  name: string;
  /** Original id of the tensor the layer reads. */
  input: number;
  goBackwards: boolean;
  bidirectional: boolean;
  /** The state after every step: [batch, steps, units * directions]. */
  steps(x: Tensor, mask: Tensor | null): Tensor;
}

/**
 * Every recurrent layer, run with every step exposed (return sequences) on the input and mask it
 * got in the base pass: on the steps its mask marks real, its state must move; on masked steps it
 * must hold still (tfjs carries the previous output and state over a masked step, and a masked step
 * before any real one keeps the zero initial state: verified here, not assumed). A state that holds
 * still on real steps means the layer reads nothing there: the mask is inverted or misplaced (the
 * steps it calls real are the padding), or its input carries no signal.
 */
export const sequenceStates: Check = {
  id: 'sequence-states',
  runs: 10,
  proves: "each recurrent layer's state moves on real steps and holds still on padded ones",
  run(ctx) {
    const targets = recurrentTargets(ctx);
    if (targets.length === 0) return { status: 'skip', runs: 0, findings: [], reason: 'the composite has no recurrent layer' };
    try {
      return propertyCheck(ctx, 'sequence-states', (sample) => violation(ctx, targets, sample));
    } finally {
      for (const t of targets) (t as { dispose?: () => void }).dispose?.();
    }
  },
};

function recurrentTargets(ctx: CheckContext): (Target & { dispose?: () => void })[] {
  const targets: (Target & { dispose?: () => void })[] = [];
  for (const node of ctx.probe.nodes) {
    const name = node.layer.name;
    const input = node.inputs[0];
    if (!input) continue;
    const stub = ctx.twin.stubs.get(name);
    if (stub) {
      if (stub.spec.template !== 'recurrent') continue;
      const facts = stub.spec.recurrent;
      const layer = stub.layer as MiniStubLayer;
      targets.push({
        name,
        input: input.id,
        goBackwards: facts?.goBackwards ?? false,
        bidirectional: facts?.bidirectional ?? false,
        steps: (x, mask) => layer.steps([x], mask) as Tensor,
      });
      continue;
    }
    const layer = ctx.twin.layers.get(name);
    if (!layer || !USER_RNN.test(layer.getClassName())) continue;
    const clone = sequenceClone(layer);
    targets.push({
      name,
      input: input.id,
      goBackwards: (layer.getConfig() as { goBackwards?: boolean }).goBackwards === true,
      bidirectional: false,
      steps: (x, mask) => clone.apply(x, mask ? { mask } : {}) as Tensor,
      // Layer.dispose() refuses a layer never applied symbolically: free its weights directly.
      dispose: () => ctx.tf.dispose(clone.weights.map((w) => w.read())),
    });
  }
  return targets;
}

/** The user's recurrent layer again, returning every step, with its weights (zeros first: no real initialiser runs). */
function sequenceClone(layer: Layer): Layer {
  const cls = layer.constructor as unknown as { fromConfig(cls: unknown, config: object): Layer };
  const config = {
    ...(layer.getConfig() as Record<string, unknown>),
    name: `${layer.name}__steps`,
    returnSequences: true,
    returnState: false,
    kernelInitializer: { className: 'Zeros', config: {} },
    recurrentInitializer: { className: 'Zeros', config: {} },
    biasInitializer: { className: 'Zeros', config: {} },
  };
  const clone = cls.fromConfig(layer.constructor, config);
  const shape = layer.inboundNodes[0]?.inputTensors[0]?.shape ?? [null, null, 1];
  clone.build(shape as (number | null)[]);
  clone.built = true; // build() alone leaves it unset, and apply() would build (and zero) the weights again
  clone.setWeights(layer.getWeights());
  return clone;
}

function violation(ctx: CheckContext, targets: Target[], sample: Sample): Violation | null {
  const { tf } = ctx;
  const pass = basePass(ctx, sample);
  if (pass.error) return null;
  for (const target of targets) {
    const x = pass.values.get(target.input);
    if (!x || x.shape.length !== 3) continue;
    const received = pass.received.get(target.name) ?? null;
    const xt = tf.tensor(x.values, x.shape, x.dtype as 'float32');
    const mask = received ? tf.tensor(received.values, received.shape, 'bool') : null;
    let found: ReturnType<typeof check>;
    try {
      // Without padded inputs every step is real data: a zero input there is a silent frame.
      const unpadded = ctx.space.plans.every((p) => !p.sequence);
      found = check(target, statesOf(tf, target, xt, mask), realSteps(received, sample.batch, x.shape[1] ?? 1), x, unpadded);
    } finally {
      tf.dispose(mask ? [xt, mask] : [xt]);
    }
    if (found) {
      return {
        place: { kind: 'layer', name: target.name },
        blame: target.name,
        message: found.real
          ? `the state of '${target.name}' holds still at step ${found.step} of sample ${found.sample}, a step its mask calls real: it reads nothing there (a mask that marks the padding as real, an inverted computeMask, or an input without signal)`
          : `the state of '${target.name}' changes at masked step ${found.step} of sample ${found.sample}: a masked step should carry the previous state over (tfjs's rule), so this layer does not honour its mask`,
        detail: { sample: found.sample, step: found.step, real: found.real, masked: received !== null },
      };
    }
  }
  return null;
}

function statesOf(tf: CheckContext['tf'], target: Target, x: Tensor, mask: Tensor | null): TensorValue {
  const out = tf.tidy(() => target.steps(x, mask));
  const value = { shape: [...out.shape], dtype: out.dtype, values: out.dataSync() as Float32Array };
  out.dispose();
  return value;
}

/**
 * Per sample and step: real where the mask the layer received says so (every step without a mask).
 * The mask, not the fake data's padding: after a layer that moves the time axis (and its mask with
 * it) the padding is elsewhere; whether the mask marks the right steps is the masking check's.
 */
function realSteps(mask: TensorValue | null, batch: number, steps: number): boolean[][] {
  if (!mask) return Array.from({ length: batch }, () => new Array<boolean>(steps).fill(true));
  const maskSteps = mask.values.length / batch; // a longer mask: tfjs reads its first `steps` entries
  return Array.from({ length: batch }, (_, b) => Array.from({ length: steps }, (_, t) => (mask.values[b * maskSteps + t] ?? 0) !== 0));
}

/**
 * The first step that breaks the rule, or null. A real step may leave the state where it was only
 * when its input repeats the previous step's (a repeated vector converges to a fixed point); the
 * first real step must move it off the zero initial state.
 */
function check(
  target: Target,
  states: TensorValue,
  real: boolean[][],
  x: TensorValue,
  unpadded: boolean,
): { sample: number; step: number; real: boolean } | null {
  const [batch, steps, width] = states.shape as [number, number, number];
  const runs = target.bidirectional ? [target.goBackwards, !target.goBackwards] : [target.goBackwards];
  const units = width / runs.length;
  const features = x.shape[2] ?? 1;
  const inputAt = (b: number, t: number) => x.values.subarray((b * steps + t) * features, (b * steps + t + 1) * features);
  const sameInput = (b: number, t: number, u: number): boolean => {
    const p = inputAt(b, t);
    const q = inputAt(b, u);
    for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return false;
    return true;
  };
  for (let b = 0; b < batch; b++) {
    for (const [r, reverse] of runs.entries()) {
      let previous: number[] = new Array<number>(units).fill(0);
      let lastReal = -1;
      for (let k = 0; k < steps; k++) {
        const t = reverse ? steps - 1 - k : k;
        const at = r === 0 ? k : steps - 1 - k;
        const o = (b * steps + at) * width + r * units;
        const state = Array.from(states.values.subarray(o, o + units));
        // Exactly: a masked step copies the state over bit for bit, and a real step that reads
        // nothing (zero input from a zero state) leaves it bit for bit; any real input moves it.
        const moved = state.some((v, u) => v !== previous[u]);
        const isReal = real[b]?.[t] ?? true;
        // In unpadded data, a zero input from a zero state reads nothing (a frame whose ReLU
        // features are all off): holding still there says nothing about the mask. (With padding,
        // a zero input may be the padding a wrong mask calls real: that is the finding.)
        const readsNothing = unpadded && previous.every((v) => v === 0) && inputAt(b, t).every((v) => v === 0);
        if (isReal && !moved && !readsNothing && (lastReal < 0 || !sameInput(b, t, lastReal))) return { sample: b, step: t, real: true };
        if (!isReal && moved) return { sample: b, step: t, real: false };
        if (isReal) lastReal = t;
        previous = state;
      }
    }
  }
  return null;
}
