import type { Check } from './check.js';
import { dtype } from './dtype.js';
import { finite } from './finite.js';
import { masking } from './masking.js';
import { causality } from './causality.js';
import { gradientFlow } from './gradient-flow.js';
import { maskProvenance } from './mask-provenance.js';
import { batchIndependence } from './batch-independence.js';
import { determinism } from './determinism.js';
import { inputRelevance } from './input-relevance.js';
import { shape } from './shape.js';
import { outputActivation } from './output-activation.js';
import { initialLoss } from './initial-loss.js';
import { sequenceStates } from './sequence-states.js';
import { activationHealth } from './activation-health.js';
import { overfit } from './overfit.js';
import { environment } from './environment.js';

/** Every check the tool runs, in the order it runs them. */
export const CHECKS = {
  shape,
  dtype,
  finite,
  determinism,
  'batch-independence': batchIndependence,
  masking,
  'mask-provenance': maskProvenance,
  'input-relevance': inputRelevance,
  causality,
  'gradient-flow': gradientFlow,
  'output-activation': outputActivation,
  'initial-loss': initialLoss,
  'sequence-states': sequenceStates,
  'activation-health': activationHealth,
  overfit,
  environment,
} as const satisfies Record<string, Check>;
export type CheckId = keyof typeof CHECKS;
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

export function isCheckId(id: string): id is CheckId {
  return Object.prototype.hasOwnProperty.call(CHECKS, id);
}
