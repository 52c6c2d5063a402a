import type { Tf } from './tf-instance.js';

type ApplyFn = (this: unknown, shape: number[], dtype?: string) => unknown;
interface InitializerProto {
  apply: ApplyFn;
}

/** Weights up to this many values keep their real initialiser (cheap); larger ones become zeros. */
export const REAL_INIT_LIMIT = 65_536;

/**
 * Makes every built-in initializer free while `run` executes: a weight of more than
 * REAL_INIT_LIMIT values gets zeros of the right shape and dtype, and Orthogonal (a QR in
 * JavaScript: minutes for an LSTM(256)) gets scaled uniform noise; small weights keep their
 * real initialiser, so the user's small layers start as they would. Restored afterwards.
 */
export async function withFreeInitializers<T>(tf: Tf, run: () => Promise<T>): Promise<T> {
  const patched = new Map<InitializerProto, ApplyFn>();
  const orthogonal = Object.getPrototypeOf(tf.initializers.orthogonal({})) as InitializerProto;
  for (const proto of initializerPrototypes(tf)) {
    if (!Object.prototype.hasOwnProperty.call(proto, 'apply')) continue;
    const original = proto.apply;
    patched.set(proto, original);
    proto.apply = function freeApply(this: unknown, shape: number[], dtype?: string) {
      const size = shape.reduce((a, b) => a * b, 1);
      const type = (dtype ?? 'float32') as 'float32';
      if (size > REAL_INIT_LIMIT) return tf.zeros(shape, type);
      if (proto === orthogonal) {
        const limit = Math.sqrt(3 / Math.max(1, shape[shape.length - 1] ?? 1));
        return tf.randomUniform(shape, -limit, limit, type);
      }
      return original.call(this, shape, dtype);
    };
  }
  try {
    return await run();
  } finally {
    for (const [proto, original] of patched) proto.apply = original;
  }
}

function initializerPrototypes(tf: Tf): InitializerProto[] {
  const protos = new Set<InitializerProto>();
  const factories = tf.initializers as unknown as Record<string, (config: object) => object>;
  for (const [name, factory] of Object.entries(factories)) {
    if (typeof factory !== 'function') continue;
    const config = name === 'constant' ? { value: 0 } : {};
    let proto: object | null = Object.getPrototypeOf(factory(config)) as object | null;
    while (proto && proto !== Object.prototype) {
      protos.add(proto as InitializerProto);
      proto = Object.getPrototypeOf(proto) as object | null;
    }
  }
  return [...protos];
}
