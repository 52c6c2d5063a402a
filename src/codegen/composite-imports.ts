import { dirname, relative, resolve, sep } from 'node:path';
import type { ImportDeclaration, SourceFile, StringLiteral } from 'ts-morph';
import type { TsMorphModule } from './parse-composite.js';
import type { TextEdit } from './text-edits.js';

/** Packages whose namespace carries `tf.layers` and the ops: what `defineStubs(tf)` needs. */
const FULL_TFJS = ['@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

export interface CompositeImports {
  /** The composite's own `import * as <name> from '@tensorflow/tfjs'` (or -node), if any. */
  tfNamespace: string | undefined;
  /** The package to import as a namespace when the composite has none. */
  tfPackage: string;
  /** The composite's import declarations, in order. */
  declarations: ImportDeclaration[];
  /** Edits that rebase the composite's relative module specifiers onto the twin's folder. */
  specifierEdits: TextEdit[];
}

/** What the composite imports, and how its relative imports must change when the twin lives in `outDir`. */
export function readImports(tm: TsMorphModule, file: SourceFile, compositePath: string, outDir: string): CompositeImports {
  const declarations = file.getImportDeclarations();
  let tfNamespace: string | undefined;
  let tfPackage: string | undefined;
  for (const decl of declarations) {
    const from = decl.getModuleSpecifierValue();
    const full = FULL_TFJS.includes(from);
    if (full) tfPackage ??= from;
    const ns = decl.getNamespaceImport();
    if (full && ns && !decl.isTypeOnly()) tfNamespace ??= ns.getText();
  }
  return {
    tfNamespace,
    tfPackage: tfPackage ?? '@tensorflow/tfjs',
    declarations,
    specifierEdits: specifierEdits(tm, file, dirname(compositePath), outDir),
  };
}

function specifierEdits(tm: TsMorphModule, file: SourceFile, fromDir: string, outDir: string): TextEdit[] {
  const literals: StringLiteral[] = [];
  for (const decl of [...file.getImportDeclarations(), ...file.getExportDeclarations()]) {
    const spec = decl.getModuleSpecifier();
    if (spec && tm.Node.isStringLiteral(spec)) literals.push(spec);
  }
  for (const call of file.getDescendantsOfKind(tm.SyntaxKind.CallExpression)) {
    const arg = call.getArguments()[0];
    if (call.getExpression().getKind() === tm.SyntaxKind.ImportKeyword && arg && tm.Node.isStringLiteral(arg)) {
      literals.push(arg);
    }
  }
  const edits: TextEdit[] = [];
  for (const literal of literals) {
    const value = literal.getLiteralValue();
    const rebased = rebaseSpecifier(value, fromDir, outDir);
    if (rebased === value) continue;
    const q = literal.getText().charAt(0);
    edits.push({ start: literal.getStart(), end: literal.getEnd(), text: `${q}${rebased}${q}` });
  }
  return edits;
}

/** `./layers.js` seen from `fromDir`, written as seen from `toDir` (bare and absolute specifiers unchanged). */
export function rebaseSpecifier(specifier: string, fromDir: string, toDir: string): string {
  if (!/^\.\.?(\/|$)/.test(specifier)) return specifier;
  const rel = relative(toDir, resolve(fromDir, specifier)).split(sep).join('/');
  const trailing = specifier.endsWith('/') && !rel.endsWith('/') ? '/' : '';
  return (rel === '..' || rel.startsWith('../') ? rel : `./${rel}`) + trailing;
}
