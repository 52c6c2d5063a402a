import type { Report } from '../model/report.js';
import { renderJson } from './json.js';
import { renderJUnit } from './junit.js';
import { renderTerminal } from './terminal.js';

export interface RenderOptions {
  /** terminal: ANSI colours. Default: false. */
  color?: boolean;
  /** terminal: only the findings and the closing line. Default: false. */
  quiet?: boolean;
  /** html: the text of a source file the report names (relative to the working folder). Default: read from disk. */
  source?: (file: string) => string | undefined;
}

type Reporter = (report: Report, options: RenderOptions) => string | Promise<string>;

/** Every way a report is rendered; the HTML renderer (handlebars) is loaded only when asked for. */
export const REPORTERS = {
  terminal: (report, options) => renderTerminal(report, { color: options.color ?? false, quiet: options.quiet ?? false }),
  json: (report) => renderJson(report),
  junit: (report) => renderJUnit(report),
  html: async (report, options) => {
    const { readSourceText, renderHtml } = await import('./html.js');
    return renderHtml(report, { source: options.source ?? readSourceText });
  },
} as const satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof REPORTERS;

/** The one place a report becomes text: the command's outputs and the files beside the twin. */
export async function renderReport(name: ReporterName, report: Report, options: RenderOptions = {}): Promise<string> {
  return REPORTERS[name](report, options);
}
