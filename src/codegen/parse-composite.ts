import type * as TsMorph from 'ts-morph';

export type TsMorphModule = typeof TsMorph;

/** The user's composite module parsed by ts-morph (syntax and in-file symbols only). */
export interface ParsedComposite {
  tm: TsMorphModule;
  file: TsMorph.SourceFile;
  /** Absolute path of the composite. */
  path: string;
  text: string;
}

/**
 * Parses the composite in an in-memory project without lib files or imports: enough to resolve the
 * composite's own identifiers to their declarations, and fast. ts-morph is loaded on first use.
 */
export async function parseComposite(path: string, text: string): Promise<ParsedComposite> {
  const tm = await import('ts-morph');
  const project = new tm.Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, noLib: true, noResolve: true, types: [], target: tm.ts.ScriptTarget.ES2022 },
  });
  const file = project.createSourceFile(path, text, { overwrite: true });
  return { tm, file, path, text };
}
