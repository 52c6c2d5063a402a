// The HTML report's component graph: nodes and boundary edges laid out as an inline SVG.
import type { Boundary, Report, Severity } from '../model/report.js';
import { formatShape } from '../model/shape.js';
import { push, round1, shortShape, truncate } from './html-format.js';
import { formatCount } from './format.js';

// Longest-path layering (inputs left, sinks right), a dummy node per layer an
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

export function graphView(report: Report, flags: Map<string, Severity>) {
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
  for (const f of report.findings) if (f.place?.kind === 'input') inputsNamed.add(f.place.name);
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
    for (const id of ids)
      pos.set(id, { x: xs[l] ?? 0, y: round1((centres.get(id) ?? 0) - top + G.pad - G.nodeHeight / 2), w: columnWidth[l] ?? 0 });
  });

  const nodeViews = ordered.flat().flatMap((id) => {
    const node = nodes.get(id) as GraphNode;
    if (node.dummy) return [];
    const p = pos.get(id) as { x: number; y: number; w: number };
    const text = nodeText(node);
    const severity = flags.get(named(id));
    const flag = severity === 'error' || severity === 'warning' ? severity : null;
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
        flag,
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
