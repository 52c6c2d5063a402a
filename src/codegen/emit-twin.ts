import { readFile } from 'node:fs/promises';
import { join, parse, relative, sep } from 'node:path';
import type { Node } from 'ts-morph';
import type { TypeErrorAt } from '../model/emitted.js';
import type { TwinSpec } from '../model/twin-spec.js';
import { readImports, type CompositeImports } from './composite-imports.js';
import { formatKey, formatLiteral } from './format-literal.js';
import { generatedHeader } from './generated-header.js';
import { generateWiring } from './generate-wiring.js';
import { NameScope } from './identifiers.js';
import { bindingNames, keepDeclarations } from './keep-declarations.js';
import { locateConstructions, type Construction } from './locate-constructions.js';
import { typeErrorLine, typeErrors } from './type-check.js';
import { packageInfo } from '../package-info.js';
import { parseComposite, type ParsedComposite } from './parse-composite.js';
import { renderTemplate } from './render-templates.js';
import { addedImports, importRun, rewriteSource, type TwinNames, type TwinText } from './rewrite-source.js';
import { applyEdits } from './text-edits.js';
import { renderStubFiles, type RenderedFile } from './stub-files.js';

export type { RenderedFile } from './stub-files.js';

export interface RenderOptions {
  /** The folder the twin and its `stubs/` go to. */
  outDir: string;
  /** Extra header lines, e.g. `stub seeds derived from --seed 42` or the twin's fingerprint. */
  headerLines?: readonly string[];
  /** What the header's paths are relative to. Default: `process.cwd()`. */
  cwd?: string;
  /** Also type-check the composite (about 1.5 s), its errors kept in the header. Default: false. */
  typeCheck?: boolean;
}

export interface RenderedTwin {
  /** The twin first, then the stub runtime files. */
  files: RenderedFile[];
  /** `rewritten`: the user's code with stubs swapped in; `generated`: rebuilt from the graph. */
  mode: 'rewritten' | 'generated';
  /** Why generated mode was used, and what the user should know about the twin. */
  notes: string[];
  /** Type errors of the composite (with `typeCheck`). */
  typeErrors: TypeErrorAt[];
}

/**
 * Renders (does not write) the miniature twin of the composite: `<outDir>/<name>.mini.ts` and a
 * copy of the stub runtime in `<outDir>/stubs/`. Rewrites the user's code where every component's
 * construction can be located; otherwise regenerates the wiring from `spec.graph`.
 */
export async function renderTwin(spec: TwinSpec, options: RenderOptions): Promise<RenderedTwin> {
  const text = await readFile(spec.compositeFile, 'utf8');
  const parsed = await parseComposite(spec.compositeFile, text);
  const imports = readImports(parsed.tm, parsed.file, spec.compositeFile, options.outDir);
  const scope = new NameScope(bindingNames(parsed.tm, parsed.file));
  const names = twinNames(scope, imports);
  const notes: string[] = [];

  // A model.json topology has no wiring code to rewrite: the twin is generated from its graph.
  const located = spec.compositeFile.endsWith('.json')
    ? ({ ok: false, reason: 'the composite is a model.json topology (no code to rewrite)' } as const)
    : locateConstructions(parsed, spec.components);
  let mode: RenderedTwin['mode'];
  let twin: TwinText;
  let modeLine: string;
  if (located.ok) {
    mode = 'rewritten';
    twin = rewriteSource(parsed, imports, located.value, names);
    notes.push(...typeNotes(parsed, located.value));
    const list = spec.components.map((c) => c.name).join(', ');
    modeLine = `mode: rewritten -- your code, with the construction of each component (${list}) replaced by a stub`;
  } else {
    mode = 'generated';
    twin = generatedText(parsed, imports, spec, names);
    notes.push(`generated mode: the wiring was rebuilt from the probed graph, because ${located.reason}`);
    modeLine = `mode: generated -- the wiring rebuilt from the probed graph, because ${located.reason}`;
  }
  if (names.importTf) notes.push(`the twin imports ${imports.tfPackage} as '${names.tf}' for the stubs`);
  if (text.startsWith('#!')) notes.push('the shebang line was dropped: the header must come first');
  // Type errors of the composite (tsx ran it without checking): kept in the header, so that a cached
  // twin reports them again.
  const errors = options.typeCheck ? typeErrors(parsed.tm, spec.compositeFile) : [];

  const cwd = options.cwd ?? process.cwd();
  const header = { version: packageInfo().version, composite: relative(cwd, spec.compositeFile).split(sep).join('/') };
  const noteLines = notes.filter((n) => !n.startsWith('generated mode:')).map((n) => `note: ${n}`);
  const headerLines = [modeLine, ...noteLines, ...errors.map(typeErrorLine), ...(options.headerLines ?? [])];
  const extra = addedImports(names, imports.tfPackage, spec.components.length > 0);
  const contents = await renderTemplate('twin.ts.hbs', {
    header: generatedHeader({ ...header, lines: headerLines }).trimEnd(),
    imports: [twin.imports, ...extra].filter((s) => s !== '').join('\n'),
    names,
    specs: spec.components.map((c) => ({ key: formatKey(c.name), literal: formatLiteral(c.stub, 1, c.name.length + 2) })),
    body: twin.body.trimEnd(),
  });
  const twinPath = join(options.outDir, `${parse(spec.compositeFile).name}.mini.ts`);
  const stubs = await renderStubFiles(options.outDir, header);
  return { files: [{ path: twinPath, contents }, ...stubs], mode, notes, typeErrors: errors };
}

