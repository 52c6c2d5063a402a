import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../model/source.js';
import { packageInfo } from '../package-info.js';

/** Folders of this tool's own code, whose frames are never the user's. */
const TOOL_ROOTS = ['dist', 'src', 'stubs'].map((d) => join(packageInfo().root, d) + sep);

const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

export interface Frame {
  fn: string;
  file: string;
  line: number;
  column: number;
  text: string;
}

/** Stack frames that belong to the user's code: not Node's, not a dependency's, not this tool's. */
export function userFrames(stack: string | undefined, toolRoots: readonly string[] = TOOL_ROOTS): Frame[] {
  if (!stack) return [];
  const frames: Frame[] = [];
  for (const text of stack.split('\n')) {
    const m = FRAME.exec(text);
    if (!m) continue;
    let file = m[2] ?? '';
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (file.startsWith('node:') || file.includes('/node_modules/') || !file.startsWith('/')) continue;
    if (toolRoots.some((root) => file.startsWith(root))) continue;
    // Source maps of bundled dependencies name files that do not exist (e.g. `tfjs-layers/src/...`).
    if (!fileExists(file)) continue;
    frames.push({ fn: m[1] ?? '<anonymous>', file, line: Number(m[3]), column: Number(m[4]), text: text.trim() });
  }
  return frames;
}

const existing = new Map<string, boolean>();
function fileExists(file: string): boolean {
  let known = existing.get(file);
  if (known === undefined) {
    known = existsSync(file);
    existing.set(file, known);
  }
  return known;
}

export function frameLocation(frame: Frame): SourceLocation {
  return { file: frame.file, line: frame.line, column: frame.column };
}
