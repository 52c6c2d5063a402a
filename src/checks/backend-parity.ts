import type { NamedAttrMap, NamedTensorMap, Tensor, TensorInfo, layers } from '@tensorflow/tfjs';
import { at } from '../model/place.js';
import type { Finding } from '../model/report.js';
import { otherBackends, switchTo, type AbsentBackend, type Tf } from '../tfjs/tf-instance.js';
import type { Check, CheckContext } from './check.js';
import { layerInputs, layerOutputs } from './harness/layer-inputs.js';
import { userLayers } from './harness/own-layers.js';
import { EXACT, maxDifferenceOf, type Tolerance } from './harness/compare.js';
import { copy, type TensorValue } from './harness/runner.js';

type Layer = layers.Layer;

/**
 * Two backends agree on a value when |a - b| <= ABS + REL * |a|. Backends sum in other orders and
 * use other approximations of exp, log and tanh: about 1e-6 relative on the same op (a 64-wide
 * matMul: 3e-6 here, cpu against wasm). A hundred times that still tells a rounding apart from an op
 * that computes something else (another default, a missing special case, an overflow).
 */
const PARITY_TOLERANCE: Tolerance = { abs: 1e-4, rel: 1e-3 };

/** Kernels recorded per layer when a difference is looked for (a user layer of the twin runs tens). */
const MAX_KERNELS = 2000;

/**
 * The user's own layers run on every backend installed beside the run's (cpu, wasm, and tensorflow
 * where @tensorflow/tfjs-node is installed) on the inputs they get in the twin, with the same
 * weights (tfjs moves their data to the backend that reads them): their outputs agree within
 * PARITY_TOLERANCE. A kernel a backend lacks, or one whose outputs differ, is named with its layer
 * (each kernel the layer ran is replayed alone on the other backend).
 */
export const backendParity: Check = {
  id: 'backend-parity',
  proves: "the user's own layers give the same outputs on every installed backend within a stated tolerance",
  async run(ctx) {
    const { tf } = ctx;
    const own = [...userLayers(ctx.twin, ctx.probe.builtins)].filter(([, inside]) => !inside).map(([layer]) => layer);
    if (own.length === 0) return { status: 'pass', runs: 0, findings: [] };
    const { available, absent } = await otherBackends(tf, ctx.file);
    const current = tf.getBackend();
    if (available.length === 0) return { status: 'skip', runs: 0, findings: [], reason: skipReason(current, absent) };
    const captured = layerInputs(ctx, own);
    const findings: Finding[] = [];
    let runs = 0;
    try {
      for (const [layer, inputs] of captured) {
        const expected = captured.passOutputs.get(layer);
        // The common case first: on each other backend the layer gives what it gave in the twin's pass.
        const pending = available.filter((backend) => !(expected && sameOn(ctx, layer, inputs, expected, current, backend)));
        runs += available.length - pending.length;
        if (pending.length === 0) continue;
        let reference: TensorValue[];
        try {
          reference = layerOutputs(ctx, layer, inputs);
          // A layer that draws at inference gives other outputs on each call: not comparable.
          if (maxDifferenceOf(reference, layerOutputs(ctx, layer, inputs), EXACT) > 0) continue;
        } catch {
          // It needs what its node passes it (a mask, a keyword): not run alone.
          continue;
        }
        for (const backend of pending) {
          runs++;
          const finding = compareOn(ctx, layer, inputs, reference, current, backend);
          if (finding) findings.push(finding);
        }
      }
    } finally {
      switchTo(tf, current);
      for (const inputs of captured.values()) tf.dispose(inputs);
    }
    return { status: 'pass', runs, findings };
  },
};

/** Why nothing is compared: every other backend is absent. */
export function skipReason(current: string, absent: readonly AbsentBackend[]): string {
  return `no other backend to compare ${current} with: ${absent.map((a) => `${a.name} ${a.reason}`).join('; ')}`;
}

/** The layer on `backend` gives `expected` within the tolerance (false also when it throws there). */
function sameOn(ctx: CheckContext, layer: Layer, inputs: Tensor[], expected: TensorValue[], current: string, backend: string): boolean {
  switchTo(ctx.tf, backend);
  try {
    return maxDifferenceOf(expected, layerOutputs(ctx, layer, inputs), PARITY_TOLERANCE) === 0;
  } catch {
    return false;
  } finally {
    switchTo(ctx.tf, current);
  }
}

