import type { Report } from '../model/report.js';

/** The contract's JSON report (section 4). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
