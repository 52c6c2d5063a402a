// Headless Chromium for the HTML report's browser test, with nothing installed outside
// node_modules: a system Chromium when there is one (faster to start), else the build that ships
// inside @sparticuz/chromium (unpacked on first use).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where a system Chromium may be; CHROMIUM_PATH names another. */
const SYSTEM = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
/**
 * Flags of the packaged build meant for serverless hosts that do not suit a test: two weaken the
 * security the page is checked under, and one process for everything ends the browser with the
 * first page closed.
 */
const UNSUITED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--single-process']);
/** No background traffic: this machine's network is closed, and the test counts every request. */
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ChromiumBuild {
  executablePath: string;
  args: string[];
  /** `system` or `@sparticuz/chromium`. */
  origin: string;
}

/** The Chromium the tests drive: the system one when present, else the packaged one. */
async function chromiumBuild(): Promise<ChromiumBuild> {
  const system = SYSTEM.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
  if (system) return { executablePath: system, args: ['--no-sandbox', ...QUIET], origin: 'system' };
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await packaged.executablePath();
  const args = packaged.args.filter((arg) => !UNSUITED.has(arg));
  return { executablePath, args: [...args, ...QUIET], origin: '@sparticuz/chromium' };
}

export async function launchChromium(): Promise<Browser> {
  const build = await chromiumBuild();
  return chromium.launch({ executablePath: build.executablePath, args: build.args, headless: true });
}
