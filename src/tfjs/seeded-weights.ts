import type { LayersModel, Tensor, layers } from '@tensorflow/tfjs';
import { isModel } from './activation.js';
import { orthonormal } from './real-init.js';
import type { Tf } from './tf-instance.js';
import { configOf } from './layer-config.js';

type Layer = layers.Layer;

/**
 * Draws every float weight of `layer` (the layers of a nested model one by one) again, seeded by
 * `seed` and a running index (returned, for the next layer): tfjs's initialisers draw from an
 * unseeded generator, and a free build leaves zeros. Each weight comes from the initialiser its
 * layer's config names (a bad initialisation is what initial-loss and activation-health look for).
 * Orthogonal is drawn by Gram-Schmidt in JavaScript while that is cheap, else as Gaussian noise
 * of the same variance per entry; where no initialiser can be used (the user's own): matrices
 * Glorot-uniform noise, `gamma` and `moving_variance` ones, `bias`, `beta` and `moving_mean`
 * zeros; other vectors keep their (deterministic) initial value.
 */
export function drawSeededWeights(tf: Tf, layer: Layer, seed: number, index = 0): number {
  if (isModel(layer)) {
    for (const inner of (layer as LayersModel).layers) index = drawSeededWeights(tf, inner, seed, index);
    return index;
  }
  for (const weight of layer.weights) {
    index++;
    if (weight.dtype !== 'float32') continue;
    const shape = weight.shape as number[];
    const name = weight.originalName;
    const weightSeed = (seed + 7919 * index) % 0x7fffffff;
    const value = userInitialValue(tf, layer, name, shape, weightSeed) ?? fallbackValue(tf, name, shape, weightSeed);
    if (!value) continue;
    // The variable takes a reference to the value's data: the value's own handle is dropped.
    weight.write(value);
    value.dispose();
  }
  return index;
}

/** Glorot-uniform noise for matrices, ones for scales, zeros for offsets; null: keep the initial value. */
function fallbackValue(tf: Tf, name: string, shape: number[], seed: number): Tensor | null {
  if (/(gamma|moving_variance)$/.test(name)) return tf.ones(shape);
  if (/(bias|beta|moving_mean)$/.test(name)) return tf.zeros(shape);
  if (shape.length < 2) return null;
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const fanOut = shape[shape.length - 1] ?? 1;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

/** Weight name suffix -> the layer config key of its initialiser. */
const INITIALIZER_KEYS: [RegExp, string][] = [
  [/recurrent_kernel$/, 'recurrentInitializer'],
  [/depthwise_kernel$/, 'depthwiseInitializer'],
  [/pointwise_kernel$/, 'pointwiseInitializer'],
  [/kernel$/, 'kernelInitializer'],
  [/bias$/, 'biasInitializer'],
  [/embeddings$/, 'embeddingsInitializer'],
  [/gamma$/, 'gammaInitializer'],
  [/beta$/, 'betaInitializer'],
  [/moving_mean$/, 'movingMeanInitializer'],
  [/moving_variance$/, 'movingVarianceInitializer'],
];

/** Gram-Schmidt work (vector length times vectors squared) above which Orthogonal is drawn as Gaussian noise. */
const ORTHOGONAL_WORK = 1 << 24;

/** A fresh value of the weight from the initialiser the layer's config names, with this seed; null when there is none to use. */
function userInitialValue(tf: Tf, layer: Layer, weightName: string, shape: number[], seed: number): Tensor | null {
  const key = INITIALIZER_KEYS.find(([pattern]) => pattern.test(weightName))?.[1];
  if (!key) return null;
  const config = configOf(layer)[key] as { className?: string; config?: Record<string, unknown> } | undefined;
  const className = config?.className;
  if (!className) return null;
  if (className === 'Orthogonal') return orthogonalValue(tf, shape, seed, (config.config?.['gain'] as number | undefined) ?? 1);
  const factory = (
    tf.initializers as unknown as Record<string, ((c: object) => { apply(shape: number[], dtype?: string): unknown }) | undefined>
  )[className.charAt(0).toLowerCase() + className.slice(1)];
  if (typeof factory !== 'function') return null;
  try {
    return factory({ ...config.config, seed }).apply(shape, 'float32') as Tensor;
  } catch {
    return null;
  }
}

/**
 * tfjs's Orthogonal (the Q of a Gaussian matrix, times the gain) for rows = all axes but the last:
 * by Gram-Schmidt while that is cheap, else Gaussian noise of the same variance per entry (1 over
 * the longer side), which is all a forward pass at initialisation sees of it.
 */
function orthogonalValue(tf: Tf, shape: number[], seed: number, gain: number): Tensor | null {
  if (shape.length < 2) return null;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const cols = shape[shape.length - 1] ?? 1;
  const longer = Math.max(rows, cols);
  const shorter = Math.min(rows, cols);
  if (longer * shorter * shorter <= ORTHOGONAL_WORK) {
    const values = orthonormal(rows, cols, seed);
    if (gain !== 1) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * gain;
    return tf.tensor(values, shape, 'float32');
  }
  return tf.randomNormal(shape, 0, gain / Math.sqrt(longer), 'float32', seed);
}
