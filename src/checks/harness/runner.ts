import type { Tensor, layers } from '@tensorflow/tfjs';
import { topLevelNodes } from '../../tfjs/graph.js';
import type { Tf } from '../../tfjs/tf-instance.js';
import type { Twin } from '../../model/twin.js';

type Layer = layers.Layer;
type Kwargs = Record<string, unknown>;

/** A tensor's value copied out of tfjs (the tensor itself is disposed after the pass). */
export interface TensorValue {
  shape: number[];
  dtype: string;
  values: Float32Array | Int32Array | Uint8Array;
}

/** Everything seen in one forward pass of the twin through tfjs's graph executor. */
export interface Pass {
  /** Id of a tensor of the original graph -> its value in this pass (model inputs included). */
  values: Map<number, TensorValue>;
  outputs: TensorValue[];
  /** Layer name -> the mask the executor handed it (first call), or null. */
  received: Map<string, TensorValue | null>;
  /** Layer name -> the layer whose `computeMask` made the mask it received, when known. */
  receivedFrom: Map<string, string>;
  /** Layer name -> the mask its `computeMask` returned (first call). */
  produced: Map<string, TensorValue | null>;
  /** Per layer, per call: what went in (data arrays, mask array) and came out, for `reuse`. */
  calls: Map<string, RecordedCall[]>;
  /** The twin threw on this pass. */
  error?: string;
  /** The layer whose call threw (original name), and whether it is a stub (scaffold-mini's own code). */
  errorIn?: { layer: string; stub: boolean };
}

/** One layer call of a pass, by the identity of its data: equal arrays mean equal values. */
export interface RecordedCall {
  inputs: unknown[];
  mask: unknown;
  outputs: TensorValue[];
}

/** Changes to one pass: perturb what a layer outputs, or change the mask it receives. */
export interface PassHooks {
  /** By original layer name: replacement outputs (same shapes), or undefined to keep them. */
  outputs?(layer: string, outputs: Tensor[]): Tensor[] | undefined;
  /** By original layer name: the mask to hand the layer instead of the one it got (null: none). */
  mask?(layer: string, received: Tensor | null): Tensor | null | undefined;
  /** By original layer name: replacement inputs (same shapes), or undefined to keep them. */
  inputs?(layer: string, inputs: Tensor[]): Tensor[] | undefined;
}

/**
 * Narrower reuse, for passes that test the user's layers themselves. Stubs are pure functions of
 * their inputs and handle each sample on its own, by construction (see the stub runtime tests).
 */
export interface ReuseOptions {
  /** Reuse stubs only: every user layer runs again (a pass that tests them for randomness). */
  stubsOnly?: boolean;
  /**
   * The inputs are rows `row, row + 1, ...` of the reused pass's batch: a stub whose inputs are
   * those rows of its inputs there gives those rows of its outputs there (implies `stubsOnly`).
   */
  row?: number;
}

export interface Runner {
  /**
   * Runs `predict` on the twin (the executor the user's model runs with: masks and all). With
   * `reuse`, a layer whose inputs and mask are the very arrays it got in that pass is not run
   * again: its outputs are taken from there (a pass that changes one input re-runs only what
   * depends on it). Only for deterministic twins (see the determinism check).
   */
  run(inputs: Tensor[], hooks?: PassHooks, reuse?: Pass, options?: ReuseOptions): Pass;
  /** Runs `work` (e.g. an eager `model.apply` inside a gradient) with these hooks on every layer call. */
  trace<T>(hooks: PassHooks, work: () => T): T;
  /** Original tensor ids in topological order, model inputs first. */
  readonly order: readonly number[];
  /** Original tensor id -> the name of the layer that produces it (input layers included). */
  readonly producer: ReadonlyMap<number, string>;
  /** Forward passes run so far. */
  readonly passes: number;
  /**
   * By original layer name, for the layers that stand for components (stubs, layered components'
   * twins, a wrapper around one): the least time a call of it took per sample, over the passes that
   * ran it (a reused call is not timed). A timing, not part of any verdict.
   */
  readonly standInMs: ReadonlyMap<string, number>;
}

