import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest file called `name` in `dir` or a folder above it (package.json, tsconfig.json), or undefined. */
export function findUp(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, name);
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}
