import type { Tf } from './tf-instance.js';

/**
 * The layer classes tfjs itself registers, taken before the user's module loads:
 * any other class is the user's own (wiring under test, never stubbed).
 */
export function builtinClasses(tf: Tf): ReadonlySet<unknown> {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [unknown, unknown]>;
  return new Set(Object.values(map).map(([cls]) => cls));
}
