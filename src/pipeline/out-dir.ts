import { basename, dirname, extname, join } from 'node:path';

/** Default output folder: `<name>.mini/` beside the composite. */
export function defaultOutDir(file: string): string {
  return join(dirname(file), `${basename(file, extname(file))}.mini`);
}
