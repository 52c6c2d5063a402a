const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with yield let static implements interface package private protected public await async of ' +
    'arguments eval undefined NaN Infinity'
  ).split(' '),
);

/** A valid identifier made from any text (a layer name such as `dense_Dense1` or `conv-1/a`). */
export function toIdentifier(text: string): string {
  let id = text.replace(/[^\w$]+/g, '_');
  if (id === '' || /^\d/.test(id)) id = `_${id}`;
  return RESERVED.has(id) ? `${id}_` : id;
}

/** Hands out identifiers that collide neither with the user's nor with each other. */
export class NameScope {
  private readonly taken: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.taken = new Set(taken);
  }

  /** Marks names as used without renaming them (names the output must have, like an export). */
  reserve(...names: string[]): void {
    for (const name of names) this.taken.add(name);
  }

  /** `preferred` itself when free, else `preferred2`, `preferred3`, ... */
  claim(preferred: string): string {
    const base = toIdentifier(preferred);
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}${n}`;
    this.taken.add(name);
    return name;
  }
}
