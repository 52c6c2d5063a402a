import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { freeingTapeOnError } from '../../tfjs/gradients.js';
import { onGradientBackend, type Tf } from '../../tfjs/tf-instance.js';
import type { CheckContext } from '../check.js';

/**
 * Dependency charting: the gradient of `select(outputs)` (a scalar picked from the twin's outputs,
 * eagerly applied) with respect to every float model input, as plain arrays (null for int inputs,
 * which have no gradient). A zero entry means the selected outputs do not depend on that value
 * locally; values alone cannot prove independence, gradients chart it.
 */
export function chartInputGradients(
  ctx: CheckContext,
  inputs: Tensor[],
  select: (outputs: Tensor[]) => Scalar,
  only: (i: number) => boolean = () => true,
  unchartable: Set<number> = new Set(),
): (Float32Array | null)[] {
  const { tf, twin } = ctx;
  return inputs.map((input, i) => {
    if (input.dtype !== 'float32' || !only(i) || unchartable.has(i)) return null;
    // A backward pass down to a large input (an image) costs more than all the value runs.
    if (input.size / (input.shape[0] ?? 1) > CHART_LIMIT) return null;
    try {
      const grad = onGradientBackend(tf, () =>
        freeingTapeOnError(tf, () =>
          tf.grad((x: Tensor) => {
            const out = twin.model.apply(
              inputs.map((t, k) => (k === i ? x : t)),
              { training: false },
            );
            return select((Array.isArray(out) ? out : [out]) as Tensor[]);
          })(input),
        ),
      );
      const values = grad.dataSync() as Float32Array;
      grad.dispose();
      return values;
    } catch {
      // A kernel on the way has no gradient (Masking uses Any): this input cannot be charted.
      unchartable.add(i);
      return null;
    }
  });
}

/**
 * A scalar that depends on every value of `t`: the sum of its values each weighted by a fixed
 * positive weight. A plain sum would not do: a softmax row always sums to 1, so its gradient is zero
 * whatever the input, and the chart would be blind behind every softmax output.
 */
export function weightedSum(tf: Tf, t: Tensor): Scalar {
  const weights = tf.randomUniform(t.shape, 0.5, 1.5, 'float32', 20261201);
  return tf.sum(tf.mul(t, weights)) as Scalar;
}

/** Inputs with more values per sample than this are not charted. */
const CHART_LIMIT = 65_536;

/**
 * Which runs also chart with gradients (a backward pass costs several forward ones): the 1st, 11th,
 * 21st... evaluation of the property, counted per check, so a seed replays the same charts.
 */
export function chartEvery(n = 10): () => boolean {
  let count = 0;
  return () => count++ % n === 0;
}
