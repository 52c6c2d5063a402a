// The offline HTML report, rendered from real runs and opened in headless Chromium: it renders,
// shows every component and finding, logs no error and asks the network for nothing. The tracker's
// page is also the README's screenshot (docs/report.png).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { Report } from '../../src/model/report.js';
import { run } from '../../src/pipeline/run.js';
import { renderHtml } from '../../src/reporters/html.js';
import { isGenerated } from '../../src/codegen/generated-header.js';
import { launchChromium } from '../helpers/browser.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The screenshot step always runs; it replaces the README's image only when asked
// (UPDATE_SCREENSHOT=1 npm test), so that a test run leaves the tree clean.
const SCREENSHOT = process.env['UPDATE_SCREENSHOT']
  ? join(ROOT, 'docs/report.png')
  : join(tmpdir(), `scaffold-mini-report-${process.pid}.png`);

const dir = mkdtempSync(join(tmpdir(), 'scaffold-mini-html-'));
let browser: Promise<Browser> | undefined;

after(async () => {
  await (await browser?.catch(() => undefined))?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Report paths are relative to the working directory, as the CLI sees them. */
const readSource = (file: string): string | undefined => {
  try {
    return readFileSync(resolve(process.cwd(), file), 'utf8');
  } catch {
    return undefined;
  }
};

function launch(): Promise<Browser> {
  browser ??= launchChromium();
  return browser;
}

interface Opened {
  page: Page;
  url: string;
  /** Every request the page made, its own file included. */
  requests: string[];
  /** Console errors and uncaught page errors (a CSP violation shows up here too). */
  errors: string[];
  text: string;
}

async function open(report: Report, name: string): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderHtml(report, { source: readSource }));
  const url = pathToFileURL(file).href;
  const page = await (await launch()).newPage({ viewport: { width: 1440, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => requests.push(request.url()));
  // Anything but the page itself is recorded above and refused here, so nothing leaves the machine.
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url, { waitUntil: 'load' });
  const text = normalise(await page.locator('body').innerText());
  return { page, url, requests, errors, text };
}

const normalise = (text: string) => text.replace(/\s+/g, ' ');

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};
const unescapeHtml = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => ENTITIES[e] ?? e);

async function assertRendered(opened: Opened, report: Report): Promise<void> {
  const { page, text } = opened;
  assert.ok((await page.title()).startsWith(`${report.ok ? 'ok' : 'not ok'}: ${report.file}`), await page.title());
  assert.equal(await page.locator('svg.graph').count(), 1, 'the graph SVG');
  const nodes = page.locator('svg.graph g.node.component');
  assert.equal(await nodes.count(), report.components.length, 'one graph node per component');
  assert.equal(
    await page.locator('table.costs tbody tr').count(),
    report.components.filter((c) => c.cost).length,
    'a cost row per component',
  );
  const names = await nodes.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')));
  const byName = (a: string | null, b: string | null): number => (a ?? '').localeCompare(b ?? '');
  assert.deepEqual(names.sort(byName), report.components.map((c) => c.name).sort(byName));
  assert.equal(
    await page.locator('svg.graph g.edge').count(),
    new Set(report.boundaries.map((b) => JSON.stringify(b))).size,
    'one edge per boundary',
  );
  for (const c of report.components) assert.ok(text.includes(c.name), `component ${c.name} in the page`);
  for (const check of report.checks) assert.ok(text.includes(check.id), `check ${check.id} in the page`);
  for (const f of report.findings) assert.ok(text.includes(normalise(f.message)), `finding in the page: ${f.message}`);
  assert.deepEqual(opened.errors, [], 'no console or page error');
  assert.deepEqual(opened.requests, [opened.url], 'no request but the page itself');
}

