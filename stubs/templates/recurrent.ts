// Part of scaffold-mini's stub runtime: the `recurrent` template.
// features F -> k (fixed) -> a k-unit LSTM / GRU / SimpleRNN (optionally bidirectional, concat) with
// the original's returnSequences and goBackwards, consuming the received mask like the original
// -> k (or 2k) -> output width (fixed). With initialState the states given after the sequence are
// projected to k and start the core; with returnState its final states are projected back to the
// original's units and follow the output. The recurrence is the fused one of ./fused-rnn.ts (tfjs's
// RNN semantics at a fraction of the kernels); its weights are seeded glorotUniform (never
// orthogonal), in a layer of their own.
import type * as tfjs from '@tensorflow/tfjs';
import { ExtraInputs, asFloat, deriveSeed, fixedProjection, projectLastAxis } from '../projection.js';
import { fixedDim, formatShape, stubError } from '../shapes.js';
import type { StubShape, StubSpec } from '../spec.js';
import type { BuildContext, Core, Template } from './types.js';
import { jsRnn, jsRnnWithState } from './js-rnn.js';
import { extraWidths } from './common.js';
import { RNN_GATES, rnnWeightsLayer } from './fused-rnn.js';

type RecurrentFacts = NonNullable<StubSpec['recurrent']>;

/** How many states the cell has: h, and c for an LSTM. */
function stateCount(facts: RecurrentFacts): number {
  return facts.cell === 'lstm' ? 2 : 1;
}

/** The sequence input and main output, the state inputs and outputs, and the extra inputs. */
function parts(spec: StubSpec): { input: StubShape; output: StubShape; states: StubShape[]; extras: StubShape[] } {
  const facts = recurrentFacts(spec);
  const [input, ...rest] = spec.inputShapes;
  const [output, ...stateOutputs] = spec.outputShapes;
  if (!input || !output) throw stubError(spec, 'needs at least one input shape and one output shape');
  const n = stateCount(facts);
  if (stateOutputs.length !== (facts.returnState ? n : 0)) {
    throw stubError(spec, `returnState is ${facts.returnState === true}, so it produces ${facts.returnState ? 1 + n : 1} output(s); the original has ${spec.outputShapes.length}`);
  }
  const states = facts.initialState ? rest.slice(0, n) : [];
  if (facts.initialState && states.length !== n) throw stubError(spec, `initialState needs ${n} state input(s) after the sequence`);
  if ((facts.initialState || facts.returnState) && facts.bidirectional) throw stubError(spec, 'states of a bidirectional layer are not supported');
  return { input, output, states: [...states, ...stateOutputs], extras: rest.slice(states.length) };
}

/** The spec's recurrent facts, or those implied by the output rank (an LSTM) when absent. */
function recurrentFacts(spec: StubSpec): RecurrentFacts {
  if (spec.recurrent) return spec.recurrent;
  const rank = spec.outputShapes[0]?.length ?? 2;
  return { cell: 'lstm', returnSequences: rank === 3, goBackwards: false, bidirectional: false };
}

export const recurrentTemplate: Template = {
  fusesActivation: true,
  validate(spec) {
    const { input, output, states } = parts(spec);
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
    for (const s of states) {
      if (s.length !== 2) throw stubError(spec, `a state is [batch, units]; got ${formatShape(s)}`);
      fixedDim(spec, s, 1, 'the units of a state');
    }
    extraWidths({ ...spec, inputShapes: [input, ...parts(spec).extras] });
  },

  outputShapes(spec, inputShapes) {
    const output = spec.outputShapes[0] ?? [];
    const input = inputShapes[0] ?? [];
    const states = spec.outputShapes.slice(1).map((st) => [null, st[1] ?? null]);
    if (output.length === 3) return [[null, output[1] ?? input[1] ?? null, output[2] ?? null], ...states];
    return [[null, output[1] ?? null], ...states];
  },

  params(spec, k) {
    const facts = recurrentFacts(spec);
    return RNN_GATES[facts.cell] * (2 * k * k + k) * (facts.bidirectional ? 2 : 1);
  },

  create(ctx: BuildContext): Core {
    const { tf, spec, k } = ctx;
    const facts = recurrentFacts(spec);
    const { input, output, extras: extraShapes } = parts(spec);
    const features = fixedDim(spec, input, 2, 'the feature (last input) axis');
    const width = fixedDim(spec, output, output.length - 1, 'the last output axis');
    const inner = facts.bidirectional ? 2 * k : k;
    const reduce = fixedProjection(tf, features, k, deriveSeed(spec.seed, 1));
    const expand = fixedProjection(tf, inner, width, deriveSeed(spec.seed, 2), spec.gain?.[0]);
    const n = stateCount(facts);
    const stateIn = facts.initialState
      ? spec.inputShapes.slice(1, 1 + n).map((st, i) => fixedProjection(tf, st[1] ?? 1, k, deriveSeed(spec.seed, 20 + i)))
      : [];
    const stateOut = facts.returnState
      ? spec.outputShapes.slice(1).map((st, i) => fixedProjection(tf, k, st[1] ?? 1, deriveSeed(spec.seed, 30 + i)))
      : [];
    const extras = new ExtraInputs(tf, extraWidths({ ...spec, inputShapes: [input, ...extraShapes] }), k, spec.seed);
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
    const split = (inputs: tfjs.Tensor[]) => {
      const [x, ...rest] = inputs;
      if (!x) throw stubError(spec, 'got no input');
      return { x, starts: rest.slice(0, stateIn.length), others: rest.slice(stateIn.length) };
    };
    return {
      layers: [weights],
      constants: [reduce, expand, ...stateIn, ...stateOut, ...extras.constants],
      forward(inputs: tfjs.Tensor[], mask: tfjs.Tensor | null) {
        const { x, starts, others } = split(inputs);
        const h = projectLastAxis(tf, asFloat(tf, x), reduce);
        // The recurrence as plain loops with its own backward pass (fusedRnn is the tf-op reference).
        if (!facts.initialState && !facts.returnState) {
          const y = jsRnn(tf, h, mask, weights.read(), facts);
          return [projectLastAxis(tf, addExtras(y, extras.term(others)), expand, ctx.activation)];
        }
        const initial = starts.map((st, i) => tf.matMul(asFloat(tf, st) as tfjs.Tensor2D, stateIn[i] as tfjs.Tensor2D));
        const run = jsRnnWithState(tf, h, mask, weights.read(), facts, initial);
        const main = projectLastAxis(tf, addExtras(run.output, extras.term(others)), expand, ctx.activation);
        const states = stateOut.map((m, i) => tf.matMul(run.states[i] as tfjs.Tensor2D, m));
        return [main, ...states];
      },
      steps(inputs: tfjs.Tensor[], mask: tfjs.Tensor | null) {
        const { x, starts } = split(inputs);
        const h = projectLastAxis(tf, asFloat(tf, x), reduce);
        const initial = starts.map((st, i) => tf.matMul(asFloat(tf, st) as tfjs.Tensor2D, stateIn[i] as tfjs.Tensor2D));
        return jsRnnWithState(tf, h, mask, weights.read(), { ...facts, returnSequences: true }, initial).output;
      },
    };
  },
};
