/**
 * What a watch session keeps from one run for the next, in the same process. Each stage keeps its
 * own part and alone knows what is in it (model/ holds no stage's types).
 */
export interface Session {
  /** The check stage's: the last run's base passes and what its stubs compute (checks/harness/carry.ts). */
  checks?: unknown;
  /** The emit stage's: its worker, kept between runs with ts-morph loaded and the type checker warm. */
  emit?: unknown;
}
