import type { ParsedComposite } from './parse-composite.js';
import type { CompositeImports } from './composite-imports.js';
import { quote } from './format-literal.js';
import type { Construction } from './locate-constructions.js';
import { applyEdits, findOverlap, type TextEdit } from './text-edits.js';

/** The identifiers the twin adds to the user's code (each checked against the user's own names). */
export interface TwinNames {
  /** The tfjs namespace: the composite's own, or one the twin imports. */
  tf: string;
  /** True when the twin must add `import * as <tf> from '<tfPackage>'`. */
  importTf: boolean;
  mini: string;
  specs: string;
  defineStubs: string;
  /** The `StubSpec` type of the stub runtime. */
  stubSpec: string;
}

/** The twin's text, split where the twin inserts its stubs block. */
export interface TwinText {
  /** Everything up to the composite's last leading import, specifiers rebased. */
  imports: string;
  body: string;
}

/** `mini.stub(MINI_SPECS['backbone'])` */
export function stubCall(names: TwinNames, component: string): string {
  return `${names.mini}.stub(${names.specs}[${quote(component)}])`;
}

/**
 * The user's code, unchanged except that each component's construction becomes a stub call
 * and relative imports are rebased onto the twin's folder.
 */
export function rewriteSource(
  parsed: ParsedComposite,
  imports: CompositeImports,
  constructions: readonly Construction[],
  names: TwinNames,
): TwinText {
  const edits: TextEdit[] = [
    ...imports.specifierEdits,
    ...constructions.map((c) => ({ start: c.node.getStart(), end: c.node.getEnd(), text: stubCall(names, c.component.name) })),
  ];
  const overlap = findOverlap(edits);
  if (overlap) throw new Error(`scaffold-mini: overlapping rewrites at offsets ${overlap[0].start} and ${overlap[1].start}`);
  const { start, split } = importRun(parsed);
  return {
    imports: applyEdits(parsed.text, edits, start, split).trimEnd(),
    body: applyEdits(parsed.text, edits, split).replace(/^\s*\n/, ''),
  };
}

/** Where the text starts (after a shebang) and where its leading run of import declarations ends. */
export function importRun(parsed: ParsedComposite): { start: number; split: number } {
  const { tm, file, text } = parsed;
  const start = text.startsWith('#!') ? text.indexOf('\n') + 1 || text.length : 0;
  let split = start;
  for (const statement of file.getStatements()) {
    if (!tm.Node.isImportDeclaration(statement)) break;
    split = statement.getEnd();
  }
  return { start, split };
}

/** The import lines the twin adds below the composite's own. */
export function addedImports(names: TwinNames, tfPackage: string, withSpecType: boolean): string[] {
  const lines: string[] = [];
  if (names.importTf) lines.push(`import * as ${names.tf} from ${quote(tfPackage)};`);
  const as = (name: string, local: string): string => (name === local ? name : `${name} as ${local}`);
  const bindings = [as('defineStubs', names.defineStubs)];
  if (withSpecType) bindings.push(`type ${as('StubSpec', names.stubSpec)}`);
  lines.push(`import { ${bindings.join(', ')} } from './stubs/index.js';`);
  return lines;
}
