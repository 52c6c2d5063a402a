import { relative } from 'node:path';
import type { SourceLocation } from './model/source.js';

/** Every way the input or the arguments can be unusable (exit code 2). */
export const ERROR_CODES = [
  'E_ARGS',
  'E_FILE_MISSING',
  'E_FILE_KIND',
  'E_SYNTAX',
  'E_IMPORT',
  'E_NO_EXPORT',
  'E_EXPORT_KIND',
  'E_FACTORY_THROWS',
  'E_NOT_A_MODEL',
  'E_TIMEOUT',
  'E_UNSTUBBABLE',
  'E_WOULD_OVERWRITE',
  'E_BACKEND',
  'E_WRITE',
  'E_PREPROCESS',
  'E_MEMORY',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A known failure: printed as one message with a hint, exit code 2. */
export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
  readonly code: ErrorCode;
  readonly hint: string;
  readonly location: SourceLocation | undefined;
  /** The user's own stack frames or code line, shown under the message. */
  readonly detail: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint: string; location?: SourceLocation | undefined; detail?: string | undefined; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
    this.detail = options.detail;
  }
}

/**
 * A failure inside scaffold-mini's own code (a stub, a check, the harness), told apart from the
 * user's: the check it happens in is reported as not run, never as a finding against a layer.
 */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}

export function isScaffoldError(e: unknown): e is ScaffoldError {
  return e instanceof ScaffoldError;
}

/** `file:line:col: message` then the detail and the hint: the whole stderr output for a known failure. */
export function formatError(e: ScaffoldError, options: { verbose?: boolean } = {}): string {
  const where = e.location ? `${displayPath(e.location.file)}:${e.location.line}${e.location.column ? `:${e.location.column}` : ''}: ` : '';
  const lines = [`scaffold-mini: ${where}${e.message}`];
  if (e.detail) lines.push(...e.detail.split('\n').map((l) => `  ${l}`));
  lines.push(`hint: ${e.hint}`);
  // --verbose: the whole stack of what went wrong (the user's error when there is one).
  if (options.verbose) {
    const cause = (e as { cause?: unknown }).cause;
    lines.push(cause instanceof Error && cause.stack ? cause.stack : (e.stack ?? ''));
  }
  return lines.join('\n');
}

/** A path as the user typed it: relative to the working folder when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** A ScaffoldError as plain data (to cross a worker boundary), or an Error's message and stack. */
export type SerializedError =
  | { scaffold: true; code: ErrorCode; message: string; hint: string; location?: SourceLocation; detail?: string }
  | { scaffold: false; message: string; stack?: string };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof ScaffoldError) {
    return {
      scaffold: true,
      code: e.code,
      message: e.message,
      hint: e.hint,
      ...(e.location ? { location: e.location } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { scaffold: false, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
}

export function deserializeError(e: SerializedError): Error {
  if (e.scaffold) return new ScaffoldError(e.code, e.message, { hint: e.hint, location: e.location, detail: e.detail });
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
