/** The 1-based line of a character offset in a text. */
export function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** The line of the first of `needles` found in `text` (tried in order), or undefined. */
export function lineOf(text: string, ...needles: string[]): number | undefined {
  for (const needle of needles) {
    if (!needle) continue;
    const index = text.indexOf(needle);
    if (index >= 0) return lineAt(text, index);
  }
  return undefined;
}
