import type { Tensor } from '@tensorflow/tfjs';
import type { Twin } from '../../model/twin.js';
import { drawSeededWeights } from '../../tfjs/seeded-weights.js';
import type { Tf } from '../../tfjs/tf-instance.js';
import { ownLayers } from './own-layers.js';

/**
 * Weight draws a verdict that may hinge on the initial weights is confirmed on: the run's own and
 * this many more. A narrow ReLU stack (9 units) is dead for every input on some draws (1 of 16
 * seeds for one oracle classifier), and a real user's training starts from a draw of their own.
 */
export const OTHER_DRAWS = 2;

/**
 * Runs `fn` with the weights of the twin's own layers drawn again from their initialisers (seeded
 * by `seed` and `draw`, so a run stays reproducible), then puts the twin's weights back, also when
 * `fn` throws. Stubs keep theirs: a stub's weights are the tool's, not the user's luck.
 */
export function onOtherDraw<T>(tf: Tf, twin: Twin, seed: number, draw: number, fn: () => T): T {
  const own = ownLayers(twin).filter((layer) => layer.weights.length > 0);
  const saved = own.map((layer) => layer.weights.map((w) => tf.clone(w.read())));
  try {
    let index = 0;
    const drawSeed = (Math.imul(seed + 1, 0x9e3779b1) + 104729 * draw) & 0x7fffffff;
    for (const layer of own) index = drawSeededWeights(tf, layer, drawSeed, index);
    return fn();
  } finally {
    own.forEach((layer, i) => layer.weights.forEach((w, j) => w.write(saved[i]?.[j] as Tensor)));
    tf.dispose(saved.flat());
  }
}

/** On how many of the other draws (1..OTHER_DRAWS) `holds` is true. */
export function drawsWhere(tf: Tf, twin: Twin, seed: number, holds: () => boolean): number {
  let count = 0;
  for (let draw = 1; draw <= OTHER_DRAWS; draw++) if (onOtherDraw(tf, twin, seed, draw, holds)) count++;
  return count;
}
