import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { generatedHeader } from './generated-header.js';
import { packageInfo } from '../package-info.js';
import { renderTemplate } from './render-templates.js';

export interface RenderedFile {
  path: string;
  contents: string;
}

/**
 * Every `.ts` file of the package's stub runtime (sub-folders included; tests and `.d.ts` left
 * out), each with the generated header, to be written under `<outDir>/stubs/`.
 */
export async function renderStubFiles(outDir: string, header: { version: string; composite: string }): Promise<RenderedFile[]> {
  const root = packageInfo().stubsDir;
  const files = (await listTs(root)).sort();
  return Promise.all(
    files.map(async (file) => {
      const rel = relative(root, file).split(sep).join('/');
      const contents = await renderTemplate('stub-file.ts.hbs', {
        header: generatedHeader({ ...header, lines: [`copied from scaffold-mini's stub runtime (stubs/${rel})`] }).trimEnd(),
        contents: (await readFile(file, 'utf8')).trimEnd(),
      });
      return { path: join(outDir, 'stubs', ...rel.split('/')), contents };
    }),
  );
}

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return listTs(path);
      const wanted = e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts');
      return wanted ? [path] : [];
    }),
  );
  return nested.flat();
}
