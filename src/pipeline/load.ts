import { extname } from 'node:path';
import { displayPath, ScaffoldError } from '../errors.js';
import type { LoadedComposite } from '../model/composite.js';
import type { RunContext } from '../model/run-context.js';
import type { SourceLocation } from '../model/source.js';
import { lineAt } from '../source-text.js';
import { recordApplySites } from '../tfjs/apply-sites.js';
import { withFreeInitializers } from '../tfjs/free-init.js';
import { frameLocation, userFrames } from '../tfjs/user-frames.js';
import { importModule, readSource, withTimeout } from '../user-module.js';
import { loadTopology } from './load-topology.js';

/**
 * The load stage: imports the user's module and builds its model with every initializer made free
 * (a `model.json` topology builds without weights). Every way this can fail becomes a
 * ScaffoldError naming the file (and line where known).
 */
export async function load(file: string, ctx: Pick<RunContext, 'tf' | 'opts' | 'hooks'>): Promise<LoadedComposite> {
  const { tf } = ctx;
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
      ctx.hooks.onPhaseStart?.('import');
      const mod = await importModule(file, source, ctx.opts.timeoutMs, where, imported);
      const files = [...imported];
      const exportName = ctx.opts.exportName ?? 'default';
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
        ctx.hooks.onPhaseStart?.('factory');
        result = (value as () => unknown)();
      } catch (e) {
        throw factoryThrew(e, exportName, file);
      }
      if (result instanceof Promise) {
        exportKind = 'async-factory';
        result = await withTimeout(result, ctx.opts.timeoutMs, exportSite, `factory '${exportName}'`).catch((e: unknown) => {
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

function pickExport(mod: Record<string, unknown>, name: string, file: string): unknown {
  if (name in mod && mod[name] !== undefined) return mod[name];
  const available = Object.keys(mod).filter((k) => k !== 'module.exports');
  throw new ScaffoldError(
    'E_NO_EXPORT',
    name === 'default' ? 'the module has no default export' : `the module has no export named '${name}'`,
    {
      hint: available.length
        ? `choose one with --export NAME (exports: ${available.join(', ')}) or add a default export`
        : 'export the model factory: export default function build() { ... }',
      location: { file, line: 1 },
    },
  );
}

function factoryThrew(e: unknown, exportName: string, file: string): ScaffoldError {
  const err = e instanceof Error ? e : new Error(String(e));
  const frames = userFrames(err.stack);
  const own = frames.find((f) => f.file === file) ?? frames[0];
  return new ScaffoldError('E_FACTORY_THROWS', `factory '${exportName}' threw: ${err.message}`, {
    hint: 'fix the error in the factory (the line shown is the first of your own frames)',
    location: own ? frameLocation(own) : { file, line: 1 },
    detail:
      frames
        .slice(0, 3)
        .map((f) => f.text)
        .join('\n') || undefined,
    cause: e,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

function isForeignModel(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { predict?: unknown }).predict === 'function' &&
    Array.isArray((value as { layers?: unknown }).layers)
  );
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
