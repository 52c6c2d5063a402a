import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve as resolvePath } from 'node:path';
import type Handlebars from 'handlebars';
import type { Boundary, Finding, Report, ReportComponent, Severity } from '../model/report.js';
import { formatShape, type Shape } from '../model/shape.js';
import { packageInfo } from '../package-info.js';
import { formatCount } from './terminal.js';

export interface HtmlOptions {
  /** The text of a source file named in the report (paths relative to the working directory), if readable. */
  source(file: string): string | undefined;
}

/**
 * The offline HTML report: one self-contained page (inline CSS and SVG, no script, no request).
 * Pure: the graph layout, the snippets and every number are computed here, the template only places
 * them, and handlebars escapes every value.
 */
export function renderHtml(report: Report, options: HtmlOptions): string {
  return template()(reportView(report, options));
}

// ---------------------------------------------------------------------------------------------
// The template: handlebars is loaded and the template compiled on first use, once.

type Render = (view: ReportView) => string;
let compiled: Render | undefined;

function template(): Render {
  if (!compiled) {
    const handlebars = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
    const source = readFileSync(join(packageInfo().templatesDir, 'report.html.hbs'), 'utf8');
    // Escaping stays on (no `noEscape`); strict: a field the view lacks is a bug, not an empty string.
    const render = handlebars.compile<ReportView>(source, { strict: true });
    compiled = (view) => render(view);
  }
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// The view: everything the template shows, already formatted. Absent values are null, never missing.

type ReportView = ReturnType<typeof reportView>;

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const SNIPPET_CONTEXT = 3;

function reportView(report: Report, options: HtmlOptions) {
  const count = (severity: Severity) => report.findings.filter((f) => f.severity === severity).length;
  const status = (s: string) => report.checks.filter((c) => c.status === s).length;
  const flags = flaggedNames(report.findings);
  const errors = count('error');
  const warnings = count('warning');
  const maxCheckMs = Math.max(1, ...report.checks.map((c) => c.ms));
  const findings = report.findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.index - b.index)
    .map(({ finding }, i) => findingView(finding, i, report, options));
  return {
    file: report.file,
    title: `${report.ok ? 'ok' : 'not ok'}: ${report.file} (scaffold-mini report)`,
    ok: report.ok,
    verdict: report.ok ? 'ok' : 'not ok',
    verdictDetail: errors ? plural(errors, 'error') : 'no errors',
    seed: report.seed,
    version: packageInfo().version,
    reportVersion: report.version,
    counts: {
      components: report.components.length,
      boundaries: report.boundaries.length,
      checks: report.checks.length,
      passed: status('pass'),
      failed: status('fail'),
      skipped: status('skip'),
      errors,
      warnings,
      infos: count('info'),
      findings: report.findings.length,
    },
    words: {
      components: plural(report.components.length, 'component'),
      boundaries: plural(report.boundaries.length, 'boundary', 'boundaries'),
      errors: plural(errors, 'error').replace(/^\d+ /, ''),
      warnings: plural(warnings, 'warning').replace(/^\d+ /, ''),
      layers: plural(report.activations?.length ?? 0, 'layer'),
    },
    params: {
      real: formatCount(report.twin.realParams),
      twin: formatCount(report.twin.params),
      share: percent(report.twin.params, report.twin.realParams),
    },
    twin: {
      file: report.twin.file,
      mode: report.twin.mode,
      notes: report.twin.notes,
    },
    environment: report.environment,
    timings: timingsView(report.timings),
    graph: graphView(report, flags),
    boundaries: report.boundaries.map((b) => ({
      from: b.from,
      to: b.to,
      shape: formatShape(b.shape),
      dtype: b.dtype,
      masked: b.masked,
    })),
    components: report.components.map(componentView),
    checks: report.checks.map((c) => ({
      id: c.id,
      status: c.status,
      label: c.status === 'fail' ? 'FAIL' : c.status,
      runs: c.runs,
      ms: c.ms,
      bar: round1((100 * c.ms) / maxCheckMs),
      reason: c.reason ?? null,
    })),
    findings,
    activations: report.activations?.length ? report.activations.map((a) => activationView(a, report, flags)) : null,
  };
}

