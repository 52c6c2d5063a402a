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
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export function isCheckId(id: string): id is CheckId {
  return (CHECK_IDS as readonly string[]).includes(id);
}
