import type { Tf } from './tf-instance.js';

interface EngineState {
  gradientDepth: number;
  activeTape: { saved?: { dispose(): void }[] }[] | null;
}

/**
 * Runs a gradient computation (`tf.grad`, `tf.variableGrads`, `optimizer.minimize`). When it
 * throws (a kernel on the way has no gradient), the tensors the tape saved for the backward pass
 * are disposed: tfjs 4.22's engine frees them only after a backward pass that succeeds, and keeps
 * them out of every scope, so each failed attempt would leave them behind.
 */
export function freeingTapeOnError<T>(tf: Tf, work: () => T): T {
  try {
    return work();
  } catch (e) {
    const state = (tf.engine() as unknown as { state: EngineState }).state;
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
      state.activeTape = null;
    }
    throw e;
  }
}
