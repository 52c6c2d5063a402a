/** Where in the composite's graph a finding shows: the structured form of its `where` text. */
export type Place =
  | { kind: 'boundary'; from: string; to: string }
  | { kind: 'layer'; name: string }
  | { kind: 'input'; name: string }
  | { kind: 'output'; name: string };

/** The text of a place, as findings write it in `where`: `a -> b`, `layer 'x'`, `input 'x'`, `output 'x'`. */
export function placeText(place: Place): string {
  return place.kind === 'boundary' ? `${place.from} -> ${place.to}` : `${place.kind} '${place.name}'`;
}

/** The names a place points at (both ends of a boundary). */
export function placeNames(place: Place): string[] {
  return place.kind === 'boundary' ? [place.from, place.to] : [place.name];
}

/** A finding's `where` and `place` together, from the place. */
function located(place: Place): { where: string; place: Place } {
  return { where: placeText(place), place };
}

/** The places by kind, each as the `where` and `place` of a finding. */
export const at = {
  boundary: (from: string, to: string) => located({ kind: 'boundary', from, to }),
  layer: (name: string) => located({ kind: 'layer', name }),
  input: (name: string) => located({ kind: 'input', name }),
  output: (name: string) => located({ kind: 'output', name }),
};
