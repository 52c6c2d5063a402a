// What the oracle knows about one generated composite: its source, its inputs (how real data for it
// looks), the bug injected (if any) and where that bug lives.
import type { CheckId } from '../../src/model/check-id.js';

/** One model input, as real data for it looks. */
export interface OracleInput {
  name: string;
  /** Without the batch axis; null for a free length. */
  shape: (number | null)[];
  kind: 'ids' | 'float';
  /** ids: 1 .. vocab - 1 for real steps (0 is padding when padded). */
  vocab?: number;
  /** float: the range of real values. */
  range?: [number, number];
  /** A padded sequence input: the value of padded steps and the side padding goes. */
  pad?: { value: number; sides: ('post' | 'pre')[] };
  /** The output at step t must not depend on later steps of this input. */
  causal?: boolean;
}

export interface OracleCase {
  /** `family/bug#index`. */
  id: string;
  family: string;
  bug: BugId | null;
  source: string;
  inputs: OracleInput[];
  /** The layer, component or input the bug's finding must name (attribution). */
  culprit?: string;
  /** The compiled loss per output, as the truth computes it (absent: inferred from the activation). */
  losses?: string[];
}

/** The bug classes the oracle injects (see operators.ts). */
export type BugId =
  | 'no-mask-zero'
  | 'pool-over-mask'
  | 'softmax-one-unit'
  | 'sigmoid-categorical'
  | 'logits-probability-loss'
  | 'freeze-everything'
  | 'dead-relu-gate'
  | 'huge-output-init'
  | 'dead-branch'
  | 'same-image-twice'
  | 'batch-stat-norm'
  | 'noise-at-inference'
  | 'dropout-at-inference'
  | 'stop-gradient'
  | 'decoder-sees-future'
  | 'log-without-epsilon'
  | 'unfold-mixes-batch'
  | 'stale-mask-into-decoder'
  | 'config-not-saved'
  | 'einsum-op';

export interface Operator {
  id: BugId;
  /** The check that must find it. */
  check: CheckId;
  severity: 'error' | 'warning';
  /** How the real model shows it (truth.ts). */
  truth: Truth;
  describe: string;
}

export type Truth =
  | 'padding'
  | 'batch'
  | 'determinism'
  | 'gradient'
  | 'nothing-trainable'
  | 'output-activation'
  | 'initial-loss'
  | 'dead-units'
  | 'input-irrelevant'
  | 'future'
  | 'non-finite'
  | 'reload'
  | 'backend';
