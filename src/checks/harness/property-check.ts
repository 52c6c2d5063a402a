import { placeText, type Place } from '../../model/place.js';
import type { Finding, Severity } from '../../model/report.js';
import type { CheckContext, CheckOutcome } from '../check.js';
import { describeSample } from './fake-inputs.js';
import type { Sample } from '../../model/sample.js';
import { sampleKey } from './observe.js';
import { checkProperty } from './property.js';

/** What a property found wrong on one sample. */
export interface Violation {
  /** The boundary, layer, input or output where it shows; a text for a place outside the graph (`backward pass`). */
  place: Place | string;
  message: string;
  /** The layer whose `.apply` line the finding points at. */
  blame?: string;
  detail?: Record<string, unknown>;
  severity?: Severity;
}

/**
 * Runs one fast-check property over the sample space (with shrinking) and turns its minimal
 * counterexample into a finding. `violation` returns null when the sample is fine.
 */
export function propertyCheck(
  ctx: CheckContext,
  check: string,
  violation: (sample: Sample) => Violation | null,
  options: { filter?: (sample: Sample) => boolean } = {},
): CheckOutcome {
  const failures = new Map<string, Violation>();
  const arbitrary = options.filter ? ctx.space.arbitrary.filter(options.filter) : ctx.space.arbitrary;
  const result = checkProperty(
    arbitrary,
    (sample) => {
      const v = violation(sample);
      if (v) failures.set(sampleKey(sample), v);
      return v?.message ?? null;
    },
    { seed: ctx.seed, runs: ctx.runs },
  );
  const v = result.failure ? failures.get(sampleKey(result.failure.counterexample)) : undefined;
  if (!result.failure || !v) return { status: 'pass', runs: result.runs, findings: [] };
  const place = typeof v.place === 'string' ? null : v.place;
  const blame = v.blame ?? (place === null ? undefined : place.kind === 'boundary' ? place.to : place.name);
  const source = blame === undefined ? undefined : ctx.sourceOf(blame);
  const finding: Finding = {
    check,
    severity: v.severity ?? 'error',
    where: place === null ? (v.place as string) : placeText(place),
    ...(place === null ? {} : { place }),
    ...(source ? { source } : {}),
    message: v.message,
    counterexample: { ...describeSample(ctx.space, result.failure.counterexample), ...v.detail },
    seed: result.failure.seed,
    path: result.failure.path,
  };
  return { status: finding.severity === 'error' ? 'fail' : 'pass', runs: result.runs, findings: [finding] };
}
