/** Code inserted verbatim where a value is expected (a call, a variable). */
export class Code {
  constructor(readonly text: string) {}
}

export function code(text: string): Code {
  return new Code(text);
}

const LINE_WIDTH = 100;
const INDENT = '  ';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A JSON-like value printed as a TypeScript expression: single-quoted strings, bare keys where
 * possible, short objects and arrays on one line, longer ones one entry a line with trailing commas.
 * `undefined` properties are left out. `prefix` is what precedes the value on its line (for width).
 */
export function formatLiteral(value: unknown, depth = 0, prefix = 0): string {
  if (value instanceof Code) return value.text;
  if (Array.isArray(value))
    return formatEntries(
      value.map((v) => ['', v] as const),
      '[',
      ']',
      depth,
      prefix,
    );
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return formatEntries(
      entries.map(([k, v]) => [`${formatKey(k)}: `, v] as const),
      '{',
      '}',
      depth,
      prefix,
    );
  }
  return formatPrimitive(value);
}

export function formatKey(key: string): string {
  return IDENTIFIER.test(key) ? key : quote(key);
}

/** A single-quoted string literal. */
export function quote(s: string): string {
  const inner = JSON.stringify(s).slice(1, -1);
  return `'${inner.replace(/\\.|'/g, (m) => (m === '\\"' ? '"' : m === "'" ? "\\'" : m))}'`;
}

function formatEntries(
  entries: readonly (readonly [string, unknown])[],
  open: '[' | '{',
  close: ']' | '}',
  depth: number,
  prefix: number,
): string {
  if (entries.length === 0) return `${open}${close}`;
  const pad = open === '{' ? ' ' : '';
  const oneLine = `${open}${pad}${entries.map(([k, v]) => k + flatLiteral(v)).join(', ')}${pad}${close}`;
  if (!oneLine.includes('\n') && depth * INDENT.length + prefix + oneLine.length <= LINE_WIDTH) return oneLine;
  const inner = INDENT.repeat(depth + 1);
  const lines = entries.map(([k, v]) => `${inner}${k}${formatLiteral(v, depth + 1, k.length)},`);
  return `${open}\n${lines.join('\n')}\n${INDENT.repeat(depth)}${close}`;
}

/** The value on one line, however long. */
function flatLiteral(value: unknown): string {
  if (value instanceof Code) return value.text;
  if (Array.isArray(value)) return `[${value.map(flatLiteral).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${formatKey(k)}: ${flatLiteral(v)}`).join(', ')} }`;
  }
  return formatPrimitive(value);
}

function formatPrimitive(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${value}n`;
    default:
      if (value === null) return 'null';
      throw new TypeError(`scaffold-mini: cannot print a ${typeof value} as a literal`);
  }
}
