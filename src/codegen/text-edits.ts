/** Replace `text.slice(start, end)` with `text`. Offsets are into the original text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The slice `[from, to)` of `source` with every edit that lies inside it applied.
 * Edits must not overlap (the callers check that before).
 */
export function applyEdits(source: string, edits: readonly TextEdit[], from = 0, to = source.length): string {
  const inside = edits.filter((e) => e.start >= from && e.end <= to).sort((a, b) => a.start - b.start);
  let out = '';
  let at = from;
  for (const edit of inside) {
    out += source.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + source.slice(at, to);
}

/** The first pair of edits that overlap, if any. */
export function findOverlap(edits: readonly TextEdit[]): [TextEdit, TextEdit] | undefined {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const next = sorted[i];
    if (prev && next && next.start < prev.end) return [prev, next];
  }
  return undefined;
}
