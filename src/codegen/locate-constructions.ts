import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CallExpression, Expression, Node, SourceFile } from 'ts-morph';
import type { SourceLocation } from '../model/source.js';
import type { TwinComponent } from '../model/twin-spec.js';
import type { ParsedComposite, TsMorphModule } from './parse-composite.js';
import { fail, identifierInitializer, ok, type Resolved, variableInitializer, where } from './resolve-binding.js';

/** The expression that builds one component: it is what the twin replaces with a stub. */
export interface Construction {
  component: TwinComponent;
  node: Expression;
}

/** How many variables `const a = b; const b = c; ...` are followed before giving up. */
const MAX_HOPS = 16;

/**
 * Finds, for every component, the one expression in the composite that constructs it, by following
 * each recorded `X.apply(...)` site back to X's construction. Fails (with the reason) as soon as one
 * component cannot be located unambiguously.
 */
export function locateConstructions(parsed: ParsedComposite, components: readonly TwinComponent[]): Resolved<Construction[]> {
  const { tm, file } = parsed;
  const applyCalls = file.getDescendantsOfKind(tm.SyntaxKind.CallExpression).filter((c) => {
    const callee = c.getExpression();
    return tm.Node.isPropertyAccessExpression(callee) && callee.getName() === 'apply';
  });
  const found: Construction[] = [];
  for (const component of components) {
    if (component.within) {
      const part = partOfSequential(parsed, applyCalls, component, component.within);
      if (!part.ok) return part;
      found.push({ component, node: part.value });
      continue;
    }
    if (component.applySites.length === 0) return fail(`no \`.apply(\` site was recorded for component '${component.name}'`);
    let node: Expression | undefined;
    for (const site of component.applySites) {
      if (!sameFile(site.file, parsed.path)) {
        return fail(`component '${component.name}' is applied in another file (${basename(site.file)}:${site.line})`);
      }
      const call = findApplyCall(file, applyCalls, site, component.name);
      if (!call.ok) return call;
      const built = constructionAt(tm, call.value, component);
      if (!built.ok) return fail(`component '${component.name}': ${built.reason}`);
      if (node && node !== built.value) {
        return fail(
          `component '${component.name}' is applied at ${where(call.value)} to what looks like a different construction ` +
            `(${where(built.value)}) than at its first site (${where(node)})`,
        );
      }
      node = built.value;
    }
    if (node) found.push({ component, node });
  }
  const clash = sharedOrNested(found);
  return clash ? fail(clash) : ok(found);
}

/**
 * A part of a nested Sequential: element `index` of the `layers: [...]` literal of the
 * `tf.sequential({...})` that builds it (found from the Sequential's own apply site).
 */
function partOfSequential(
  parsed: ParsedComposite,
  applyCalls: readonly CallExpression[],
  component: TwinComponent,
  within: NonNullable<TwinComponent['within']>,
): Resolved<Expression> {
  const { tm, file } = parsed;
  const site = within.applySites[0];
  if (!site) return fail(`no \`.apply(\` site was recorded for '${within.name}', which holds '${component.name}'`);
  if (!sameFile(site.file, parsed.path)) return fail(`'${within.name}', which holds '${component.name}', is applied in another file`);
  const call = findApplyCall(file, applyCalls, site, within.name);
  if (!call.ok) return call;
  const { wrapper, ...rest } = component;
  const built = constructionAt(tm, call.value, { ...rest, name: within.name });
  if (!built.ok) return fail(`'${within.name}': ${built.reason}`);
  const args = tm.Node.isCallExpression(built.value) ? (built.value.getArguments() as Node[]) : [];
  const config = args[0] && unwrap(tm, args[0]);
  const layers = config && tm.Node.isObjectLiteralExpression(config) ? config.getProperty('layers') : undefined;
  const list = layers && tm.Node.isPropertyAssignment(layers) ? layers.getInitializer() : undefined;
  const array = list ? unwrap(tm, list) : undefined;
  const item = array && tm.Node.isArrayLiteralExpression(array) ? array.getElements()[within.index] : undefined;
  if (!item)
    return fail(
      `'${component.name}' is layer ${within.index} of '${within.name}', which is not built with a \`layers: [...]\` list at ${where(built.value)}`,
    );
  const made = construction(tm, item, 0);
  return made.ok && wrapper !== undefined ? wrappedLayer(tm, made.value, wrapper) : made;
}