function componentView(c: ReportComponent) {
  const mask: string[] = [];
  if (c.masking.consumes) mask.push('consumes');
  if (c.masking.emits === 'pass') mask.push('passes');
  if (c.masking.emits === 'nonzero') mask.push('emits input != 0');
  return {
    name: c.name,
    className: c.wrapper ? `${c.className} in ${c.wrapper}` : c.className,
    kind: c.kind,
    inputs: c.inputShapes.map(formatShape).join(' '),
    outputs: c.outputShapes.map(formatShape).join(' '),
    dtypes: unique([...c.inputDtypes, ...c.outputDtypes]).join(', '),
    activation: c.outputActivation,
    mask: mask.length ? mask.join(', ') : null,
    params: formatCount(c.params),
    stubParams: formatCount(c.stub.params),
    stubTemplate: c.stub.template,
    share: percent(c.stub.params, c.params),
    source: c.source ? `${c.source.file}:${c.source.line}` : null,
  };
}

function findingView(f: Finding, index: number, report: Report, options: HtmlOptions) {
  const seed = f.seed ?? report.seed;
  return {
    id: `finding-${index + 1}`,
    number: index + 1,
    severity: f.severity,
    check: f.check,
    where: f.where,
    message: f.message,
    location: f.source ? `${f.source.file}:${f.source.line}${f.source.column ? `:${f.source.column}` : ''}` : null,
    snippet: f.source ? snippet(options.source(f.source.file), f.source.line) : null,
    counterexample: f.counterexample ? formatJson(f.counterexample) : null,
    seed,
    path: f.path ?? null,
    replay: `npx scaffold-mini ${shellQuote(report.file)} --only ${shellQuote(f.check)} --seed ${seed}`,
  };
}

/** The lines around `line` (1-based) of a source text, the line itself marked; null when unreadable. */
function snippet(text: string | undefined, line: number): { number: number; text: string; current: boolean }[] | null {
  if (text === undefined) return null;
  const lines = text.split(/\r?\n/);
  if (!Number.isInteger(line) || line < 1 || line > lines.length) return null;
  const first = Math.max(1, line - SNIPPET_CONTEXT);
  const last = Math.min(lines.length, line + SNIPPET_CONTEXT);
  const out = [];
  for (let n = first; n <= last; n++) out.push({ number: n, text: lines[n - 1] ?? '', current: n === line });
  return out;
}

function timingsView(t: Report['timings']) {
  const phases = [
    { key: 'load', label: 'load', ms: t.loadMs },
    { key: 'probe', label: 'probe', ms: t.probeMs },
    { key: 'twin', label: 'twin', ms: t.twinMs },
    { key: 'checks', label: 'checks', ms: t.checksMs },
    { key: 'emit', label: 'emit', ms: t.emitMs },
  ];
  const known = phases.reduce((sum, p) => sum + p.ms, 0);
  const total = Math.max(t.totalMs, known);
  phases.push({ key: 'other', label: 'other', ms: Math.max(0, t.totalMs - known) });
  return {
    total: formatMs(t.totalMs),
    phases: phases.map((p) => ({ ...p, text: formatMs(p.ms), width: total ? round1((100 * p.ms) / total) : 0 })),
  };
}

// ---------------------------------------------------------------------------------------------
// Activation histograms.

const HIST = { width: 240, height: 56 };

function activationView(a: NonNullable<Report['activations']>[number], report: Report, flags: Map<string, Severity>) {
  const counts = a.histogram.counts;
  const bins = Math.max(1, counts.length);
  const top = Math.max(1, ...counts);
  const step = (a.histogram.max - a.histogram.min) / bins;
  const barWidth = HIST.width / bins;
  const bars = counts.map((n, i) => {
    const h = n > 0 ? Math.max(1, (HIST.height * n) / top) : 0;
    const lo = a.histogram.min + i * step;
    return {
      x: round1(i * barWidth + 0.5),
      y: round1(HIST.height - h),
      width: round1(Math.max(1, barWidth - 1)),
      height: round1(h),
      title: `${formatNumber(lo)} to ${formatNumber(lo + step)}: ${n}`,
    };
  });
  const flag = flags.get(a.layer);
  return {
    layer: a.layer,
    activation: a.activation,
    stub: report.components.some((c) => c.name === a.layer),
    flag: flag === 'error' || flag === 'warning' ? flag : null,
    dead: formatShare(a.dead),
    deadWidth: round1(100 * clamp01(a.dead)),
    saturated: formatShare(a.saturated),
    saturatedWidth: round1(100 * clamp01(a.saturated)),
    min: formatNumber(a.histogram.min),
    max: formatNumber(a.histogram.max),
    values: counts.reduce((s, n) => s + n, 0),
    chart: { width: HIST.width, height: HIST.height, bars },
    label: `Histogram of ${a.layer}'s outputs from ${formatNumber(a.histogram.min)} to ${formatNumber(a.histogram.max)} in ${bins} bins`,
  };
}