interface Session {
  hooks: PassHooks;
  reuse: Pass | undefined;
  options: ReuseOptions;
  recorded: Map<string, RecordedCall[]>;
  /** Copy tensors and masks out (a pass); off while tracing. */
  record: boolean;
  calls: Map<Layer, number>;
  outputs: Map<number, TensorValue>;
  received: Map<string, TensorValue | null>;
  receivedFrom: Map<string, string>;
  produced: Map<string, TensorValue | null>;
  maskMaker: Map<Tensor, string>;
  /** The innermost layer whose call threw. */
  failedIn: { layer: string; stub: boolean } | null;
}

/**
 * Wraps `call` and `computeMask` of every layer of the twin once, so that a pass records every
 * tensor of the top-level graph, the mask each layer receives and the masks layers make, and so
 * that hooks can perturb outputs or masks. Outside a pass the wrappers only forward.
 */
export function createRunner(tf: Tf, twin: Twin): Runner {
  const originalName = new Map<Layer, string>();
  for (const [name, layer] of twin.layers) originalName.set(layer, name);
  const twinToOriginal = new Map<number, number>();
  for (const [original, t] of twin.tensors) twinToOriginal.set(t.id, original);

  // For each layer: the original ids of its outputs, per call in executor order.
  const callOutputs = new Map<Layer, number[][]>();
  for (const node of topLevelNodes(twin.model)) {
    const list = callOutputs.get(node.layer) ?? [];
    list.push(node.outputs.map((t) => twinToOriginal.get(t.id) ?? -1));
    callOutputs.set(node.layer, list);
  }
  const order = twin.model.inputs.map((t) => twinToOriginal.get(t.id) ?? -1);
  const producer = new Map<number, string>();
  twin.model.inputs.forEach((t, i) => producer.set(order[i] ?? -1, t.sourceLayer.name));
  for (const node of topLevelNodes(twin.model)) {
    for (const t of node.outputs) {
      const id = twinToOriginal.get(t.id) ?? -1;
      order.push(id);
      producer.set(id, originalName.get(node.layer) ?? node.layer.name);
    }
  }

  // Stubs that never read the mask they receive: their outputs depend on their inputs alone, so a
  // pass can reuse them whatever (stale) mask the executor hands them this time.
  const maskBlind = new Set<Layer>();
  const stubs = new Set<Layer>();
  for (const { spec, layer } of twin.stubs.values()) {
    stubs.add(layer);
    if (!spec.mask.consumes) maskBlind.add(layer);
  }

  // The layers that stand for components: stubs, layered components' twins, wrappers around one.
  const standing = new Set<Layer>([...stubs, ...[...twin.layered.values()].map((t) => t.model as unknown as Layer)]);
  for (const layer of originalName.keys()) {
    const inner = (layer as unknown as { layer?: Layer }).layer;
    if (inner && standing.has(inner)) standing.add(layer);
  }
  const standInMs = new Map<string, number>();

  let session: Session | null = null;
  for (const [layer, name] of originalName) {
    const blind = maskBlind.has(layer);
    const stub = stubs.has(layer);
    const timed = standing.has(layer);
    const call = layer.call.bind(layer);
    layer.call = (inputs: Tensor | Tensor[], kwargs: Kwargs) => {
      const s = session;
      if (!s) return call(inputs, kwargs);
      const received = (kwargs?.['mask'] ?? null) as Tensor | null;
      const replaced = s.hooks.mask?.(name, received);
      const mask = replaced === undefined ? received : replaced;
      if (!s.received.has(name) && s.record) {
        s.received.set(name, mask ? copy(mask) : null);
        const maker = mask ? s.maskMaker.get(mask) : undefined;
        if (maker) s.receivedFrom.set(name, maker);
      }
      const args = replaced === undefined ? kwargs : { ...kwargs, mask: mask ?? undefined };
      const list0 = Array.isArray(inputs) ? inputs : [inputs];
      const newInputs = s.hooks.inputs?.(name, list0);
      const callInputs = newInputs ? (Array.isArray(inputs) ? newInputs : (newInputs[0] as Tensor)) : inputs;
      const index = s.calls.get(layer) ?? 0;
      s.calls.set(layer, index + 1);
      let out: Tensor | Tensor[];
      // Tensors passed by keyword (an RNN's initial states and constants) are inputs too.
      const byKeyword = keywordTensors(kwargs);
      const identity = s.record
        ? { inputs: [...(newInputs ?? list0), ...byKeyword].map((t) => t.dataSync()), mask: mask ? mask.dataSync() : null }
        : null;
      const narrow = s.options.stubsOnly === true || s.options.row !== undefined;
      const before = narrow && !stub ? undefined : s.reuse?.calls.get(name)?.[index];
      const batch = list0[0]?.shape[0] ?? 1;
      const reused = identity && before ? reusable(before, identity, blind, s.options.row, batch) : null;
      if (reused) {
        const again = reused.map((v) => tf.tensor(v.values, v.shape, v.dtype as 'float32'));
        out = again.length === 1 ? (again[0] as Tensor) : again;
      } else {
        const started = timed ? performance.now() : 0;
        try {
          out = call(callInputs, args);
        } catch (e) {
          s.failedIn ??= { layer: name, stub };
          throw e;
        }
        if (timed) {
          const perSample = (performance.now() - started) / batch;
          standInMs.set(name, Math.min(standInMs.get(name) ?? Infinity, perSample));
        }
      }
      const list = Array.isArray(out) ? out : [out];
      const changed = s.hooks.outputs?.(name, list);
      if (changed) out = Array.isArray(out) ? changed : (changed[0] as Tensor);
      if (identity) {
        const calls = s.recorded.get(name) ?? [];
        calls[index] = { ...identity, outputs: (Array.isArray(out) ? out : [out]).map(copy) };
        s.recorded.set(name, calls);
      }
      const ids = callOutputs.get(layer)?.[index] ?? [];
      if (s.record) {
        (Array.isArray(out) ? out : [out]).forEach((t, i) => {
          const id = ids[i];
          if (id !== undefined && id >= 0) s.outputs.set(id, copy(t));
        });
      }
      return out;
    };
    const computeMask = layer.computeMask.bind(layer);
    layer.computeMask = (inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]) => {
      const made = computeMask(inputs, mask);
      const s = session;
      if (s) {
        const first = (Array.isArray(made) ? made[0] : made) ?? null;
        if (first) s.maskMaker.set(first, name);
        // Eager `apply` also calls computeMask(inputs, undefined) (setMaskMetadata); the executor's
        // call, which decides the mask handed on, passes the input masks.
        if (mask !== undefined && !s.produced.has(name) && s.record) s.produced.set(name, first ? copy(first) : null);
      }
      return made;
    };
  }

  let passes = 0;
  return {
    order,
    producer,
    get passes() {
      return passes;
    },
    standInMs,
    trace(hooks, work) {
      const previous = session;
      session = newSession(hooks, undefined, false, {});
      try {
        return work();
      } finally {
        session = previous;
      }
    },
    run(inputs, hooks = {}, reuse, options = {}) {
      passes++;
      const s = newSession(hooks, reuse, true, options);
      twin.model.inputs.forEach((_, i) => {
        const t = inputs[i];
        if (t) s.outputs.set(order[i] ?? -1, copy(t));
      });
      session = s;
      const batch = inputs[0]?.shape[0] ?? 1;
      try {
        const out = twin.model.predict(inputs, { batchSize: batch });
        const list = Array.isArray(out) ? out : [out];
        const outputs = list.map(copy);
        tf.dispose(list);
        return { values: s.outputs, outputs, received: s.received, receivedFrom: s.receivedFrom, produced: s.produced, calls: s.recorded };
      } catch (e) {
        return {
          values: s.outputs,
          outputs: [],
          received: s.received,
          receivedFrom: s.receivedFrom,
          produced: s.produced,
          calls: s.recorded,
          error: (e as Error).message,
          ...(s.failedIn ? { errorIn: s.failedIn } : {}),
        };
      } finally {
        session = null;
      }
    },
  };
}

