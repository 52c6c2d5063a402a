import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { TypeErrorAt } from '../model/emitted.js';
import type { TwinSpec } from '../model/twin-spec.js';

const FINGERPRINT = /^\/\/ fingerprint: ([0-9a-f]{16})$/m;
const MODE = /^\/\/ mode: (rewritten|generated)\b/m;
const NOTE = /^\/\/ note: (.*)$/gm;
/** The header line typeErrorLine (type-check.ts) writes. */
const TYPE_ERROR = /^\/\/ type error: line (\d+): (.*)$/gm;

/** What an up-to-date twin on disk says of itself. */
export interface CachedTwin {
  mode: 'rewritten' | 'generated';
  notes: string[];
  typeErrors: TypeErrorAt[];
}

/** A digest of everything the emitted files depend on: the tool's version, the composite's text and the twin spec. */
export function twinFingerprint(version: string, source: string, spec: TwinSpec): string {
  return createHash('sha256')
    .update(version)
    .update('\0')
    .update(source)
    .update('\0')
    .update(JSON.stringify(spec))
    .digest('hex')
    .slice(0, 16);
}

export function fingerprintLine(fingerprint: string): string {
  return `fingerprint: ${fingerprint}`;
}

/**
 * The twin already on disk, when its header carries this fingerprint and its stubs are beside it:
 * then rendering again (loading ts-morph, most of a second) would write the same bytes.
 */
export function cachedTwin(twinFile: string, outDir: string, fingerprint: string): CachedTwin | undefined {
  // Synchronous on purpose: the caller starts the emit worker right after, before the checks
  // occupy this thread (an awaited read would delay the worker until the checks are done).
  if (!existsSync(join(outDir, 'stubs', 'index.ts'))) return undefined;
  const head = readHead(twinFile);
  if (head === undefined || FINGERPRINT.exec(head)?.[1] !== fingerprint) return undefined;
  const mode = MODE.exec(head)?.[1] as CachedTwin['mode'] | undefined;
  if (!mode) return undefined;
  return {
    mode,
    notes: [...head.matchAll(NOTE)].map((m) => m[1] ?? ''),
    typeErrors: [...head.matchAll(TYPE_ERROR)].map((m) => ({ line: Number(m[1]), message: m[2] ?? '' })),
  };
}

function readHead(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(4096);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    const lines = buffer.subarray(0, bytesRead).toString('utf8').split('\n');
    // The header is the leading run of comment lines.
    const end = lines.findIndex((l) => !l.startsWith('//'));
    return lines.slice(0, end < 0 ? lines.length : end).join('\n');
  } finally {
    closeSync(fd);
  }
}