// ---------------------------------------------------------------------------------------------
// The component graph: longest-path layering (inputs left, sinks right), a dummy node per layer an
// edge skips, a few barycenter sweeps keeping the order with the fewest crossings. Deterministic.

type Role = 'input' | 'component' | 'layer' | 'output';

/** The model-output end of boundaries with `to: 'output'`; cannot clash with a layer name. */
const OUTPUT = '\u0000output';

const G = {
  pad: 16,
  nodeHeight: 40,
  rowGap: 22,
  minGap: 48,
  nameChar: 7.6, // 12.5px bold monospace
  subChar: 6.4, // 10.5px monospace
  labelChar: 6.4, // 10.5px monospace
  maxNameChars: 24,
};

interface GraphNode {
  id: string;
  role: Role;
  dummy: boolean;
  layer: number;
}

interface GraphEdge {
  boundary: Boundary;
  /** Node ids from the producer to the consumer, dummies in between. */
  chain: string[];
}

function graphView(report: Report, flags: Map<string, Severity>) {
  const components = new Map(report.components.map((c) => [c.name, c]));
  const measured = new Set((report.activations ?? []).map((a) => a.layer));
  const nodes = new Map<string, GraphNode>();
  const named = (id: string) => (id === OUTPUT ? 'output' : id);
  const add = (id: string) => {
    if (!nodes.has(id)) nodes.set(id, { id, role: 'layer', dummy: false, layer: 0 });
  };

  // Edges: one per distinct boundary; self-loops cannot be drawn left to right and are listed only.
  const seen = new Set<string>();
  const boundaries: Boundary[] = [];
  for (const b of report.boundaries) {
    const key = JSON.stringify([b.from, b.to, b.shape, b.dtype, b.masked]);
    if (seen.has(key) || b.from === b.to) continue;
    seen.add(key);
    boundaries.push(b);
  }
  const endpoint = (name: string, consumer: boolean) => (consumer && name === 'output' ? OUTPUT : name);
  for (const b of boundaries) {
    add(endpoint(b.from, false));
    add(endpoint(b.to, true));
  }
  for (const c of report.components) add(c.name);
  const inputsNamed = new Set<string>();
  for (const f of report.findings) {
    for (const m of f.where.matchAll(/\binput '([^']+)'/g)) if (m[1]) inputsNamed.add(m[1]);
  }
  for (const name of inputsNamed) add(name);

  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const b of boundaries) {
    const from = endpoint(b.from, false);
    const to = endpoint(b.to, true);
    push(succs, from, to);
    push(preds, to, from);
  }

  // Roles. A producer nothing feeds is a model input unless activation-health measured it as a layer.
  for (const node of nodes.values()) {
    if (node.id === OUTPUT) node.role = 'output';
    else if (components.has(node.id)) node.role = 'component';
    else if (inputsNamed.has(node.id) || (!preds.has(node.id) && !measured.has(node.id))) node.role = 'input';
    else node.role = 'layer';
  }

  // Longest-path layering from the sources; every sink (outputs and final layers) goes to the last layer.
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle (impossible in a LayersModel): cut it here
    visiting.add(id);
    let d = 0;
    for (const p of preds.get(id) ?? []) d = Math.max(d, layerOf(p) + 1);
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const node of nodes.values()) node.layer = layerOf(node.id);
  const last = Math.max(0, ...[...nodes.values()].map((n) => n.layer));
  for (const node of nodes.values()) if (preds.has(node.id) && !succs.has(node.id)) node.layer = last;

  // Chains through dummy nodes, one per skipped layer.
  const edges: GraphEdge[] = boundaries.map((boundary, index) => {
    const from = nodes.get(endpoint(boundary.from, false)) as GraphNode;
    const to = nodes.get(endpoint(boundary.to, true)) as GraphNode;
    const chain = [from.id];
    for (let l = from.layer + 1; l < to.layer; l++) {
      const id = `\u0001${index}:${l}`;
      nodes.set(id, { id, role: 'layer', dummy: true, layer: l });
      chain.push(id);
    }
    chain.push(to.id);
    return { boundary, chain };
  });

  // Order within layers.
  const columns: string[][] = Array.from({ length: last + 1 }, () => []);
  for (const node of nodes.values()) columns[node.layer]?.push(node.id);
  const segments: [string, string][] = [];
  for (const e of edges) for (let i = 1; i < e.chain.length; i++) segments.push([e.chain[i - 1] as string, e.chain[i] as string]);
  const ordered = orderColumns(columns, segments, nodes);

  // Coordinates.
  const label = (b: Boundary) => shortShape(b.shape) + (b.dtype === 'float32' ? '' : ` ${b.dtype}`);
  const nodeText = (node: GraphNode) => {
    const c = components.get(node.id);
    const name = truncate(named(node.id), G.maxNameChars);
    const subtitle =
      node.role === 'component' && c ? `${c.kind} · ${c.outputActivation}` : node.role === 'output' ? 'model output' : node.role;
    return { name, subtitle };
  };
  const labelWidth = (b: Boundary) => Math.ceil(label(b).length * G.labelChar + 16);
  const columnWidth = ordered.map((ids, l) =>
    Math.max(
      84,
      ...edges.filter((e) => e.chain.length > 2 && nodes.get(e.chain[1] as string)?.layer === l).map((e) => labelWidth(e.boundary)),
      ...ids
        .map((id) => nodes.get(id) as GraphNode)
        .filter((n) => !n.dummy)
        .map((n) => {
          const t = nodeText(n);
          return Math.ceil(Math.max(t.name.length * G.nameChar, t.subtitle.length * G.subChar) + 24);
        }),
    ),
  );
  const gaps = ordered.map((_, l) =>
    Math.max(
      G.minGap,
      ...edges.filter((e) => e.chain.length === 2 && nodes.get(e.chain[0] as string)?.layer === l).map((e) => labelWidth(e.boundary) + 12),
    ),
  );
  const xs: number[] = [];
  let x = G.pad;
  for (let l = 0; l < ordered.length; l++) {
    xs.push(x);
    x += (columnWidth[l] ?? 0) + (l < ordered.length - 1 ? (gaps[l] ?? 0) : 0);
  }
  const width = Math.ceil(x + G.pad);
  const centres = placeRows(ordered, segments, nodes);
  const top = Math.min(...[...centres].map(([id, y]) => y - halfHeight(nodes.get(id))));
  const bottom = Math.max(...[...centres].map(([id, y]) => y + halfHeight(nodes.get(id))));
  const height = Math.ceil(bottom - top + 2 * G.pad);
  const pos = new Map<string, { x: number; y: number; w: number }>();
  ordered.forEach((ids, l) => {
    for (const id of ids) pos.set(id, { x: xs[l] ?? 0, y: round1((centres.get(id) ?? 0) - top + G.pad - G.nodeHeight / 2), w: columnWidth[l] ?? 0 });
  });

  const nodeViews = ordered.flat().flatMap((id) => {
    const node = nodes.get(id) as GraphNode;
    if (node.dummy) return [];
    const p = pos.get(id) as { x: number; y: number; w: number };
    const text = nodeText(node);
    const flag = flags.get(named(id));
    const c = components.get(id);
    const title =
      node.role === 'component' && c
        ? `${c.name}: ${c.className} (${c.kind}), ${c.inputShapes.map(formatShape).join(' ')} -> ${c.outputShapes.map(formatShape).join(' ')}, ${c.outputActivation}, ${formatCount(c.params)} params`
        : `${named(id)} (${text.subtitle})`;
    return [
      {
        name: named(id),
        label: text.name,
        subtitle: text.subtitle,
        role: node.role,
        flag: flag === 'error' || flag === 'warning' ? flag : null,
        title: flag ? `${title}; has ${flag === 'error' ? 'an error' : 'a warning'}` : title,
        x: p.x,
        y: p.y,
        width: p.w,
        height: G.nodeHeight,
        cx: round1(p.x + p.w / 2),
        nameY: p.y + 17,
        subY: p.y + 31,
      },
    ];
  });

  const mid = G.nodeHeight / 2;
  const edgeViews = edges.map((e) => {
    const points: [number, number][] = [];
    e.chain.forEach((id, i) => {
      const p = pos.get(id) as { x: number; y: number; w: number };
      const y = p.y + mid;
      if (i === 0) points.push([p.x + p.w, y]);
      else if (i === e.chain.length - 1) points.push([p.x - 2, y]);
      else points.push([p.x, y], [p.x + p.w, y]); // dummies run straight through their column
    });
    let d = '';
    for (let i = 0; i < points.length; i++) {
      const [px, py] = points[i] as [number, number];
      if (i === 0) d = `M${round1(px)},${round1(py)}`;
      else {
        const [qx, qy] = points[i - 1] as [number, number];
        if (qy === py) d += ` L${round1(px)},${round1(py)}`;
        else {
          const m = round1((qx + px) / 2);
          d += ` C${m},${round1(qy)} ${m},${round1(py)} ${round1(px)},${round1(py)}`;
        }
      }
    }
    // The label sits mid-gap on a direct edge, and on the straight run through the first skipped
    // layer on a long one, away from where edges fan out of the same node.
    const [x0, y0] = points[e.chain.length > 2 ? 1 : 0] as [number, number];
    const [x1, y1] = points[e.chain.length > 2 ? 2 : 1] as [number, number];
    const b = e.boundary;
    return {
      d,
      masked: b.masked,
      label: label(b),
      labelX: round1((x0 + x1) / 2),
      labelY: round1((y0 + y1) / 2),
      title: `${b.from} -> ${b.to}: ${formatShape(b.shape)} ${b.dtype}${b.masked ? ', masked' : ''}`,
    };
  });

  const count = (role: Role) => nodeViews.filter((n) => n.role === role).length;
  return {
    width,
    height,
    nodes: nodeViews,
    edges: edgeViews,
    empty: nodeViews.length === 0,
    description:
      `${count('input')} inputs, ${count('component')} components, ${count('layer')} other layers` +
      `${count('output') ? ', the model output' : ''}; ${edgeViews.length} boundaries, listed in the table below.`,
  };
}

