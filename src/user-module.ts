import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { displayPath, ScaffoldError } from './errors.js';
import type { SourceLocation } from './model/source.js';
import { lineOf } from './source-text.js';
import { frameLocation, userFrames } from './tfjs/user-frames.js';

/** The files a composite may be. */
const COMPOSITE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.json'] as const;

/** Reads a module the user named (composite or preprocessing), with the same messages for a missing file, a folder, or another file type. */
export async function readSource(file: string): Promise<string> {
  const info = await stat(file).catch(() => null);
  if (!info) {
    throw new ScaffoldError('E_FILE_MISSING', `no such file: ${displayPath(file)}`, {
      hint: 'pass the path of a .ts, .mts, .js or .mjs module that exports a model factory',
    });
  }
  if (!info.isFile()) {
    throw new ScaffoldError('E_FILE_KIND', `${displayPath(file)} is a folder, not a module`, {
      hint: 'pass the path of the composite module itself, not a folder',
    });
  }
  if (!(COMPOSITE_EXTENSIONS as readonly string[]).includes(extname(file))) {
    throw new ScaffoldError('E_FILE_KIND', `${displayPath(file)}: unsupported file type '${extname(file)}'`, {
      hint: `the composite must be one of ${COMPOSITE_EXTENSIONS.join(', ')}`,
    });
  }
  return readFile(file, 'utf8');
}

/** Imports a user module through tsx (with a time limit); every failure is a ScaffoldError with file and line. */
export async function importModule(
  file: string,
  source: string,
  timeoutMs: number,
  where: (line?: number, column?: number) => SourceLocation,
  imported?: Set<string>,
): Promise<Record<string, unknown>> {
  const { tsImport } = await import('tsx/esm/api');
  let mod: Record<string, unknown>;
  // The user's own files it imports (watch mode re-runs when one changes); packages are left out.
  const onImport = (url: string): void => {
    if (url.startsWith('file:') && !url.includes('/node_modules/')) imported?.add(fileURLToPath(url.split('?')[0] as string));
  };
  try {
    mod = (await withTimeout(
      tsImport(pathToFileURL(file).href, { parentURL: import.meta.url, onImport }),
      timeoutMs,
      where(),
      'importing the module',
    )) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ScaffoldError) throw e;
    const err = e as Error & { code?: string };
    const syntax = /:(\d+):(\d+): ERROR: (.*)/.exec(err.message ?? '');
    if (syntax) {
      throw new ScaffoldError('E_SYNTAX', `syntax error: ${syntax[3]}`, {
        hint: 'fix the syntax error; the module must compile as TypeScript or JavaScript',
        location: where(Number(syntax[1]), Number(syntax[2])),
        detail: codeLine(source, Number(syntax[1])),
      });
    }
    if (err.code === 'ERR_MODULE_NOT_FOUND') {
      const pkg = /Cannot find (?:package|module) '([^']+)'/.exec(err.message)?.[1] ?? '';
      const line = lineOf(source, pkg);
      throw new ScaffoldError('E_IMPORT', `cannot import '${pkg}': it is not installed or does not exist`, {
        hint: `install it in the composite's project (npm install ${pkg.startsWith('.') ? '' : pkg}) or fix the path`.replace('  ', ' '),
        location: where(line),
      });
    }
    const frame = userFrames(err.stack)[0];
    throw new ScaffoldError('E_IMPORT', `the module threw while loading: ${err.message ?? String(e)}`, {
      hint: 'a composite module should only define and export the factory; fix the error at the line shown',
      location: frame ? frameLocation(frame) : where(),
      detail: frame ? codeLine(source, frame.line) : undefined,
    });
  }
  // tsx loads a .ts file outside a "type": "module" package as CommonJS: the exports arrive one level deeper.
  const inner = mod['default'];
  if (
    inner &&
    typeof inner === 'object' &&
    'default' in inner &&
    Object.keys(mod).every((k) => k === 'default' || k === 'module.exports')
  ) {
    return inner as Record<string, unknown>;
  }
  return mod;
}

/** Rejects with E_TIMEOUT naming `what` when `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, location: SourceLocation, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ScaffoldError('E_TIMEOUT', `${what} did not finish within ${ms / 1000} s`, {
            hint: 'look for a promise that never settles or a very slow step; raise the limit with --timeout SECONDS',
            location,
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `12 | the line`: one line of a source, for an error's detail. */
function codeLine(source: string, line: number): string | undefined {
  const text = source.split('\n')[line - 1];
  return text === undefined ? undefined : `${line} | ${text.trimEnd()}`;
}
