import type { CheckStatus } from './report.js';

/** Progress events, for reporters that show the run as it goes. */
export type Progress =
  | { phase: 'load' | 'probe' | 'twin' | 'emit'; ms: number }
  | { phase: 'check-start'; id: string; index: number; total: number }
  | { phase: 'check'; id: string; status: CheckStatus; ms: number; index: number; total: number };

/** A phase of the run that executes the user's code (the watchdog names it when it hangs). */
export type UserPhase = 'import' | 'factory' | 'probe' | 'twin' | 'checks';

export interface RunHooks {
  onProgress?: (event: Progress) => void;
  /** The files the run loaded: the composite and the user's files it imports (watch mode). */
  onFiles?: (files: string[]) => void;
  /** A phase begins ('import' and 'factory' run the user's module; 'checks' the twin's checks). */
  onPhaseStart?: (phase: UserPhase) => void;
}