/** Paths of one file (a stack trace may name it through a symlink, or the other way round). */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** The `X.apply(...)` call a recorded stack position points at. */
function findApplyCall(
  file: SourceFile,
  applyCalls: readonly CallExpression[],
  site: SourceLocation,
  name: string,
): Resolved<CallExpression> {
  const lineStarts = file.compilerNode.getLineStarts();
  const lineStart = lineStarts[site.line - 1];
  const at = `${file.getBaseName()}:${site.line}${site.column ? `:${site.column}` : ''}`;
  if (lineStart === undefined) return fail(`the apply site of '${name}' (${at}) is past the end of the file`);
  const nameStart = (c: CallExpression): number => c.getExpression().getLastChildOrThrow().getStart();
  if (site.column !== undefined) {
    const pos = lineStart + site.column - 1;
    const exact = applyCalls.filter((c) => nameStart(c) === pos);
    if (exact.length === 1 && exact[0]) return ok(exact[0]);
    const containing = applyCalls.filter((c) => c.getStart() <= pos && pos < c.getEnd()).sort((a, b) => a.getWidth() - b.getWidth());
    if (containing[0]) return ok(containing[0]);
  }
  const onLine = applyCalls.filter((c) => file.getLineAndColumnAtPos(nameStart(c)).line === site.line);
  if (onLine.length === 1 && onLine[0]) return ok(onLine[0]);
  return fail(
    onLine.length === 0
      ? `no \`.apply(\` call at ${at}, where '${name}' was applied`
      : `${onLine.length} \`.apply(\` calls at ${at}: cannot tell which one applies '${name}'`,
  );
}

/** X of `X.apply(...)`, followed back to the expression that constructs the component. */
function constructionAt(tm: TsMorphModule, call: CallExpression, component: TwinComponent): Resolved<Expression> {
  const callee = call.getExpression();
  if (!tm.Node.isPropertyAccessExpression(callee)) return fail(`${where(call)} is not a method call`);
  const applied = construction(tm, callee.getExpression(), 0);
  if (!applied.ok || component.wrapper === undefined) return applied;
  return wrappedLayer(tm, applied.value, component.wrapper);
}

/** A call or `new` (what builds a layer or model), reached from `expr` through variables. */
function construction(tm: TsMorphModule, expr: Expression, hops: number): Resolved<Expression> {
  const e = unwrap(tm, expr);
  if (tm.Node.isCallExpression(e) || tm.Node.isNewExpression(e)) return ok(e);
  if (tm.Node.isIdentifier(e)) {
    if (hops >= MAX_HOPS) return fail(`too many variables between ${where(e)} and a construction`);
    const init = identifierInitializer(tm, e);
    return init.ok ? construction(tm, init.value, hops + 1) : init;
  }
  return fail(`${describe(tm, e)} at ${where(e)} is neither a call that builds it nor a variable holding one`);
}

/** The component inside a wrapper: the `layer:` property of the wrapper's config object. */
function wrappedLayer(tm: TsMorphModule, wrapper: Expression, wrapperName: string): Resolved<Expression> {
  const { Node: N } = tm;
  const args = N.isCallExpression(wrapper) || N.isNewExpression(wrapper) ? (wrapper.getArguments() as Node[]) : [];
  const config = args[0] && unwrap(tm, args[0]);
  if (!config || !N.isObjectLiteralExpression(config)) {
    return fail(`the wrapper '${wrapperName}' at ${where(wrapper)} does not take an object literal with a \`layer\` property`);
  }
  const prop = config.getProperty('layer');
  if (N.isPropertyAssignment(prop)) {
    const init = prop.getInitializer();
    if (init) return construction(tm, init, 0);
  }
  if (N.isShorthandPropertyAssignment(prop)) {
    const init = variableInitializer(tm, prop.getValueSymbol(), prop.getName(), prop);
    return init.ok ? construction(tm, init.value, 1) : init;
  }
  return fail(`the wrapper '${wrapperName}' at ${where(wrapper)} has no plain \`layer:\` property`);
}

/** The expression without parentheses, type assertions, `!`, `satisfies` and `await`. */
function unwrap(tm: TsMorphModule, expr: Node): Node {
  const { Node: N } = tm;
  let e = expr;
  while (
    N.isParenthesizedExpression(e) ||
    N.isAsExpression(e) ||
    N.isTypeAssertion(e) ||
    N.isNonNullExpression(e) ||
    N.isSatisfiesExpression(e) ||
    N.isAwaitExpression(e)
  ) {
    e = e.getExpression();
  }
  return e;
}

function describe(tm: TsMorphModule, e: Node): string {
  const text = e.getText().replace(/\s+/g, ' ');
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  const kind = tm.Node.isPropertyAccessExpression(e) || tm.Node.isElementAccessExpression(e) ? 'the property access' : 'the expression';
  return `${kind} \`${shown}\``;
}

/** Two components built by the same expression (a helper called twice, a loop) or one inside another. */
function sharedOrNested(found: readonly Construction[]): string | undefined {
  for (const a of found) {
    for (const b of found) {
      if (a === b) continue;
      const [as, ae, bs, be] = [a.node.getStart(), a.node.getEnd(), b.node.getStart(), b.node.getEnd()];
      if (as === bs && ae === be) {
        return `components '${a.component.name}' and '${b.component.name}' are built by the same expression (${where(a.node)}): a helper or loop that builds several`;
      }
      if (as <= bs && be <= ae) {
        return `component '${b.component.name}' (${where(b.node)}) is built inside the construction of '${a.component.name}'`;
      }
    }
  }
  return undefined;
}