function twinNames(scope: NameScope, imports: CompositeImports): TwinNames {
  const tf = imports.tfNamespace ?? scope.claim('tf__mini');
  return {
    tf,
    importTf: imports.tfNamespace === undefined,
    mini: scope.claim('mini'),
    specs: scope.claim('MINI_SPECS'),
    defineStubs: scope.claim('defineStubs'),
    stubSpec: scope.claim('StubSpec'),
  };
}

/** Generated mode: the composite's imports, its classes and what they need, then the generated factory. */
function generatedText(parsed: ParsedComposite, imports: CompositeImports, spec: TwinSpec, names: TwinNames): TwinText {
  const { start, split } = importRun(parsed);
  const edits = imports.specifierEdits;
  const later = imports.declarations
    .filter((d) => d.getStart() >= split)
    .map((d) => applyEdits(parsed.text, edits, d.getStart(), d.getEnd()));
  const kept = keepDeclarations(parsed, spec.exportName, edits);
  // Only the kept code and the twin's own names matter: the user's factory is not in the twin.
  const scope = new NameScope([...kept.identifiers, names.tf, names.mini, names.specs, names.defineStubs, names.stubSpec]);
  const wiring = generateWiring({ spec, names, scope, classes: kept.classes, compositeName: parse(spec.compositeFile).name });
  return {
    imports: [applyEdits(parsed.text, edits, start, split).trimEnd(), ...later].filter((s) => s !== '').join('\n'),
    body: [kept.text, wiring].filter((s) => s !== '').join('\n\n'),
  };
}

/** Variables the user typed as a model, now holding a stub (a plain layer). */
function typeNotes(parsed: ParsedComposite, constructions: readonly Construction[]): string[] {
  const { Node: N } = parsed.tm;
  return constructions.flatMap(({ component, node }) => {
    let top: Node = node;
    let parent = top.getParent();
    while (
      parent &&
      (N.isParenthesizedExpression(parent) || N.isAsExpression(parent) || N.isNonNullExpression(parent) || N.isAwaitExpression(parent))
    ) {
      top = parent;
      parent = top.getParent();
    }
    if (!N.isVariableDeclaration(parent) || parent.getInitializer() !== top) return [];
    const type = parent.getTypeNode()?.getText();
    if (!type || !/LayersModel|Sequential|Functional/.test(type)) return [];
    const where = `'${parent.getName()}' (line ${parent.getStartLineNumber()})`;
    return [`${where} is typed ${type} but now holds the stub for '${component.name}', a layer: the twin may not type-check there`];
  });
}
