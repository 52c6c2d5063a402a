/** Every check of the contract (section 5), in the order a run takes them. */
export const CHECK_IDS = [
  'shape',
  'dtype',
  'finite',
  'determinism',
  'batch-independence',
  'masking',
  'mask-provenance',
  'input-relevance',
  'causality',
  'gradient-flow',
  'output-activation',
  'initial-loss',
  'sequence-states',
  'activation-health',
  'overfit',
  'environment',
  'tensor-leak',
  'serialization',
  'backend-parity',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * The checks a run takes first: every boundary's shape, dtype and finiteness on fake data, the
 * premises of all the others. Watch mode prints their verdict as soon as they are done.
 */
export const FIRST_CHECKS: readonly CheckId[] = ['shape', 'dtype', 'finite'];

export function isCheckId(id: string): id is CheckId {
  return (CHECK_IDS as readonly string[]).includes(id);
}
