import type { Variable } from '@tensorflow/tfjs';
import type { Tf } from './tf-instance.js';

type ApplyFn = (this: unknown, shape: number[], dtype?: string) => unknown;
interface InitializerProto {
  apply: ApplyFn;
}

/** Weights up to this many values keep their real initialiser (cheap); larger ones become zeros. */
export const REAL_INIT_LIMIT = 65_536;

/**
 * Makes every built-in initializer free while `run` executes: a weight of more than
 * REAL_INIT_LIMIT values is made without data (see lazyLargeWeights; an initializer asked directly
 * for one gives zeros), and Orthogonal (a QR in JavaScript: minutes for an LSTM(256)) gets scaled
 * uniform noise; small weights keep their real initialiser, so the user's small layers start as
 * they would. Restored afterwards. With `realLimit` 0, no weight is made at all (a structure built
 * only to be compared, never run).
 */
export async function withFreeInitializers<T>(tf: Tf, run: () => Promise<T>, realLimit = REAL_INIT_LIMIT): Promise<T> {
  const restoreWeights = lazyLargeWeights(tf, realLimit);
  const patched = new Map<InitializerProto, ApplyFn>();
  const orthogonal = Object.getPrototypeOf(tf.initializers.orthogonal({})) as InitializerProto;
  for (const proto of initializerPrototypes(tf)) {
    if (!Object.prototype.hasOwnProperty.call(proto, 'apply')) continue;
    const original = proto.apply;
    patched.set(proto, original);
    proto.apply = function freeApply(this: unknown, shape: number[], dtype?: string) {
      const size = shape.reduce((a, b) => a * b, 1);
      const type = (dtype ?? 'float32') as 'float32';
      if (size > realLimit) return tf.zeros(shape, type);
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
    restoreWeights();
  }
}

type AddWeight = (this: object, name: string, shape: number[], dtype?: string, ...rest: unknown[]) => object;

/**
 * Weights of more than REAL_INIT_LIMIT values are created without their data: a LayerVariable
 * whose tensor is made (zeros) on first use. The probe needs only their shapes, and a component's
 * weights are never used (its stub runs instead), so a composite of a billion parameters is probed
 * without allocating them (tf.memory() stays small). A weight the twin does use, of one of the
 * user's own layers, gets its data when it is first read or written. Returns the restore function.
 */
function lazyLargeWeights(tf: Tf, realLimit: number): () => void {
  const proto = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
  const original = proto.addWeight;
  proto.addWeight = function addLazyWeight(this: object, name: string, shape: number[], dtype?: string, ...rest: unknown[]) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size <= realLimit) return original.call(this, name, shape, dtype, ...rest);
    // Built with a one-value placeholder (names, ids and bookkeeping as tfjs makes them), then
    // given the real shape and a value made on first use.
    const weight = original.call(this, name, [1], dtype, tf.initializers.zeros(), ...rest.slice(1)) as LazyVariable;
    weight.val.dispose();
    makeLazy(tf, weight, shape, (dtype ?? 'float32') as 'float32');
    return weight;
  };
  return () => {
    proto.addWeight = original;
  };
}

interface LazyVariable {
  val: Variable;
  shape: number[];
  name: string;
}

function makeLazy(tf: Tf, weight: LazyVariable, shape: number[], dtype: 'float32' | 'int32'): void {
  let value: Variable | null = null;
  const state = weight as unknown as { trainable_: boolean };
  weight.shape = shape;
  Object.defineProperty(weight, 'val', {
    configurable: true,
    enumerable: true,
    get: () => (value ??= zerosVariable(tf, shape, dtype, state.trainable_, weight.name)),
    set: (v: Variable) => {
      value = v;
    },
  });
  // Freezing a layer (trainable = false) sets it on every weight: without making the data.
  Object.defineProperty(weight, 'trainable', {
    configurable: true,
    get: () => state.trainable_,
    set: (t: boolean) => {
      state.trainable_ = t;
      if (value) value.trainable = t;
    },
  });
  // Disposing (or checking) a weight whose data was never made must not make it first.
  const holder = weight as unknown as { dispose(): void; assertNotDisposed(): void };
  const dispose = holder.dispose.bind(weight);
  holder.dispose = () => {
    if (value) dispose();
  };
  const assertNotDisposed = holder.assertNotDisposed.bind(weight);
  holder.assertNotDisposed = () => {
    if (value) assertNotDisposed();
  };
}

/** A variable of zeros (the temporary zeros disposed: a variable keeps a copy of its value's data). */
function zerosVariable(tf: Tf, shape: number[], dtype: 'float32' | 'int32', trainable: boolean, name: string): Variable {
  const zeros = tf.zeros(shape, dtype);
  const variable = tf.variable(zeros, trainable, name, dtype);
  zeros.dispose();
  return variable;
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
