// scaffold-mini's stub runtime. This folder is copied beside every emitted twin: it imports nothing
// at run time but its own files, and takes the tf instance it works with as an argument.
import type { Tf } from './projection.js';
import { makeMiniStubClass, type MiniStubClass, type MiniStubLayer } from './mini-stub.js';
import type { StubSpec } from './spec.js';

export type { StubMask, StubShape, StubSpec } from './spec.js';
export type { MiniStubArgs, MiniStubClass, MiniStubLayer } from './mini-stub.js';
export type { Tf } from './projection.js';

/** The stub runtime bound to one tf instance. */
export interface Stubs {
  /** A new stub layer standing in for the component that `spec` describes (named `spec.name`). */
  stub(spec: StubSpec): MiniStubLayer;
  /** The layer class (static className 'MiniStub'), registered for (de)serialisation. */
  MiniStub: MiniStubClass;
}

// Keyed by the Layer base class: two namespace objects of one tfjs (ESM and CJS views, say) share
// one serialisation registry, so they must share one registered class too.
const cache = new WeakMap<object, Stubs>();

/**
 * The stub runtime for `tf` (the user's tfjs instance, or the twin's own import). The MiniStub
 * class is defined and registered with `tf.serialization.registerClass` once per instance.
 */
export function defineStubs(tf: Tf): Stubs {
  const key: object = tf.layers.Layer;
  const known = cache.get(key);
  if (known) return known;
  const MiniStub = makeMiniStubClass(tf);
  tf.serialization.registerClass(MiniStub as unknown as Parameters<Tf['serialization']['registerClass']>[0]);
  const stubs: Stubs = { stub: (spec) => new MiniStub({ spec }), MiniStub };
  cache.set(key, stubs);
  return stubs;
}
