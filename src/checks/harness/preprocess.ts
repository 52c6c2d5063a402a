import type { Tensor3D } from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { ScaffoldError, displayPath } from '../../errors.js';
import type { SourceLocation } from '../../model/source.js';
import { packageInfo } from '../../package-info.js';
import type { Tf } from '../../tfjs/tf-instance.js';
import { importModule, readSource } from '../../user-module.js';

/** The fixed input every preprocessing run gets: an RGB image, int32 in [0, 255], [48, 64, 3]. */
const PREPROCESS_INPUT = {
  height: 48,
  width: 64,
  description: 'a 48x64 RGB test card (int32 0-255: gradients and a checkerboard)',
} as const;

/** What a preprocessing function gave on the fixed input, reduced to what can be compared later. */
export interface Fingerprint {
  '@generated': string;
  preprocess: string;
  input: string;
  shape: number[];
  dtype: string;
  sha256: string;
  /** The first values (all of them when there are at most MAX_STORED). */
  values: number[];
}

const MAX_STORED = 65_536;

/** The test card: smooth gradients (resizing changes them) and a 4-pixel checkerboard (interpolation changes it). */
function testCard(tf: Tf): Tensor3D {
  const { height, width } = PREPROCESS_INPUT;
  const data = new Int32Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = Math.round((255 * x) / (width - 1));
      data[o + 1] = Math.round((255 * y) / (height - 1));
      data[o + 2] = ((x >> 2) + (y >> 2)) % 2 === 0 ? 230 : 25;
    }
  }
  return tf.tensor3d(data, [height, width, 3], 'int32');
}

/**
 * Runs the user's preprocessing function (export `preprocess` or the default export) on the test
 * card and fingerprints its output. The function may return a tensor, a typed array or an array of
 * numbers, or a promise of one.
 */
export async function fingerprintPreprocess(tf: Tf, file: string, timeoutMs: number): Promise<Fingerprint> {
  const source = await readSource(file);
  const where = (line?: number, column?: number): SourceLocation => ({
    file,
    line: line ?? 1,
    ...(column === undefined ? {} : { column }),
  });
  const mod = await importModule(file, source, timeoutMs, where);
  const fn = mod['preprocess'] ?? mod['default'];
  if (typeof fn !== 'function') {
    throw new ScaffoldError('E_PREPROCESS', `${displayPath(file)} exports no preprocessing function`, {
      hint: 'export it as `export function preprocess(image: tf.Tensor3D) { ... }` (or as the default export)',
      location: { file, line: 1 },
    });
  }
  const card = testCard(tf);
  let output: unknown;
  try {
    output = await (fn as (image: unknown) => unknown)(card);
  } catch (e) {
    throw new ScaffoldError('E_PREPROCESS', `the preprocessing function threw on the test card: ${(e as Error).message}`, {
      hint: `it gets ${PREPROCESS_INPUT.description}; make it accept a tf.Tensor3D image`,
      location: { file, line: 1 },
      cause: e,
    });
  } finally {
    card.dispose();
  }
  const { shape, dtype, values } = flatten(tf, output, file);
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ shape, dtype }));
  hash.update(Buffer.from(Float32Array.from(values).buffer));
  return {
    '@generated': `by scaffold-mini ${packageInfo().version} -- the fingerprint of --preprocess; delete it to accept a new one`,
    preprocess: relative(process.cwd(), file) || file,
    input: PREPROCESS_INPUT.description,
    shape,
    dtype,
    sha256: hash.digest('hex'),
    values: Array.from({ length: Math.min(values.length, MAX_STORED) }, (_, i) => Math.fround(values[i] ?? NaN)),
  };
}

function flatten(tf: Tf, output: unknown, file: string): { shape: number[]; dtype: string; values: ArrayLike<number> } {
  if (output instanceof tf.Tensor) {
    const values = output.dataSync() as ArrayLike<number>;
    const result = { shape: [...output.shape], dtype: output.dtype, values: Array.from(values) };
    output.dispose();
    return result;
  }
  if (ArrayBuffer.isView(output) && !(output instanceof DataView)) {
    const values = output as unknown as ArrayLike<number>;
    return { shape: [values.length], dtype: output.constructor.name, values };
  }
  if (Array.isArray(output) && output.every((v) => typeof v === 'number'))
    return { shape: [output.length], dtype: 'number[]', values: output };
  throw new ScaffoldError('E_PREPROCESS', 'the preprocessing function returned neither a tensor nor an array of numbers', {
    hint: 'return the preprocessed tensor (or its values)',
    location: { file, line: 1 },
  });
}

/** The first difference between a stored fingerprint and a new one, in words; null when they agree. */
export function fingerprintChange(before: Fingerprint, now: Fingerprint): string | null {
  if (before.sha256 === now.sha256) return null;
  if (before.shape.join() !== now.shape.join())
    return `the output shape changed from [${before.shape.join(', ')}] to [${now.shape.join(', ')}]`;
  if (before.dtype !== now.dtype) return `the output dtype changed from ${before.dtype} to ${now.dtype}`;
  const n = Math.min(before.values.length, now.values.length);
  for (let i = 0; i < n; i++) {
    if (before.values[i] !== now.values[i]) {
      return `element ${i} (${indexIn(now.shape, i)}) changed from ${before.values[i]} to ${now.values[i]}`;
    }
  }
  return `an element after the first ${n} changed (only the first ${n} are stored)`;
}

function indexIn(shape: number[], flat: number): string {
  const index: number[] = [];
  let rest = flat;
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a] ?? 1;
    index.unshift(rest % d);
    rest = Math.floor(rest / d);
  }
  return `[${index.join(', ')}]`;
}

/** The stored fingerprint, or undefined when there is none (or it is not one of ours). */
export async function readFingerprint(path: string): Promise<Fingerprint | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Fingerprint;
    return typeof parsed.sha256 === 'string' && Array.isArray(parsed.values) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The fingerprint file's text. */
export function fingerprintText(fingerprint: Fingerprint): string {
  return `${JSON.stringify(fingerprint, null, 2)}\n`;
}