const halfHeight = (node: GraphNode | undefined) => (node?.dummy ? 4 : G.nodeHeight / 2);

/**
 * Vertical centres: each node as near as it can get to the mean of its neighbours on the side of the
 * sweep (alternating down and up), keeping the order and a gap within its layer. Deterministic.
 */
function placeRows(columns: string[][], segments: [string, string][], nodes: Map<string, GraphNode>): Map<string, number> {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const [a, b] of segments) {
    push(down, a, b);
    push(up, b, a);
  }
  const spacing = (a: string, b: string) => halfHeight(nodes.get(a)) + halfHeight(nodes.get(b)) + G.rowGap;
  const y = new Map<string, number>();
  for (const ids of columns) {
    let at = 0;
    ids.forEach((id, i) => {
      if (i > 0) at += spacing(ids[i - 1] as string, id);
      y.set(id, at);
    });
  }
  for (let sweep = 0; sweep < 5; sweep++) {
    const downward = sweep % 2 === 0;
    const order = columns.map((_, l) => l);
    if (!downward) order.reverse();
    for (const l of order) {
      const ids = columns[l] ?? [];
      if (ids.length === 0) continue;
      const wish = ids.map((id) => {
        const ns = (downward ? up : down).get(id) ?? [];
        return ns.length ? ns.reduce((s, n) => s + (y.get(n) ?? 0), 0) / ns.length : (y.get(id) ?? 0);
      });
      // Push down what would overlap, then shift the whole layer back by the mean push.
      const placed = [...wish];
      for (let i = 1; i < placed.length; i++) {
        placed[i] = Math.max(placed[i] as number, (placed[i - 1] as number) + spacing(ids[i - 1] as string, ids[i] as string));
      }
      const shift = placed.reduce((s, v, i) => s + (v - (wish[i] as number)), 0) / placed.length;
      ids.forEach((id, i) => y.set(id, (placed[i] as number) - shift));
    }
  }
  return y;
}

