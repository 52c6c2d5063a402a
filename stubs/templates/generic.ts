// Part of scaffold-mini's stub runtime: the `generic` template (any shapes, any number of inputs/outputs).
// each input: mean over the non-batch axes but the last, last axis -> k (fixed); concat ->
// trainable dense (k * inputs -> k) -> per output: k -> its fixed element count (fixed), reshape;
// a free non-batch output axis takes the size of the same axis of input 0 (tiled along it).
import type * as tfjs from '@tensorflow/tfjs';
import { deriveSeed, fixedProjection, lastWidth, summarize } from '../projection.js';
import { fixedProduct, formatShape, stubError } from '../shapes.js';
import type { StubShape } from '../spec.js';
import type { BuildContext, Core, Template } from './types.js';

/** Above this many elements per sample, an output is expanded on its last axis only and tiled. */
const FULL_EXPANSION_LIMIT = 1 << 18;

function resolve(output: StubShape, input0: readonly (number | null)[]): StubShape {
  return output.map((d, a) => (a === 0 ? null : (d ?? input0[a] ?? null)));
}

/** Repeats the size-1 axes of `t` up to `target` (a concrete shape). */
function tileTo(tf: BuildContext['tf'], t: tfjs.Tensor, target: number[]): tfjs.Tensor {
  const reps = target.map((n, a) => (t.shape[a] === n ? 1 : n));
  return reps.every((r) => r === 1) ? t : tf.tile(t, reps);
}

export const genericTemplate: Template = {
  validate(spec) {
    const input0 = spec.inputShapes[0];
    if (!input0 || spec.outputShapes.length === 0) throw stubError(spec, 'needs at least one input shape and one output shape');
    spec.inputShapes.forEach((s, i) => {
      if (s.length < 1 || lastWidth(s) === null) {
        throw stubError(spec, `input ${i} ${formatShape(s)} needs a batch axis and a fixed last axis`);
      }
    });
    spec.outputShapes.forEach((s, j) => {
      if (s.length < 1) throw stubError(spec, `output ${j} has no batch axis`);
      s.forEach((d, a) => {
        if (a > 0 && d === null && input0.length <= a) {
          throw stubError(
            spec,
            `output ${j} ${formatShape(s)} has a free axis ${a}, but input 0 ${formatShape(input0)} has no axis ${a} to take its size from`,
          );
        }
      });
    });
  },

  outputShapes(spec, inputShapes) {
    const input0 = inputShapes[0] ?? [];
    return spec.outputShapes.map((s) => resolve(s, input0));
  },

  params(spec, k) {
    return spec.inputShapes.length * k * k + k;
  },

  create(ctx: BuildContext): Core {
    const { tf, spec, k } = ctx;
    const reduces = spec.inputShapes.map((s, i) => fixedProjection(tf, lastWidth(s) ?? 1, k, deriveSeed(spec.seed, 10 + i)));
    const plans = spec.outputShapes.map((s, j) => {
      const full = fixedProduct(s) <= FULL_EXPANSION_LIMIT;
      const last = s.length > 1 ? (s[s.length - 1] ?? 1) : 1;
      const size = full ? fixedProduct(s) : last;
      // The expanded block before tiling: fixed axes kept (all but the last when not full), free ones 1.
      const block = s.slice(1).map((d, i) => (d === null || (!full && i < s.length - 2) ? 1 : d));
      return { block, expand: fixedProjection(tf, k, size, deriveSeed(spec.seed, 1000 + j), spec.gain?.[j]) };
    });
    const core = tf.layers.dense({
      units: k,
      name: `${ctx.prefix}_core`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed(3) }),
      // A seeded bias: with none, the core's output is proportional to its input, and a normalisation after the stub would make every sample alike.
      biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: ctx.seed(4) }),
    });
    core.build([null, k * spec.inputShapes.length]);
    core.built = true;
    return {
      layers: [core],
      constants: [...reduces, ...plans.map((p) => p.expand)],
      forward(inputs: tfjs.Tensor[]) {
        const x0 = inputs[0];
        if (!x0) throw stubError(spec, 'got no input');
        const parts = inputs.map((x, i) => {
          const matrix = reduces[i];
          if (!matrix) throw stubError(spec, `got ${inputs.length} inputs, expected ${reduces.length}`);
          return summarize(tf, x, matrix);
        });
        const z = core.apply(parts.length === 1 ? (parts[0] as tfjs.Tensor) : tf.concat(parts, 1)) as tfjs.Tensor2D;
        const batch = x0.shape[0] ?? 1;
        return plans.map((plan, j) => {
          const target = resolve(spec.outputShapes[j] ?? [], x0.shape).map((d, a) => (a === 0 ? batch : (d ?? 1)));
          const y = tf.reshape(tf.matMul(z, plan.expand), [batch, ...plan.block]);
          return tileTo(tf, y, target);
        });
      },
    };
  },
};
