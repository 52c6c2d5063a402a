import fc from 'fast-check';

export interface PropertyFailure<T> {
  counterexample: T;
  message: string;
  seed: number;
  path: string;
}

export interface PropertyResult<T> {
  runs: number;
  failure?: PropertyFailure<T>;
}

/**
 * Runs `predicate` as a fast-check property (with shrinking) and returns the result as data.
 * The predicate returns null when the property holds, or a message saying what broke.
 */
export function checkProperty<T>(
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => string | null,
  options: { seed: number; runs: number },
): PropertyResult<T> {
  const details = fc.check(
    fc.property(arbitrary, (value) => {
      const message = predicate(value);
      if (message !== null) throw new PropertyBroken(message);
    }),
    { seed: options.seed, numRuns: options.runs },
  );
  if (!details.failed || details.counterexample === null) return { runs: details.numRuns };
  const error = details.errorInstance;
  if (!(error instanceof PropertyBroken)) throw error;
  return {
    runs: details.numRuns,
    failure: {
      counterexample: details.counterexample[0],
      message: error.message,
      seed: details.seed,
      path: details.counterexamplePath ?? '',
    },
  };
}

class PropertyBroken extends Error {}