/** The tensors a layer call gets by keyword (an RNN's `initialState` and `constants`), in a fixed order. */
function keywordTensors(kwargs: Kwargs | undefined): Tensor[] {
  if (!kwargs) return [];
  return ['initialState', 'constants'].flatMap((key) => {
    const value = kwargs[key];
    const list = Array.isArray(value) ? value : value == null ? [] : [value];
    // tfjs's RNN.apply writes its states into the executor's kwargs, shared by every later layer of
    // the pass: there they are stale and usually disposed already (not an input of that layer).
    return list.filter((v): v is Tensor => typeof v === 'object' && v !== null && 'dataSync' in v && !(v as Tensor).isDisposed);
  });
}

function newSession(hooks: PassHooks, reuse: Pass | undefined, record: boolean, options: ReuseOptions): Session {
  return {
    hooks,
    reuse,
    options,
    record,
    recorded: new Map(),
    calls: new Map(),
    outputs: new Map(),
    received: new Map(),
    receivedFrom: new Map(),
    produced: new Map(),
    maskMaker: new Map(),
    failedIn: null,
  };
}

/**
 * A tensor's values, by reference: tfjs's CPU backend never writes into a tensor's array after
 * creating it (every op makes a new one) and disposing only drops its reference, so the array stays
 * valid and unchanged. Copying every tensor of every pass was a third of a pass's time.
 */
