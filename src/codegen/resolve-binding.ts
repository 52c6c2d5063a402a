import type { Expression, Identifier, Node, SourceFile, Symbol as TsSymbol } from 'ts-morph';
import type { TsMorphModule } from './parse-composite.js';

export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Resolved<T> => ({ ok: true, value });
export const fail = <T>(reason: string): Resolved<T> => ({ ok: false, reason });

/** Members of a LayersModel that a stub (a plain layer) lacks: using them means the component is used as a model. */
const MODEL_ONLY_MEMBERS = new Set([
  'add',
  'pop',
  'layers',
  'getLayer',
  'summary',
  'compile',
  'fit',
  'fitDataset',
  'predict',
  'predictOnBatch',
  'evaluate',
  'evaluateDataset',
  'execute',
  'save',
  'loadWeights',
  'inputs',
  'outputs',
  'inputNames',
  'outputNames',
  'trainOnBatch',
  'optimizer',
  'stopTraining',
]);

/** `file.ts:12:5`, for the reasons shown to the user. */
export function where(node: Node): string {
  const file = node.getSourceFile();
  const { line, column } = file.getLineAndColumnAtPos(node.getStart());
  return `${file.getBaseName()}:${line}:${column}`;
}

/** The initializer of the one variable `symbol` names, if the user's code never rebinds it. */
export function variableInitializer(tm: TsMorphModule, symbol: TsSymbol | undefined, name: string, at: Node): Resolved<Expression> {
  const decls = symbol?.getDeclarations() ?? [];
  const decl = decls[0];
  if (!decl) return fail(`'${name}' at ${where(at)} is not declared in this file`);
  if (decls.length > 1) return fail(`'${name}' at ${where(at)} has ${decls.length} declarations`);
  const { Node: N } = tm;
  if (N.isImportSpecifier(decl) || N.isImportClause(decl) || N.isNamespaceImport(decl) || N.isImportEqualsDeclaration(decl)) {
    return fail(`'${name}' at ${where(at)} is imported: its construction is in another file`);
  }
  if (N.isParameterDeclaration(decl)) {
    return fail(`'${name}' at ${where(at)} is a parameter of a function (${where(decl)}): its construction is in the caller`);
  }
  if (N.isBindingElement(decl)) return fail(`'${name}' at ${where(at)} comes from destructuring (${where(decl)})`);
  if (!N.isVariableDeclaration(decl)) {
    return fail(`'${name}' at ${where(at)} is a ${decl.getKindName()} (${where(decl)}), not a variable holding the component`);
  }
  const init = decl.getInitializer();
  if (!init) return fail(`'${name}' is declared without an initializer (${where(decl)})`);
  const misuse = rebindingOrModelUse(tm, decl.getSourceFile(), symbol, name);
  if (misuse) return fail(misuse);
  return ok(init);
}

/** The identifier's variable's initializer (see `variableInitializer`). */
export function identifierInitializer(tm: TsMorphModule, id: Identifier): Resolved<Expression> {
  return variableInitializer(tm, id.getSymbol(), id.getText(), id);
}

/** Why the variable cannot simply be re-initialised with a stub, or undefined when it can. */
function rebindingOrModelUse(tm: TsMorphModule, file: SourceFile, symbol: TsSymbol | undefined, name: string): string | undefined {
  const { Node: N, SyntaxKind: K } = tm;
  const target = symbol?.compilerSymbol;
  for (const id of file.getDescendantsOfKind(K.Identifier)) {
    if (id.getText() !== name || id.getSymbol()?.compilerSymbol !== target) continue;
    const parent = id.getParent();
    if (isAssignmentTarget(tm, id)) return `'${name}' is reassigned at ${where(id)}`;
    if (
      (N.isPrefixUnaryExpression(parent) || N.isPostfixUnaryExpression(parent)) &&
      [K.PlusPlusToken, K.MinusMinusToken].includes(parent.getOperatorToken())
    ) {
      return `'${name}' is reassigned at ${where(id)}`;
    }
    if (N.isPropertyAccessExpression(parent) && parent.getExpression() === id && MODEL_ONLY_MEMBERS.has(parent.getName())) {
      return `'${name}.${parent.getName()}' at ${where(id)} uses the component as a model; its stub is a layer`;
    }
  }
  return undefined;
}

/** `x = ...`, `x += ...`, `[x] = ...`, `({ a: x } = ...)`. */
function isAssignmentTarget(tm: TsMorphModule, id: Identifier): boolean {
  const { Node: N, SyntaxKind: K } = tm;
  let node: Node = id;
  let parent = node.getParent();
  while (
    parent &&
    (N.isArrayLiteralExpression(parent) ||
      N.isObjectLiteralExpression(parent) ||
      N.isSpreadElement(parent) ||
      N.isShorthandPropertyAssignment(parent) ||
      (N.isPropertyAssignment(parent) && parent.getInitializer() === node))
  ) {
    node = parent;
    parent = node.getParent();
  }
  if (!N.isBinaryExpression(parent) || parent.getLeft() !== node) return false;
  const op = parent.getOperatorToken().getKind();
  return op >= K.FirstAssignment && op <= K.LastAssignment;
}
