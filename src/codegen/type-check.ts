import { dirname } from 'node:path';
import { findUp } from '../find-up.js';
import type { TypeErrorAt } from '../model/emitted.js';
import type { SourceFile } from 'ts-morph';
import type { TsMorphModule } from './parse-composite.js';

/** At most this many type errors are reported (each is a line of the twin's header, then a warning). */
const MAX_ERRORS = 5;
const UNRESOLVED = new Set([2307, 7016]);

/**
 * Type errors in the composite module itself, checked with its project's nearest tsconfig.json
 * (strict defaults without one). tsx runs the module without checking types, so these are
 * warnings: the module ran anyway. About 1.5 s for a module importing tfjs, in the emit worker.
 */
export function typeErrors(tm: TsMorphModule, file: string): TypeErrorAt[] {
  if (!/\.m?ts$/.test(file)) return [];
  const source = checkedSource(tm, file);
  return (
    source
      .getPreEmitDiagnostics()
      // Not: configuration (5xxx, 6xxx) and unresolved modules (2307, 7016): the import ran, so those
      // say more about where the checker looked than about the code.
      .filter(
        (d) =>
          d.getCategory() === tm.ts.DiagnosticCategory.Error &&
          d.getCode() < 5000 &&
          !UNRESOLVED.has(d.getCode()) &&
          d.getSourceFile()?.getFilePath() === source.getFilePath(),
      )
      .slice(0, MAX_ERRORS)
      .map((d) => ({
        line: d.getLineNumber() ?? 1,
        message: `TS${d.getCode()}: ${tm.ts.flattenDiagnosticMessageText(d.getMessageText() as string, ' ')}`,
      }))
  );
}

/**
 * The projects of this process by composite (and its tsconfig.json), kept: in a watch session the
 * emit worker checks the same composite on every save, and a kept project re-reads only the files
 * that changed on disk (tfjs's declarations, most of the cost, are parsed once).
 */
const projects = new Map<string, { project: InstanceType<TsMorphModule['Project']>; source: SourceFile }>();

function checkedSource(tm: TsMorphModule, file: string): SourceFile {
  const tsConfigFilePath = findUp(dirname(file), 'tsconfig.json');
  const key = `${tsConfigFilePath ?? ''}|${file}`;
  const kept = projects.get(key);
  if (kept) {
    // The user's files; packages' declarations do not change under a session.
    for (const f of kept.project.getSourceFiles()) if (!f.getFilePath().includes('/node_modules/')) f.refreshFromFileSystemSync();
    kept.project.resolveSourceFileDependencies();
    return kept.source;
  }
  const compilerOptions = { noEmit: true, skipLibCheck: true };
  const project = tsConfigFilePath
    ? new tm.Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions })
    : new tm.Project({
        compilerOptions: {
          ...compilerOptions,
          strict: true,
          target: tm.ts.ScriptTarget.ES2022,
          module: tm.ts.ModuleKind.NodeNext,
          moduleResolution: tm.ts.ModuleResolutionKind.NodeNext,
          types: [],
        },
      });
  const source = project.addSourceFileAtPath(file);
  project.resolveSourceFileDependencies();
  projects.set(key, { project, source });
  return source;
}

/** The header line of one type error of the composite (read back by twin-cache.ts from a cached twin). */
export function typeErrorLine(error: TypeErrorAt): string {
  return `type error: line ${error.line}: ${error.message}`;
}
