// Part of scaffold-mini's stub runtime: the `dense` template.
// last axis F -> k (fixed) -> trainable dense k -> k -> k -> units (fixed). Any rank >= 2.
import type * as tfjs from '@tensorflow/tfjs';
import { ExtraInputs, asFloat, deriveSeed, fixedProjection, projectLastAxis } from '../projection.js';
import { fixedDim, formatShape, stubError } from '../shapes.js';
import { extraWidths, requireOneOutput } from './common.js';
import type { BuildContext, Core, Template } from './types.js';

export const denseTemplate: Template = {
  fusesActivation: true,
  validate(spec) {
    const { input, output } = requireOneOutput(spec);
    if (input.length < 2 || output.length !== input.length) {
      throw stubError(
        spec,
        `maps the last axis of a rank >= 2 input and keeps the other axes; got ${formatShape(input)} -> ${formatShape(output)}`,
      );
    }
    fixedDim(spec, input, input.length - 1, 'the last input axis');
    fixedDim(spec, output, output.length - 1, 'the last output axis');
    extraWidths(spec);
  },

  outputShapes(spec, inputShapes) {
    const output = spec.outputShapes[0] ?? [];
    const input = inputShapes[0] ?? [];
    return [output.map((d, a) => (a < output.length - 1 ? (d ?? input[a] ?? null) : d))];
  },

  params(_spec, k) {
    return k * k + k;
  },

  create(ctx: BuildContext): Core {
    const { tf, spec, k } = ctx;
    const input = spec.inputShapes[0] ?? [];
    const output = spec.outputShapes[0] ?? [];
    const features = fixedDim(spec, input, input.length - 1, 'the last input axis');
    const units = fixedDim(spec, output, output.length - 1, 'the last output axis');
    const reduce = fixedProjection(tf, features, k, deriveSeed(spec.seed, 1));
    const expand = fixedProjection(tf, k, units, deriveSeed(spec.seed, 2), spec.gain?.[0]);
    const extras = new ExtraInputs(tf, extraWidths(spec), k, spec.seed);
    const core = tf.layers.dense({
      units: k,
      name: `${ctx.prefix}_core`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed(3) }),
      // A seeded bias: with none, the core's output is proportional to its input, and a normalisation after the stub would make every sample alike.
      biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: ctx.seed(4) }),
    });
    core.build([null, k]);
    core.built = true;
    return {
      layers: [core],
      constants: [reduce, expand, ...extras.constants],
      forward(inputs: tfjs.Tensor[]) {
        const [x, ...rest] = inputs;
        if (!x) throw stubError(spec, 'got no input');
        const h = projectLastAxis(tf, asFloat(tf, x), reduce);
        const lead = h.shape.slice(0, -1);
        const flat = core.apply(tf.reshape(h, [-1, k])) as tfjs.Tensor;
        const mixed = extras.addTo(tf.reshape(flat, [...lead, k]), extras.term(rest));
        return [projectLastAxis(tf, mixed, expand, ctx.activation)];
      },
    };
  },
};
