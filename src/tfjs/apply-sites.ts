import type { ApplySites, CompileSites } from '../model/composite.js';
import type { Tf } from './tf-instance.js';
import { frameLocation, userFrames } from './user-frames.js';

type ApplyFn = (this: object, ...args: unknown[]) => unknown;

/**
 * Records the user's source line of every `layer.apply(...)` made while `run` executes
 * (the stack is source-mapped by the loader), then restores `Layer.prototype.apply`.
 */
export async function recordApplySites<T>(tf: Tf, run: (sites: ApplySites, compiles: CompileSites) => Promise<T>): Promise<T> {
  const sites: ApplySites = new WeakMap();
  const compiles: CompileSites = new WeakMap();
  const proto = tf.layers.Layer.prototype as unknown as { apply: ApplyFn };
  const original = proto.apply;
  const modelProto = tf.LayersModel.prototype as unknown as { compile: ApplyFn };
  const originalCompile = modelProto.compile;
  modelProto.compile = function recordCompile(this: object, ...args: unknown[]): unknown {
    const frame = userFrames(new Error().stack)[0];
    if (frame) compiles.set(this, frameLocation(frame));
    return originalCompile.apply(this, args);
  };
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(stackLimit, 60);
  proto.apply = function recordSite(this: object, ...args: unknown[]): unknown {
    const frame = userFrames(new Error().stack)[0];
    if (frame) {
      const list = sites.get(this) ?? [];
      list.push(frameLocation(frame));
      sites.set(this, list);
    }
    return original.apply(this, args);
  };
  try {
    return await run(sites, compiles);
  } finally {
    proto.apply = original;
    modelProto.compile = originalCompile;
    Error.stackTraceLimit = stackLimit;
  }
}
