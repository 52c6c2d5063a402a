// The catalogue of bug operators: one per real bug class, with the check that must find it and the
// effect the real model shows (truth.ts measures it; an injected bug the real model does not show is
// dropped from the recall count).
import type { BugId, Operator } from './case.js';

export const OPERATORS: Record<BugId, Operator> = {
  'no-mask-zero': { id: 'no-mask-zero', check: 'masking', severity: 'error', truth: 'padding', describe: 'Embedding without maskZero on 0-padded ids' },
  'pool-over-mask': {
    id: 'pool-over-mask',
    check: 'masking',
    severity: 'error',
    truth: 'padding',
    describe: 'global average pooling over masked steps (it ignores the mask)',
  },
  'softmax-one-unit': { id: 'softmax-one-unit', check: 'output-activation', severity: 'error', truth: 'output-activation', describe: 'softmax over a single unit' },
  'sigmoid-categorical': {
    id: 'sigmoid-categorical',
    check: 'output-activation',
    severity: 'error',
    truth: 'output-activation',
    describe: 'sigmoid output compiled with categorical cross-entropy',
  },
  'logits-probability-loss': {
    id: 'logits-probability-loss',
    check: 'output-activation',
    severity: 'error',
    truth: 'output-activation',
    describe: 'a linear output (logits) into a loss that expects probabilities',
  },
  'freeze-everything': {
    id: 'freeze-everything',
    check: 'gradient-flow',
    severity: 'error',
    truth: 'nothing-trainable',
    describe: 'a freezing loop that freezes every layer, the new head included',
  },
  'dead-relu-gate': { id: 'dead-relu-gate', check: 'activation-health', severity: 'warning', truth: 'dead-units', describe: 'a ReLU gate with a strongly negative bias' },
  'huge-output-init': {
    id: 'huge-output-init',
    check: 'initial-loss',
    severity: 'warning',
    truth: 'initial-loss',
    describe: 'an output layer initialised with randomNormal stddev 1 (saturated from the start)',
  },
  'dead-branch': { id: 'dead-branch', check: 'input-relevance', severity: 'error', truth: 'input-irrelevant', describe: 'an input whose branch never reaches an output' },
  'same-image-twice': {
    id: 'same-image-twice',
    check: 'input-relevance',
    severity: 'error',
    truth: 'input-irrelevant',
    describe: 'a siamese encoder applied to the first image twice',
  },
  'batch-stat-norm': {
    id: 'batch-stat-norm',
    check: 'batch-independence',
    severity: 'error',
    truth: 'batch',
    describe: 'a normalisation with batch statistics at inference',
  },
  'noise-at-inference': {
    id: 'noise-at-inference',
    check: 'determinism',
    severity: 'error',
    truth: 'determinism',
    describe: "a sampling layer that draws noise at inference too (ignores `training`)",
  },
  'dropout-at-inference': {
    id: 'dropout-at-inference',
    check: 'determinism',
    severity: 'error',
    truth: 'determinism',
    describe: 'dropout applied whatever `training` says',
  },
  'stop-gradient': { id: 'stop-gradient', check: 'gradient-flow', severity: 'error', truth: 'gradient', describe: 'a custom gradient that blocks the gradient' },
  'decoder-sees-future': {
    id: 'decoder-sees-future',
    check: 'causality',
    severity: 'error',
    truth: 'future',
    describe: 'a decoder over its causal input that reads later steps (bidirectional)',
  },
  'log-without-epsilon': { id: 'log-without-epsilon', check: 'finite', severity: 'error', truth: 'non-finite', describe: 'log of a value that can be 0, without an epsilon' },
  'unfold-mixes-batch': {
    id: 'unfold-mixes-batch',
    check: 'batch-independence',
    severity: 'error',
    truth: 'batch',
    describe: 'time folded into the batch (B*T) and unfolded in the wrong order',
  },
};
