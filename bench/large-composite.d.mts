/** The source of the bench's billion-parameter composite. */
export function largeCompositeSource(): string;
/** Writes it into a new folder under `parent`; returns the composite's path. */
export function writeLargeComposite(parent: string): string;
/** A generated composite's source as `composite.ts` in a new folder under `parent`; returns its path. */
export function writeComposite(parent: string, prefix: string, source: string): string;