/** The layer on `backend` against its outputs on `current`: a finding when a kernel is missing or the outputs differ. */
function compareOn(
  ctx: CheckContext,
  layer: Layer,
  inputs: Tensor[],
  reference: TensorValue[],
  current: string,
  backend: string,
): Finding | undefined {
  const { tf } = ctx;
  let outputs: TensorValue[];
  switchTo(tf, backend);
  try {
    outputs = layerOutputs(ctx, layer, inputs);
  } catch (e) {
    const message = (e as Error).message;
    const kernel = /Kernel '([^']+)' not registered for backend '([^']+)'/.exec(message);
    return finding(
      ctx,
      layer,
      kernel
        ? `'${layer.name}' cannot run on ${backend}: tfjs has no ${kernel[1]} kernel there (it runs on ${current}); a deployment on ${backend} throws on the first predict: compute it with other ops, or keep to ${current}`
        : `'${layer.name}' throws on ${backend} and not on ${current}: ${message.split('\n')[0]}`,
      { backend, ...(kernel ? { kernel: kernel[1] } : {}) },
    );
  } finally {
    switchTo(tf, current);
  }
  const worst = maxDifferenceOf(reference, outputs, PARITY_TOLERANCE);
  if (worst === 0) return undefined;
  const culprit = differingKernel(tf, layer, inputs, current, backend);
  const where = culprit ? `; the first kernel that differs is ${culprit.name} (${apart(culprit.difference)} on the inputs it got)` : '';
  return finding(
    ctx,
    layer,
    `'${layer.name}' gives other outputs on ${backend} than on ${current}: ${apart(worst)}, beyond ${PARITY_TOLERANCE.abs} + ${PARITY_TOLERANCE.rel} relative${where}; the same weights predict differently by backend (tfjs #776, #3122): look for an op with a special case (0/0, log of 0, a large exp) or a dtype the backends treat differently`,
    { backend, maxDifference: worst === Infinity ? 'NaN or Inf on one backend only' : worst, ...(culprit ? { kernel: culprit.name } : {}) },
  );
}

/**
 * Replays, one by one, the kernels the layer runs on `current` on `backend`, each on the very
 * inputs it got: the first whose outputs differ beyond the tolerance (a difference that only grows
 * along the layer's ops shows in none: then undefined).
 */
function differingKernel(
  tf: Tf,
  layer: Layer,
  inputs: Tensor[],
  current: string,
  backend: string,
): { name: string; difference: number } | undefined {
  const calls = recordKernels(tf, () => void layerOutputs({ tf }, layer, inputs));
  for (const call of calls) {
    switchTo(tf, backend);
    try {
      const again = tf.tidy(() => {
        const named: NamedTensorMap = {};
        for (const [key, v] of Object.entries(call.inputs)) named[key] = tf.tensor(v.values, v.shape, v.dtype as 'float32');
        const out = tf.engine().runKernel(call.name, named, call.attrs) as Tensor | Tensor[];
        return (Array.isArray(out) ? out : [out]).map((t) => copy(t)) as never;
      }) as unknown as TensorValue[];
      const difference = maxDifferenceOf(call.outputs, again, PARITY_TOLERANCE);
      if (difference > 0) return { name: call.name, difference };
    } catch {
      // A kernel the replay cannot call alone (it needs tensors of the backend's own): the next one.
    } finally {
      switchTo(tf, current);
    }
  }
  return undefined;
}

interface KernelCall {
  name: string;
  inputs: Record<string, TensorValue>;
  attrs: NamedAttrMap;
  outputs: TensorValue[];
}

/** The kernels `work` runs, outermost only (a kernel's own inner calls are its business), with copies of their inputs and outputs. */
function recordKernels(tf: Tf, work: () => void): KernelCall[] {
  const engine = tf.engine() as unknown as {
    runKernel: (name: string, inputs: NamedTensorMap, attrs: NamedAttrMap) => TensorInfo | TensorInfo[];
  };
  const own = Object.getOwnPropertyDescriptor(engine, 'runKernel');
  const runKernel = engine.runKernel.bind(engine);
  const calls: KernelCall[] = [];
  let depth = 0;
  engine.runKernel = (name, kernelInputs, attrs) => {
    depth++;
    try {
      const out = runKernel(name, kernelInputs, attrs);
      if (depth === 1 && calls.length < MAX_KERNELS) {
        const inputs: Record<string, TensorValue> = {};
        for (const [key, t] of Object.entries(kernelInputs)) if (t) inputs[key] = copy(t as Tensor);
        calls.push({ name, inputs, attrs: { ...attrs }, outputs: (Array.isArray(out) ? out : [out]).map((t) => copy(t as Tensor)) });
      }
      return out;
    } finally {
      depth--;
    }
  };
  try {
    work();
  } finally {
    if (own) Object.defineProperty(engine, 'runKernel', own);
    else delete (engine as { runKernel?: unknown }).runKernel;
  }
  return calls;
}

function apart(d: number): string {
  return d === Infinity ? 'NaN or Inf on one backend and not on the other (or another shape)' : `up to ${d.toPrecision(3)} apart`;
}

function finding(ctx: CheckContext, layer: Layer, message: string, counterexample: Record<string, unknown>): Finding {
  const source = ctx.sourceOf(layer.name);
  return { check: 'backend-parity', severity: 'warning', ...at.layer(layer.name), ...(source ? { source } : {}), message, counterexample };
}
