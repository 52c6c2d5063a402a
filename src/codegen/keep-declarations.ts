import type { Identifier, Node, Statement } from 'ts-morph';
import type { ParsedComposite, TsMorphModule } from './parse-composite.js';
import { applyEdits, type TextEdit } from './text-edits.js';

/** A user's layer class the generated wiring can instantiate. */
export interface CustomClass {
  /** The identifier to `new` in the twin. */
  local: string;
  /** Parameters of its own constructor; undefined when it inherits one (or is imported). */
  constructorParams: number | undefined;
}

/** What generated mode keeps of the user's code besides the imports. */
export interface KeptCode {
  /** The kept top-level statements, in source order, relative imports rebased. */
  text: string;
  /** Custom layer classes by registered class name (`static className`) and by class name. */
  classes: Map<string, CustomClass>;
  /** Every identifier in the kept statements and the imports: what generated names must avoid. */
  identifiers: Set<string>;
}

/**
 * Keeps every top-level class (the user's custom layers), `registerClass(...)` calls for them,
 * an exported `mini` (the data hints), and every top-level declaration those need, transitively.
 * The export that built the model is left out: the twin generates its own.
 */
export function keepDeclarations(parsed: ParsedComposite, exportName: string, edits: readonly TextEdit[]): KeptCode {
  const { tm, file } = parsed;
  const { Node: N } = tm;
  const statements = file.getStatements().filter((s) => !N.isImportDeclaration(s) && !isTheExport(tm, s, exportName));
  const declares = new Map<string, Statement>();
  for (const s of statements) for (const name of declaredNames(tm, s)) declares.set(name, s);

  const classNames = new Set(statements.filter((s) => N.isClassDeclaration(s)).flatMap((s) => declaredNames(tm, s)));
  const kept = new Set<Statement>();
  const queue: Statement[] = [];
  const keep = (s: Statement | undefined): void => {
    if (s && !kept.has(s)) {
      kept.add(s);
      queue.push(s);
    }
  };
  for (const s of statements) {
    if (N.isClassDeclaration(s)) keep(s);
    if (N.isVariableStatement(s) && s.isExported() && declaredNames(tm, s).includes('mini')) keep(s);
    if (N.isExpressionStatement(s) && registersOneOf(tm, s, classNames)) keep(s);
  }
  while (queue.length > 0) {
    const s = queue.shift();
    for (const id of s?.getDescendantsOfKind(tm.SyntaxKind.Identifier) ?? []) {
      if (isReference(tm, id)) keep(declares.get(id.getText()));
    }
  }
  const keptInOrder = statements.filter((s) => kept.has(s));
  const text = keptInOrder.map((s) => applyEdits(parsed.text, edits, s.getPos(), s.getEnd()).replace(/^\s*\n/, '')).join('\n\n');
  const identifiers = new Set([...file.getImportDeclarations(), ...keptInOrder].flatMap((s) => bindingNames(tm, s)));
  return { text, classes: customClasses(parsed), identifiers };
}

/** Classes of the composite and its named imports, keyed by `static className` and by name. */
function customClasses(parsed: ParsedComposite): Map<string, CustomClass> {
  const { tm, file } = parsed;
  const classes = new Map<string, CustomClass>();
  for (const decl of file.getImportDeclarations()) {
    if (decl.isTypeOnly()) continue;
    for (const named of decl.getNamedImports()) {
      if (named.isTypeOnly()) continue;
      const local = (named.getAliasNode() ?? named.getNameNode()).getText();
      classes.set(local, { local, constructorParams: undefined });
    }
  }
  for (const cls of file.getClasses()) {
    const local = cls.getName();
    if (!local) continue;
    const ctor = cls.getConstructors()[0];
    const entry: CustomClass = { local, constructorParams: ctor ? ctor.getParameters().length : undefined };
    classes.set(local, entry);
    const registered = cls.getStaticProperty('className');
    if (registered && tm.Node.isPropertyDeclaration(registered)) {
      const init = registered.getInitializer();
      if (init && tm.Node.isStringLiteral(init)) classes.set(init.getLiteralValue(), entry);
    }
  }
  return classes;
}

function declaredNames(tm: TsMorphModule, s: Statement): string[] {
  const { Node: N } = tm;
  if (N.isVariableStatement(s)) {
    return s.getDeclarations().flatMap((d) => {
      const name = d.getNameNode();
      return N.isIdentifier(name) ? [name.getText()] : name.getDescendantsOfKind(tm.SyntaxKind.Identifier).map((i) => i.getText());
    });
  }
  if (
    N.isClassDeclaration(s) ||
    N.isFunctionDeclaration(s) ||
    N.isInterfaceDeclaration(s) ||
    N.isTypeAliasDeclaration(s) ||
    N.isEnumDeclaration(s) ||
    N.isModuleDeclaration(s)
  ) {
    const name = s.getName();
    return name ? [name] : [];
  }
  return [];
}

/** The statement that exports what the twin replaces: `export default ...` or `export <decl> <name>`. */
function isTheExport(tm: TsMorphModule, s: Statement, exportName: string): boolean {
  const { Node: N } = tm;
  if (N.isExportAssignment(s)) return exportName === 'default' && !s.isExportEquals();
  const modifiable = N.isVariableStatement(s) || N.isFunctionDeclaration(s) || N.isClassDeclaration(s);
  if (!modifiable || !s.isExported()) return false;
  if (exportName === 'default') return s.isDefaultExport();
  return !s.isDefaultExport() && declaredNames(tm, s).includes(exportName);
}

/** `tf.serialization.registerClass(MyLayer)` for one of the kept classes. */
function registersOneOf(tm: TsMorphModule, s: Statement, classes: Set<string>): boolean {
  const { Node: N } = tm;
  if (!N.isExpressionStatement(s)) return false;
  const call = s.getExpression();
  if (!N.isCallExpression(call)) return false;
  const callee = call.getExpression();
  const named = N.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  const arg = call.getArguments()[0];
  return named === 'registerClass' && arg !== undefined && classes.has(arg.getText());
}

/** The identifiers in `node` that name a binding (declared or referenced), not a property: what new names must avoid. */
export function bindingNames(tm: TsMorphModule, node: Node): string[] {
  return node
    .getDescendantsOfKind(tm.SyntaxKind.Identifier)
    .filter((id) => isReference(tm, id))
    .map((id) => id.getText());
}

/** An identifier that may name a top-level declaration (not a property or member name). */
function isReference(tm: TsMorphModule, id: Identifier): boolean {
  const { Node: N } = tm;
  const parent: Node | undefined = id.getParent();
  if (!parent) return false;
  if (N.isPropertyAccessExpression(parent)) return parent.getExpression() === id;
  if (N.isQualifiedName(parent)) return parent.getLeft() === id;
  if (
    N.isPropertyAssignment(parent) ||
    N.isMethodDeclaration(parent) ||
    N.isPropertyDeclaration(parent) ||
    N.isGetAccessorDeclaration(parent) ||
    N.isSetAccessorDeclaration(parent) ||
    N.isPropertySignature(parent) ||
    N.isMethodSignature(parent) ||
    N.isEnumMember(parent)
  ) {
    return parent.getNameNode() !== id;
  }
  return true;
}
