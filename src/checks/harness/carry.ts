import type { Twin } from '../../model/twin.js';
import type { Pass } from './runner.js';

/**
 * What a watch session carries from one run to the next: the last run's base passes and what each
 * of its stubs computes. A stub is a pure function of its spec, its weights and its inputs (the
 * stub runtime's contract), so after a save a stub whose spec and weights are unchanged gives the
 * outputs it gave before for the same inputs: the next run takes them from the last run's pass
 * instead of computing them again. Everything else (the user's own layers, whose code may have
 * changed in a helper the layer calls, and any stub that changed) runs again.
 */
export interface Carry {
  last?: CarriedRun;
}

interface CarriedRun {
  stubs: Map<string, StubPrint>;
  /** Base passes by sample key. */
  passes: ReadonlyMap<string, Pass>;
}

/** What a stub computes: its spec without its name, and a copy of its weights' values. */
export interface StubPrint {
  spec: string;
  weights: ArrayBufferView[];
}

/** An empty carry, for the first run of a session. */
export function createCarry(): Carry {
  return {};
}

/**
 * The last run's base pass for a sample, with its recorded calls of unchanged stubs only, under
 * their names in this twin (an edit that adds a layer renames the ones tfjs names by counter);
 * undefined when nothing can be taken from it.
 */
export function carriedPasses(
  carry: Carry | undefined,
  stubs: ReadonlyMap<string, StubPrint>,
): ((key: string) => Pass | undefined) | undefined {
  const last = carry?.last;
  if (!last) return undefined;
  const renamed = new Map<string, string>();
  for (const [name, print] of stubs) {
    const same = [...last.stubs].filter(([, before]) => samePrint(before, print));
    if (same.length === 1) renamed.set(name, (same[0] as [string, StubPrint])[0]);
  }
  if (renamed.size === 0) return undefined;
  return (key) => {
    const pass = last.passes.get(key);
    if (!pass || pass.error !== undefined) return undefined;
    const calls: Pass['calls'] = new Map();
    for (const [name, before] of renamed) {
      const recorded = pass.calls.get(before);
      if (recorded) calls.set(name, recorded);
    }
    return calls.size ? { ...pass, calls } : undefined;
  };
}

/** Keeps this run's base passes and stubs for the next run of the session. */
export function carryOver(carry: Carry | undefined, stubs: Map<string, StubPrint>, passes: ReadonlyMap<string, Pass>): void {
  if (carry) carry.last = { stubs, passes };
}

/**
 * Per stub of the twin's top-level graph, what it computes, taken before any check runs (a check
 * that trains the twin puts its weights back, but the base passes were made with these).
 */
export function stubPrints(twin: Twin): Map<string, StubPrint> {
  const prints = new Map<string, StubPrint>();
  for (const [name, { spec, layer }] of twin.stubs) {
    const { name: _name, ...rest } = spec;
    const weights = layer.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
    prints.set(name, { spec: JSON.stringify(rest), weights });
  }
  return prints;
}

function samePrint(a: StubPrint, b: StubPrint): boolean {
  if (a.spec !== b.spec || a.weights.length !== b.weights.length) return false;
  return a.weights.every((w, i) => sameBytes(w, b.weights[i] as ArrayBufferView));
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
