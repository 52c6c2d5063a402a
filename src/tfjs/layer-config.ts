import type { layers } from '@tensorflow/tfjs';

/**
 * A layer's config, or nothing when its getConfig throws: a user's getConfig may (one that reads
 * a field it never set), and such a model still trains; `serialization` reports it, the other
 * stages read what they need of a config from a layer that has one.
 */
export function configOf(layer: layers.Layer): Record<string, unknown> {
  try {
    return layer.getConfig() as Record<string, unknown>;
  } catch {
    return {};
  }
}
