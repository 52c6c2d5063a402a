// Part of scaffold-mini's stub runtime: the `recurrent` template.
// features F -> k (fixed) -> a k-unit LSTM / GRU / SimpleRNN (optionally bidirectional, concat) with
// the original's returnSequences and goBackwards, consuming the received mask like the original
// -> k (or 2k) -> output width (fixed). The recurrence is the fused one of ./fused-rnn.ts (tfjs's
// RNN semantics at a fraction of the kernels); its weights are seeded glorotUniform (never
// orthogonal), in a layer of their own.
import type * as tfjs from '@tensorflow/tfjs';
import { ExtraInputs, asFloat, deriveSeed, fixedProjection, projectLastAxis } from '../projection.js';
import { fixedDim, formatShape, stubError } from '../shapes.js';
import type { StubSpec } from '../spec.js';
import type { BuildContext, Core, Template } from './types.js';
import { jsRnn } from './js-rnn.js';
import { extraWidths, requireOneOutput } from './common.js';
import { RNN_GATES, rnnWeightsLayer } from './fused-rnn.js';

type RecurrentFacts = NonNullable<StubSpec['recurrent']>;

/** The spec's recurrent facts, or those implied by the output rank (an LSTM) when absent. */
function recurrentFacts(spec: StubSpec): RecurrentFacts {
  if (spec.recurrent) return spec.recurrent;
  const rank = spec.outputShapes[0]?.length ?? 2;
  return { cell: 'lstm', returnSequences: rank === 3, goBackwards: false, bidirectional: false };
}

export const recurrentTemplate: Template = {
  fusesActivation: true,
  validate(spec) {
    const { input, output } = requireOneOutput(spec);
    const facts = recurrentFacts(spec);
    if (input.length !== 3) throw stubError(spec, `takes [batch, steps, features]; got ${formatShape(input)}`);
    if (!(facts.cell in RNN_GATES)) throw stubError(spec, `unknown recurrent cell '${String(facts.cell)}' (lstm, gru, simpleRNN)`);
    const rank = facts.returnSequences ? 3 : 2;
    if (output.length !== rank) {
      throw stubError(
        spec,
        `returnSequences is ${facts.returnSequences}, so the output must have rank ${rank}; got ${formatShape(output)}`,
      );
    }
    fixedDim(spec, input, 2, 'the feature (last input) axis');
    fixedDim(spec, output, rank - 1, 'the last output axis');
    extraWidths(spec);
  },

  outputShapes(spec, inputShapes) {
    const output = spec.outputShapes[0] ?? [];
    const input = inputShapes[0] ?? [];
    if (output.length === 3) return [[null, output[1] ?? input[1] ?? null, output[2] ?? null]];
    return [[null, output[1] ?? null]];
  },

  params(spec, k) {
    const facts = recurrentFacts(spec);
    return RNN_GATES[facts.cell] * (2 * k * k + k) * (facts.bidirectional ? 2 : 1);
  },

  create(ctx: BuildContext): Core {
    const { tf, spec, k } = ctx;
    const facts = recurrentFacts(spec);
    const input = spec.inputShapes[0] ?? [];
    const output = spec.outputShapes[0] ?? [];
    const features = fixedDim(spec, input, 2, 'the feature (last input) axis');
    const width = fixedDim(spec, output, output.length - 1, 'the last output axis');
    const inner = facts.bidirectional ? 2 * k : k;
    const reduce = fixedProjection(tf, features, k, deriveSeed(spec.seed, 1));
    const expand = fixedProjection(tf, inner, width, deriveSeed(spec.seed, 2));
    const extras = new ExtraInputs(tf, extraWidths(spec), k, spec.seed);
    const weights = rnnWeightsLayer(tf, {
      name: `${ctx.prefix}_rnn`,
      cell: facts.cell,
      units: k,
      features: k,
      bidirectional: facts.bidirectional,
      // The forward run keeps the seeds the tfjs layer had; the backward run gets its own.
      seeds: [
        [ctx.seed(3), ctx.seed(4)],
        [ctx.seed(5), ctx.seed(6)],
      ],
    });
    const mixWidth = facts.bidirectional ? k : 0;
    // Bidirectional outputs 2k wide; the extra-inputs term (k wide) is added to both halves.
    const addExtras = (h: tfjs.Tensor, term: tfjs.Tensor2D | null): tfjs.Tensor =>
      term && mixWidth ? extras.addTo(h, tf.concat([term, term], 1)) : extras.addTo(h, term);
    return {
      layers: [weights],
      constants: [reduce, expand, ...extras.constants],
      forward(inputs: tfjs.Tensor[], mask: tfjs.Tensor | null) {
        const [x, ...rest] = inputs;
        if (!x) throw stubError(spec, 'got no input');
        const h = projectLastAxis(tf, asFloat(tf, x), reduce);
        // The recurrence as plain loops with its own backward pass (fusedRnn is the tf-op reference).
        const y = jsRnn(tf, h, mask, weights.read(), facts);
        return [projectLastAxis(tf, addExtras(y, extras.term(rest)), expand, ctx.activation)];
      },
      steps(inputs: tfjs.Tensor[], mask: tfjs.Tensor | null) {
        const [x] = inputs;
        if (!x) throw stubError(spec, 'got no input');
        return jsRnn(tf, projectLastAxis(tf, asFloat(tf, x), reduce), mask, weights.read(), { ...facts, returnSequences: true });
      },
    };
  },
};
