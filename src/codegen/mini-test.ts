import { relative, sep } from 'node:path';
import type { ResolvedOptions } from '../config.js';
import { packageInfo } from '../package-info.js';
import { renderTemplate } from './render-templates.js';

/**
 * `<name>.mini.test.ts`: the run's checks as tests of the user's own runner (node --test or
 * Vitest), one test per check, with the run's seed and runs. Rendered from templates/mini-test.ts.hbs.
 */
export function renderMiniTest(opts: ResolvedOptions, outDir: string, testFile: string, cwd = process.cwd()): Promise<string> {
  const posix = (p: string): string => p.split(sep).join('/');
  const fromOut = posix(relative(outDir, opts.file));
  const options: Record<string, unknown> = { emit: false, seed: opts.seed, only: opts.checks };
  if (opts.runs !== undefined) options['runs'] = opts.runs;
  if (opts.thorough) options['thorough'] = true;
  if (opts.minParams !== undefined) options['minParams'] = opts.minParams;
  if (opts.exportName !== undefined) options['exportName'] = opts.exportName;
  if (opts.backend !== 'cpu') options['backend'] = opts.backend;
  return renderTemplate('mini-test.ts.hbs', {
    version: packageInfo().version,
    composite: posix(relative(cwd, opts.file)),
    testFile: posix(relative(cwd, testFile)),
    compositeUrlJson: JSON.stringify(fromOut.startsWith('.') ? fromOut : `./${fromOut}`),
    optionsJson: JSON.stringify(options),
    checksJson: JSON.stringify(opts.checks),
  });
}
