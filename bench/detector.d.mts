/** The source of the bench's 128x128 detector composite. */
export function detectorSource(): string;
/** Writes it into a new folder under `parent`; returns the composite's path. */
export function writeDetector(parent: string): string;
