// Part of scaffold-mini's stub runtime: the `embedding` template.
// ids -> int32 -> ids mod m -> trainable embedding(m, k), plus a fixed code of the id itself (so
// that two ids never share a vector, as in the real table) -> k -> output dim (fixed).
import type * as tfjs from '@tensorflow/tfjs';
import { ExtraInputs, deriveSeed, fixedProjection, projectLastAxis } from '../projection.js';
import { fixedDim, formatShape, stubError } from '../shapes.js';
import type { StubSpec } from '../spec.js';
import type { BuildContext, Core, Template } from './types.js';
import { extraWidths, requireOneOutput } from './common.js';

/** Rows of the stub's table without a budget. */
const NATURAL_ROWS = 64;

/** Rows m of the stub's table: <= inputDim, >= 2, and m * k <= 1% of the original when known. */
function embeddingRows(spec: StubSpec, k: number): number {
  const inputDim = spec.embedding?.inputDim ?? NATURAL_ROWS;
  let m = Math.min(NATURAL_ROWS, inputDim);
  if (spec.originalParams !== undefined) m = Math.min(m, Math.floor((0.01 * spec.originalParams) / k));
  return Math.max(2, Math.min(m, Math.max(2, inputDim)));
}

/**
 * A fixed code per id: k values in [-0.5, 0.5] from a hash of the id and the seed. Rows of the
 * table repeat every m ids; the codes do not, so distinct ids give distinct vectors.
 */
function idCodes(tf: BuildContext['tf'], ids: tfjs.Tensor, k: number, seed: number): tfjs.Tensor {
  const values = ids.dataSync();
  const codes = new Float32Array(values.length * k);
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < k; j++) {
      let h = (Math.imul((values[i] as number) + 1, 0x9e3779b1) ^ Math.imul(seed + j + 1, 0x85ebca6b)) >>> 0;
      h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
      h = (h ^ (h >>> 15)) >>> 0;
      codes[i * k + j] = h / 4294967296 - 0.5;
    }
  }
  return tf.tensor(codes, [...ids.shape, k], 'float32');
}

export const embeddingTemplate: Template = {
  fusesActivation: true,
  validate(spec) {
    const { input, output } = requireOneOutput(spec);
    if (input.length < 1 || output.length !== input.length + 1) {
      throw stubError(spec, `maps ids ${formatShape(input)} to vectors, so the output must have one more axis; got ${formatShape(output)}`);
    }
    fixedDim(spec, output, output.length - 1, 'the embedding (last output) axis');
    const inputDim = spec.embedding?.inputDim;
    if (inputDim !== undefined && !(inputDim >= 1)) throw stubError(spec, `embedding.inputDim must be >= 1, got ${inputDim}`);
    extraWidths(spec);
  },

  outputShapes(spec, inputShapes) {
    const output = spec.outputShapes[0] ?? [];
    const input = inputShapes[0] ?? [];
    return [output.map((d, a) => (a < output.length - 1 ? (d ?? input[a] ?? null) : d))];
  },

  params(spec, k) {
    return embeddingRows(spec, k) * k;
  },

  create(ctx: BuildContext): Core {
    const { tf, spec, k } = ctx;
    const output = spec.outputShapes[0] ?? [];
    const width = fixedDim(spec, output, output.length - 1, 'the embedding (last output) axis');
    const rows = embeddingRows(spec, k);
    const expand = fixedProjection(tf, k, width, deriveSeed(spec.seed, 2), spec.gain?.[0]);
    const extras = new ExtraInputs(tf, extraWidths(spec), k, spec.seed);
    const table = tf.layers.embedding({
      inputDim: rows,
      outputDim: k,
      name: `${ctx.prefix}_table`,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: ctx.seed(3) }),
    });
    table.build([null, null]);
    table.built = true;
    return {
      layers: [table],
      constants: [expand, ...extras.constants],
      forward(inputs: tfjs.Tensor[]) {
        const [x, ...rest] = inputs;
        if (!x) throw stubError(spec, 'got no input');
        const whole = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
        const ids = tf.mod(whole, tf.scalar(rows, 'int32'));
        const flat = table.apply(tf.reshape(ids, [-1, 1])) as tfjs.Tensor;
        const h = tf.add(tf.reshape(flat, [...x.shape, k]), idCodes(tf, whole, k, spec.seed));
        return [projectLastAxis(tf, extras.addTo(h, extras.term(rest)), expand, ctx.activation)];
      },
    };
  },
};
