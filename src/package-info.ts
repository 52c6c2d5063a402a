import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  /** The folder holding scaffold-mini's package.json. */
  root: string;
  version: string;
  /** The stub runtime copied beside every twin. */
  stubsDir: string;
  templatesDir: string;
}

let cached: PackageInfo | undefined;

/**
 * Where this package lives. Walks up to the nearest package.json named "scaffold-mini", so it
 * works from `src/codegen/` (tsx) and from `dist/src/codegen/` (compiled) alike.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest?.name === 'scaffold-mini') {
      cached = {
        root: dir,
        version: manifest.version ?? '0.0.0',
        stubsDir: join(dir, 'stubs'),
        templatesDir: join(dir, 'templates'),
      };
      return cached;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`scaffold-mini: no package.json named "scaffold-mini" above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function readManifest(path: string): { name?: string; version?: string } | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined; // unreadable or not JSON: not ours, keep walking up
  }
}
