import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { displayPath, ScaffoldError } from '../errors.js';
import type { SourceLocation } from '../model/source.js';
import { withFreeInitializers } from '../tfjs/free-init.js';
import { loadTopology } from './load-topology.js';
import { lineAt, lineOf } from '../source-text.js';
import { recordApplySites, type ApplySites, type CompileSites } from '../tfjs/apply-sites.js';
import type { Tf } from '../tfjs/tf-instance.js';
import { frameLocation, userFrames } from '../tfjs/user-frames.js';

export const COMPOSITE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.json'] as const;

export interface LoadedComposite {
  model: import('@tensorflow/tfjs').LayersModel;
  exportName: string;
  exportKind: 'factory' | 'async-factory' | 'instance';
  /** The module's other exports (hints live in `mini`). */
  exports: Record<string, unknown>;
  source: string;
  applySites: ApplySites;
  compileSites: CompileSites;
  /** The composite and the user's files it imported (absolute paths). */
  files: string[];
}

export interface LoadOptions {
  exportName: string | undefined;
  timeoutMs: number;
  /** The user's code begins to run: its import, then its factory (the watchdog of isolate.ts names them). */
  onStage?: (stage: 'import' | 'factory') => void;
}

/**
 * Imports the user's module and builds its model with every initializer made free.
 * Every way this can fail becomes a ScaffoldError naming the file (and line where known).
 */
export async function loadComposite(file: string, tf: Tf, options: LoadOptions): Promise<LoadedComposite> {
  const source = await readSource(file);
  if (source.trim() === '') {
    throw new ScaffoldError('E_NO_EXPORT', `${displayPath(file)} is empty`, {
      hint: 'write the composite: export default function build() { ... return tf.model(...) }',
      location: { file, line: 1 },
    });
  }
  if (extname(file) === '.json') return loadTopology(file, source, tf);
  const where = (line?: number, column?: number): SourceLocation =>
    line === undefined ? { file, line: 1 } : { file, line, ...(column === undefined ? {} : { column }) };

  return withFreeInitializers(tf, () =>
    recordApplySites(tf, async (applySites, compileSites) => {
      const imported = new Set<string>([file]);
      options.onStage?.('import');
      const mod = await importModule(file, source, options.timeoutMs, where, imported);
      const files = [...imported];
      const exportName = options.exportName ?? 'default';
      const value = pickExport(mod, exportName, file);
      const exportSite = where(exportLine(source, exportName));
      if (value instanceof tf.LayersModel) {
        return { model: value, exportName, exportKind: 'instance' as const, exports: mod, source, applySites, compileSites, files };
      }
      if (typeof value !== 'function') {
        throw new ScaffoldError('E_EXPORT_KIND', `export '${exportName}' is ${describe(value)}, not a model factory`, {
          hint: 'export a function that returns a tf.LayersModel (or a promise of one), or the model itself',
          location: exportSite,
        });
      }
      let result: unknown;
      let exportKind: LoadedComposite['exportKind'] = 'factory';
      try {
        options.onStage?.('factory');
        result = (value as () => unknown)();
      } catch (e) {
        throw factoryThrew(e, exportName, file);
      }
      if (result instanceof Promise) {
        exportKind = 'async-factory';
        result = await withTimeout(result, options.timeoutMs, exportSite, `factory '${exportName}'`).catch((e: unknown) => {
          if (e instanceof ScaffoldError) throw e;
          throw factoryThrew(e, exportName, file);
        });
      }
      if (!(result instanceof tf.LayersModel)) {
        const foreign = isForeignModel(result);
        throw new ScaffoldError('E_NOT_A_MODEL', `factory '${exportName}' returned ${describe(result)}, not a tf.LayersModel`, {
          hint: foreign
            ? 'the module uses another copy of @tensorflow/tfjs than the one found from its folder: install one copy'
            : 'return the model built with tf.model(...) or tf.sequential(...)',
          location: exportSite,
        });
      }
      return { model: result, exportName, exportKind, exports: mod, source, applySites, compileSites, files };
    }),
  );
}

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
    mod = (await withTimeout(tsImport(pathToFileURL(file).href, { parentURL: import.meta.url, onImport }), timeoutMs, where(), 'importing the module')) as Record<
      string,
      unknown
    >;
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
  if (inner && typeof inner === 'object' && 'default' in inner && Object.keys(mod).every((k) => k === 'default' || k === 'module.exports')) {
    return inner as Record<string, unknown>;
  }
  return mod;
}

function pickExport(mod: Record<string, unknown>, name: string, file: string): unknown {
  if (name in mod && mod[name] !== undefined) return mod[name];
  const available = Object.keys(mod).filter((k) => k !== 'module.exports');
  throw new ScaffoldError('E_NO_EXPORT', name === 'default' ? 'the module has no default export' : `the module has no export named '${name}'`, {
    hint: available.length
      ? `choose one with --export NAME (exports: ${available.join(', ')}) or add a default export`
      : 'export the model factory: export default function build() { ... }',
    location: { file, line: 1 },
  });
}

function factoryThrew(e: unknown, exportName: string, file: string): ScaffoldError {
  const err = e instanceof Error ? e : new Error(String(e));
  const frames = userFrames(err.stack);
  const own = frames.find((f) => f.file === file) ?? frames[0];
  return new ScaffoldError('E_FACTORY_THROWS', `factory '${exportName}' threw: ${err.message}`, {
    hint: 'fix the error in the factory (the line shown is the first of your own frames)',
    location: own ? frameLocation(own) : { file, line: 1 },
    detail: frames.slice(0, 3).map((f) => f.text).join('\n') || undefined,
    cause: e,
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, location: SourceLocation, what: string): Promise<T> {
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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

function isForeignModel(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { predict?: unknown }).predict === 'function' &&
    Array.isArray((value as { layers?: unknown }).layers);
}

/** The line that declares an export (`export default ...`, `export function NAME`), or undefined. */
function exportLine(source: string, name: string): number | undefined {
  const pattern =
    name === 'default'
      ? /export\s+default\b/
      : new RegExp(`export\\s+(?:async\\s+)?(?:function\\*?|const|let|var|class)\\s+${name.replace(/[^\w$]/g, '')}\\b`);
  const match = pattern.exec(source);
  return match ? lineAt(source, match.index) : undefined;
}


function codeLine(source: string, line: number): string | undefined {
  const text = source.split('\n')[line - 1];
  return text === undefined ? undefined : `${line} | ${text.trimEnd()}`;
}
