/** The source of the bench's billion-parameter composite. */
export function largeCompositeSource(): string;
/** Writes it into a new folder under `parent`; returns the composite's path. */
export function writeLargeComposite(parent: string): string;