/** Barycenter sweeps, down then up, keeping the ordering with the fewest crossings (ties: the first). */
function orderColumns(columns: string[][], segments: [string, string][], nodes: Map<string, GraphNode>): string[][] {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const [a, b] of segments) {
    push(down, a, b);
    push(up, b, a);
  }
  let current = columns.map((ids) => [...ids]);
  const position = (cols: string[][]) => {
    const at = new Map<string, number>();
    for (const ids of cols) ids.forEach((id, i) => at.set(id, i));
    return at;
  };
  const crossings = (cols: string[][]) => {
    const at = position(cols);
    const byLayer = new Map<number, [number, number][]>();
    for (const [a, b] of segments) {
      const layer = nodes.get(a)?.layer ?? 0;
      if ((nodes.get(b)?.layer ?? 0) !== layer + 1) continue;
      push(byLayer, layer, [at.get(a) ?? 0, at.get(b) ?? 0] as [number, number]);
    }
    let n = 0;
    for (const segs of byLayer.values()) {
      for (let i = 0; i < segs.length; i++) {
        for (let j = i + 1; j < segs.length; j++) {
          const [a0, b0] = segs[i] as [number, number];
          const [a1, b1] = segs[j] as [number, number];
          if ((a0 - a1) * (b0 - b1) < 0) n++;
        }
      }
    }
    return n;
  };
  let best = current.map((ids) => [...ids]);
  let fewest = crossings(best);
  for (let sweep = 0; sweep < 8 && fewest > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const layers = current.map((_, l) => l);
    if (!downward) layers.reverse();
    for (const l of layers) {
      const neighbours = downward ? up : down;
      const at = position(current);
      const ids = current[l] ?? [];
      const key = new Map(
        ids.map((id, i) => {
          const ns = (neighbours.get(id) ?? []).map((n) => at.get(n) ?? 0);
          return [id, ns.length ? ns.reduce((s, v) => s + v, 0) / ns.length : i];
        }),
      );
      current[l] = ids
        .map((id, i) => ({ id, i }))
        .sort((a, b) => (key.get(a.id) ?? 0) - (key.get(b.id) ?? 0) || a.i - b.i)
        .map((e) => e.id);
    }
    const n = crossings(current);
    if (n < fewest) {
      fewest = n;
      best = current.map((ids) => [...ids]);
    }
  }
  current = best;
  return current;
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/** The names a finding's `where` points at (`layer 'x'`, `input 'x'`, `output 'x'`, `a -> b`), worst severity first. */
function flaggedNames(findings: Finding[]): Map<string, Severity> {
  const flags = new Map<string, Severity>();
  for (const f of findings) {
    const names = [...f.where.matchAll(/\b(?:input|layer|output) '([^']+)'/g)].map((m) => m[1] ?? '');
    const arrow = /^([^'\s]+) -> ([^'\s]+)$/.exec(f.where);
    if (arrow) names.push(arrow[1] ?? '', arrow[2] ?? '');
    for (const name of names) {
      const before = flags.get(name);
      if (name && (before === undefined || SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[before])) flags.set(name, f.severity);
    }
  }
  return flags;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** `[?,14,14,256]`: a boundary label short enough to sit between two columns. */
function shortShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** JSON with arrays of plain values on one line (loss curves, shapes) and objects indented. */
function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const flat = JSON.stringify(value);
    if (flat.length <= 72 && entries.every(([, v]) => v === null || typeof v !== 'object')) return flat.replace(/,"/g, ', "').replace(/":/g, '": ');
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

function percent(part: number, whole: number): string {
  if (whole === 0) return '-';
  const p = (100 * part) / whole;
  return p < 0.01 ? '<0.01%' : `${p.toFixed(2)}%`;
}

function formatShare(share: number): string {
  const p = 100 * share;
  return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`;
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  return abs >= 1e4 || abs < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(3)));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Reads a source file named in a report (relative to the working directory) for the snippets; undefined when unreadable. */
export function readSourceText(file: string): string | undefined {
  try {
    return readFileSync(resolvePath(process.cwd(), file), 'utf8');
  } catch {
    return undefined;
  }
}
