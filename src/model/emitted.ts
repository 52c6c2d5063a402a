import type { Report } from './report.js';

/** A type error in the composite module itself (tsx runs it without checking types). */
export interface TypeErrorAt {
  line: number;
  message: string;
}

/** A file a stage asks the emit stage to write (generated files only: never the user's own). */
export interface OutputFile {
  path: string;
  contents: string;
}

/** The emit stage's output: the twin on disk, and how to write the rest once the report is known. */
export interface Emitted {
  twinFile: string;
  /** The twin on disk was already up to date (same fingerprint): nothing was rendered. */
  cached: boolean;
  /** Time the worker spent rendering and writing. */
  ms: number;
  mode: 'rewritten' | 'generated';
  notes: string[];
  typeErrors: TypeErrorAt[];
  /** Writes report.json, report.html, the emitted tests and the files the checks asked for. */
  write(report: Report, files: readonly OutputFile[]): Promise<void>;
}