/** A tensor's value copied out of tfjs. */
export function copy(t: Tensor): TensorValue {
  const data = t.dataSync();
  const values =
    data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint8Array
      ? data
      : Uint8Array.from(data as ArrayLike<number>);
  return { shape: [...t.shape], dtype: t.dtype, values };
}

/**
 * The outputs a layer call can take from the call `before` (of a reused pass), or null: its inputs
 * (and its mask, unless the layer is blind to masks) are the same data, or with `row` the same as
 * rows `row .. row + batch` there (then the outputs are those rows).
 */
function reusable(
  before: RecordedCall,
  now: { inputs: unknown[]; mask: unknown },
  blind: boolean,
  row: number | undefined,
  batch: number,
): TensorValue[] | null {
  if (before.inputs.length !== now.inputs.length) return null;
  if (row === undefined) {
    if (!blind && !sameValues(before.mask, now.mask)) return null;
    return before.inputs.every((a, i) => sameData(a, now.inputs[i])) ? before.outputs : null;
  }
  const rows = (all: unknown, perBatch: number): unknown => {
    if (!ArrayBuffer.isView(all)) return null;
    const size = perBatch / batch;
    return (all as Float32Array).subarray(row * size, (row + batch) * size);
  };
  if (!blind && !sameValues(before.mask === null ? null : rows(before.mask, (now.mask as ArrayLike<number> | null)?.length ?? 0), now.mask))
    return null;
  if (!before.inputs.every((a, i) => sameData(rows(a, (now.inputs[i] as ArrayLike<number>).length), now.inputs[i]))) return null;
  const out: TensorValue[] = [];
  for (const v of before.outputs) {
    if ((v.shape[0] ?? 0) < row + batch) return null;
    const size = v.shape.slice(1).reduce((x, y) => x * y, 1);
    out.push({ shape: [batch, ...v.shape.slice(1)], dtype: v.dtype, values: v.values.subarray(row * size, (row + batch) * size) });
  }
  return out;
}

/** Masks are remade every pass (new arrays): compare them by value (they are small). */
function sameValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const x = a as ArrayLike<number>;
  const y = b as ArrayLike<number>;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (Boolean(x[i]) !== Boolean(y[i])) return false;
  return true;
}

/**
 * Same data: the same array, a view of the same memory, or the same bits (`predict` hands layers new
 * views of its inputs on every call; comparing is far cheaper than recomputing). Tensors' arrays are
 * never written after they are made (see copy), so the same memory means the same values.
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    ArrayBuffer.isView(a) &&
    ArrayBuffer.isView(b) &&
    a.buffer === b.buffer &&
    a.byteOffset === b.byteOffset &&
    a.byteLength === b.byteLength
  )
    return true;
  // The same bits (memcmp): a stub given bit-identical inputs computes bit-identical outputs.
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.byteLength !== b.byteLength || a.constructor !== b.constructor) return false;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  const x = a as ArrayLike<number>;
  const y = b as ArrayLike<number>;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
