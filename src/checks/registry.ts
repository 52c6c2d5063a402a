import type { CheckId } from '../model/check-id.js';
import { activationHealth } from './activation-health.js';
import { backendParity } from './backend-parity.js';
import { batchIndependence } from './batch-independence.js';
import { causality } from './causality.js';
import type { Check } from './check.js';
import { determinism } from './determinism.js';
import { dtype } from './dtype.js';
import { environment } from './environment.js';
import { finite } from './finite.js';
import { gradientFlow } from './gradient-flow.js';
import { initialLoss } from './initial-loss.js';
import { inputRelevance } from './input-relevance.js';
import { maskProvenance } from './mask-provenance.js';
import { masking } from './masking.js';
import { outputActivation } from './output-activation.js';
import { overfit } from './overfit.js';
import { sequenceStates } from './sequence-states.js';
import { serialization } from './serialization.js';
import { shape } from './shape.js';
import { tensorLeak } from './tensor-leak.js';

/** Every check by its id (model/check-id.ts lists the ids and the order a run takes them in). */
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
  'tensor-leak': tensorLeak,
  serialization,
  'backend-parity': backendParity,
} as const satisfies Record<CheckId, Check>;
