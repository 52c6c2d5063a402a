// Part of scaffold-mini's stub runtime: the `conv` template (2-D images or 1-D sequences, channels last).
// average pool by the spatial ratio (so every pixel reaches the output) -> channels C -> k (fixed)
// -> trainable conv (kernel 2x2, or 2 for 1-D, k filters, 'same') -> exact output size (bilinear
// resize when integer strides cannot hit it, see fastResize) -> k -> output channels (fixed).
// An output without spatial axes ([batch, channels]) takes the spatial mean instead of the resize.
import type * as tfjs from '@tensorflow/tfjs';
import { ExtraInputs, asFloat, deriveSeed, fixedProjection, projectLastAxis } from '../projection.js';
import { fastResize, poolProject } from '../fast-ops.js';
import { fixedDim, formatShape, perAxis, stridedSize, stubError } from '../shapes.js';
import type { StubShape, StubSpec } from '../spec.js';
import type { BuildContext, Core, Template } from './types.js';
import { extraWidths, requireOneOutput } from './common.js';

/** Output size of spatial axis `i` for an input size `n` (null when unknown). */
function spatialOut(spec: StubSpec, i: number, n: number | null, declared: number | null): number | null {
  if (declared !== null) return declared;
  if (n === null) return null;
  const conv = spec.conv;
  if (!conv) throw stubError(spec, 'the output has free spatial dims but spec.conv (strides, padding) is missing');
  const stride = perAxis(conv.strides, i, 1);
  const size = stridedSize(n, stride, conv.padding, perAxis(conv.kernel, i, stride));
  if (size < 1) throw stubError(spec, `an input of size ${n} on spatial axis ${i} is too small for the original (output ${size})`);
  return size;
}

/** The pooling stride per spatial axis, from the spec alone (so a symbolic and an eager build agree). */
function poolStrides(spec: StubSpec, input: StubShape, output: StubShape, spatial: number): number[] {
  const strides: number[] = [];
  for (let i = 0; i < spatial; i++) {
    const n = input[1 + i] ?? null;
    const o = output.length > 2 ? (output[1 + i] ?? null) : 1;
    if (n !== null && o !== null) strides.push(Math.max(1, Math.ceil(n / o)));
    else strides.push(Math.max(1, perAxis(spec.conv?.strides, i, 1)));
  }
  return strides;
}

export const convTemplate: Template = {
  fusesActivation: true,
  validate(spec) {
    const { input, output } = requireOneOutput(spec);
    if (input.length !== 3 && input.length !== 4) {
      throw stubError(spec, `takes [batch, steps, channels] or [batch, height, width, channels]; got ${formatShape(input)}`);
    }
    if (output.length !== input.length && output.length !== 2) {
      throw stubError(spec, `cannot map ${formatShape(input)} to ${formatShape(output)}: the output must keep the input's rank or be [batch, channels]`);
    }
    fixedDim(spec, input, input.length - 1, 'the channel (last input) axis');
    fixedDim(spec, output, output.length - 1, 'the channel (last output) axis');
    if (output.length > 2) {
      output.slice(1, -1).forEach((d, i) => {
        if (d === null && !spec.conv) {
          throw stubError(spec, `output spatial axis ${i} is free but spec.conv (strides, padding) is missing`);
        }
      });
    }
    extraWidths(spec);
  },

  outputShapes(spec, inputShapes) {
    const output = spec.outputShapes[0] ?? [];
    const input = inputShapes[0] ?? [];
    if (output.length === 2) return [[null, output[1] ?? null]];
    return [output.map((d, a) => (a === 0 || a === output.length - 1 ? d : spatialOut(spec, a - 1, input[a] ?? null, d)))];
  },

  params(spec, k) {
    const oneD = (spec.inputShapes[0]?.length ?? 4) === 3;
    return (spec.window === 'point' ? 1 : oneD ? 2 : 4) * k * k + k;
  },

  create(ctx: BuildContext): Core {
    const { tf, spec, k } = ctx;
    const input = spec.inputShapes[0] ?? [];
    const output = spec.outputShapes[0] ?? [];
    const oneD = input.length === 3;
    const spatial = input.length - 2;
    const channels = fixedDim(spec, input, input.length - 1, 'the channel (last input) axis');
    const outChannels = fixedDim(spec, output, output.length - 1, 'the channel (last output) axis');
    const strides = poolStrides(spec, input, output, spatial);
    const pool: [number, number] = [strides[0] ?? 1, oneD ? 1 : (strides[1] ?? 1)];
    const reduce = fixedProjection(tf, channels, k, deriveSeed(spec.seed, 1));
    const expand = fixedProjection(tf, k, outChannels, deriveSeed(spec.seed, 2), spec.gain?.[0]);
    const extras = new ExtraInputs(tf, extraWidths(spec), k, spec.seed);
    // The core reads no wider than the original: a point-wise original gets a 1x1 core, a causal
    // one a core over this step and the one before (the input padded by one step in front).
    const causal = spec.window === 'causal' && oneD;
    const core = tf.layers.conv2d({
      filters: k,
      kernelSize: spec.window === 'point' ? [1, 1] : oneD ? [2, 1] : [2, 2],
      strides: 1,
      padding: causal ? 'valid' : 'same',
      name: `${ctx.prefix}_core`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.seed(3) }),
      // A seeded bias: with none, the core's output is proportional to its input, and a normalisation after the stub would make every sample alike.
      biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: ctx.seed(4) }),
    });
    core.build([null, null, null, k]);
    core.built = true;
    return {
      layers: [core],
      constants: [reduce, expand, ...extras.constants],
      forward(inputs: tfjs.Tensor[]) {
        const [x, ...rest] = inputs;
        if (!x) throw stubError(spec, 'got no input');
        const target = convTemplate.outputShapes(spec, inputs.map((t) => t.shape))[0] ?? [];
        const image = oneD ? tf.expandDims(asFloat(tf, x), 2) : asFloat(tf, x);
        // Pooling and the channel projection commute: one fused pass over the pixels.
        let h = (pool[0] > 1 || pool[1] > 1 ? poolProject(tf, image as tfjs.Tensor4D, pool, reduce) : projectLastAxis(tf, image, reduce)) as tfjs.Tensor4D;
        if (causal) h = tf.pad(h, [[0, 0], [1, 0], [0, 0], [0, 0]]);
        h = core.apply(h) as tfjs.Tensor4D;
        let out: tfjs.Tensor;
        if (target.length === 2) {
          out = tf.mean(h, [1, 2]);
        } else {
          const size: [number, number] = [target[1] ?? 1, oneD ? 1 : (target[2] ?? 1)];
          if (h.shape[1] !== size[0] || h.shape[2] !== size[1]) h = fastResize(tf, h, size);
          out = oneD ? tf.squeeze(h, [2]) : h;
        }
        return [projectLastAxis(tf, extras.addTo(out, extras.term(rest)), expand, ctx.activation)];
      },
    };
  },
};