describe('renderHtml in Chromium', () => {
  it('renders the tracker: header, graph, components, checks and histograms (and the README screenshot)', async () => {
    await launch(); // fails first when no Chromium starts
    const report = await run(resolve(import.meta.dirname, '../../examples/tracker/composite.ts'), { emit: false, seed: 7, runs: 20 });
    const opened = await open(report, 'tracker');
    await assertRendered(opened, report);
    const { page, text } = opened;
    assert.match(text, /\bseed 7\b/);
    assert.ok(text.includes(report.environment.tfjs) && text.includes(report.environment.backend), 'the environment');
    assert.equal(await page.locator('svg.graph g.node.input[data-name="image"]').count(), 1, 'the image input');
    assert.equal(await page.locator('svg.graph g.node.output').count(), 1, 'the model output the detector feeds');
    assert.equal(await page.locator('svg.graph g.edge.masked').count(), report.boundaries.filter((b) => b.masked).length);
    assert.equal(await page.locator('#checks tbody tr').count(), report.checks.length);
    assert.equal(await page.locator('#activations figure.hist').count(), report.activations?.length ?? 0);
    assert.ok((report.activations?.length ?? 0) > 0, 'activation-health ran and left histograms');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.ok(existsSync(SCREENSHOT));
    await page.close();
  });

  it('renders the dead branch: the error, where it shows, its replay command and its source', async () => {
    await launch(); // fails first when no Chromium starts
    const report = await run(resolve(import.meta.dirname, '../../examples/bugs/dead-branch/composite.ts'), {
      emit: false,
      seed: 7,
      runs: 20,
      only: ['input-relevance'],
    });
    const finding = report.findings.find((f) => f.check === 'input-relevance' && f.severity === 'error');
    assert.ok(finding, JSON.stringify(report.findings));
    const opened = await open(report, 'dead-branch');
    await assertRendered(opened, report);
    const { page, text } = opened;
    assert.ok(text.includes(`npx scaffold-mini ${report.file} --only input-relevance --seed ${finding.seed}`), 'the replay command');
    assert.equal(await page.locator('article.finding.error').count(), 1);
    // The input the finding names is drawn, flagged, although no boundary touches it.
    assert.equal(await page.locator('svg.graph g.node.input.flag-error[data-name="meta"]').count(), 1);
    if (finding.source) {
      const line = readSource(finding.source.file)?.split(/\r?\n/)[finding.source.line - 1] ?? '';
      assert.ok(line.trim(), `line ${finding.source.line} of ${finding.source.file}`);
      const shown = normalise(await page.locator('article.finding.error .line.current').innerText());
      assert.ok(shown.startsWith(String(finding.source.line)) && shown.includes(normalise(line).trim()), shown);
    }
    await page.close();
  });
});

describe('renderHtml', () => {
  const base = (): Report => ({
    version: 1,
    file: 'examples/bugs/dead-branch/composite.ts',
    ok: false,
    seed: 3,
    components: [],
    boundaries: [
      { from: 'a', to: 'b', shape: [null, 4], dtype: 'float32', masked: false },
      { from: 'b', to: 'output', shape: [null, 4], dtype: 'float32', masked: true },
    ],
    checks: [{ id: 'input-relevance', status: 'fail', runs: 1, ms: 2 }],
    findings: [
      {
        check: 'input-relevance',
        severity: 'error',
        where: "input 'meta'",
        source: { file: 'examples/bugs/dead-branch/composite.ts', line: 23 },
        message: 'a <script>alert("x")</script> & more',
        counterexample: { curve: [1, 2], input: '<b>meta</b>' },
        seed: 11,
      },
    ],
    twin: { file: null, mode: null, params: 1, realParams: 2, notes: ['note <i>x</i>'] },
    timings: { totalMs: 5, loadMs: 1, probeMs: 1, twinMs: 1, checksMs: 1, emitMs: 0 },
    environment: { node: 'v20', tfjs: '4.22.0', backend: 'cpu' },
  });

  it('shows the lines around a finding, its own highlighted, and escapes every user text', () => {
    const html = renderHtml(base(), { source: readSource });
    const line = readSource('examples/bugs/dead-branch/composite.ts')?.split('\n')[22] ?? '';
    assert.ok(line.includes("name: 'meta'"), line);
    const current = /<span class="line current"[^>]*><span class="ln">23<\/span>([^<]*)<\/span>/.exec(html);
    assert.ok(current, 'the highlighted line');
    assert.equal(unescapeHtml(current[1] ?? ''), line);
    assert.equal((html.match(/<span class="ln">/g) ?? []).length, 7, 'three lines either side');
    assert.doesNotMatch(html, /<script|<b>meta|<i>x/);
    assert.match(html, /a &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; more/);
    assert.match(html, /npx scaffold-mini examples\/bugs\/dead-branch\/composite\.ts --only input-relevance --seed 11/);
  });

  it('is deterministic, and works without the sources or the histograms', () => {
    const report = base();
    const once = renderHtml(report, { source: () => undefined });
    assert.equal(renderHtml(report, { source: () => undefined }), once);
    assert.doesNotMatch(once, /class="line current"/);
    assert.match(once, /examples\/bugs\/dead-branch\/composite\.ts:23/);
    assert.doesNotMatch(once, /id="activations"/);
    assert.doesNotMatch(once, /<(?:script|link|img|iframe)\b|https?:\/\//, 'no script, no external resource');
    // Carries the generated mark, so a later run may overwrite it (and only it) in the output folder.
    assert.ok(isGenerated(once));
  });
});
