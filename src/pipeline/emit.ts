import { basename, extname, join } from 'node:path';
import type { ResolvedOptions } from '../config.js';
import type { Report } from '../model/report.js';
import type { GraphSpec, TwinSpec } from '../model/twin-spec.js';
import type { DType, Shape } from '../model/shape.js';
import type { LoadedComposite } from './load.js';
import type { ProbeResult } from './probe.js';
import type { Twin } from './twin.js';
import { defaultOutDir } from './out-dir.js';

export interface Emitted {
  twinFile: string;
  mode: 'rewritten' | 'generated';
  notes: string[];
  writeReport(report: Report): Promise<void>;
}

/** Renders the twin (rewritten user code, or generated from the graph) and writes it atomically. */
export async function emitTwin(input: { opts: ResolvedOptions; loaded: LoadedComposite; probed: ProbeResult; twin: Twin; report: Report }): Promise<Emitted> {
  const { opts, loaded, probed, twin } = input;
  const outDir = opts.out ?? defaultOutDir(opts.file);
  const spec: TwinSpec = {
    compositeFile: opts.file,
    exportName: loaded.exportName,
    exportKind: loaded.exportKind,
    components: probed.components.map((c) => {
      const stub = twin.stubs.get(c.info.name);
      if (!stub) throw new Error(`internal: no stub for ${c.info.name}`);
      return {
        name: c.info.name,
        type: c.info.type,
        className: c.info.className,
        ...(c.info.wrapper ? { wrapper: c.info.wrapper } : {}),
        stub: stub.spec,
        applySites: c.applySites,
      };
    }),
    graph: graphSpec(probed),
  };
  const [{ renderTwin }, { writeGenerated }] = await Promise.all([import('../codegen/emit-twin.js'), import('../codegen/write-files.js')]);
  const rendered = await renderTwin(spec, { outDir });
  await writeGenerated(rendered.files, { force: opts.force });
  const twinFile = join(outDir, `${basename(opts.file, extname(opts.file))}.mini.ts`);
  return {
    twinFile,
    mode: rendered.mode,
    notes: rendered.notes,
    writeReport: async (report) => {
      await writeGenerated([{ path: join(outDir, 'report.json'), contents: `${JSON.stringify(report, null, 2)}\n` }], { force: opts.force });
    },
  };
}

function graphSpec(probed: ProbeResult): GraphSpec {
  const components = new Set(probed.components.map((c) => c.holder));
  const layers = new Map<string, GraphSpec['layers'][number]>();
  for (const node of probed.nodes) {
    const name = node.layer.name;
    let entry = layers.get(name);
    if (!entry) {
      let config: Record<string, unknown> = {};
      try {
        config = node.layer.getConfig() as Record<string, unknown>;
      } catch {
        // a user layer without getConfig: the emitter constructs it from source
      }
      entry = {
        name,
        className: node.layer.getClassName(),
        config,
        custom: !probed.builtins.has(node.layer.constructor),
        component: components.has(node.layer),
        nodes: [],
      };
      layers.set(name, entry);
    }
    entry.nodes.push({
      nodeIndex: node.nodeIndex,
      inbound: node.inputs.map((t) => ({ layer: t.sourceLayer.name, nodeIndex: t.nodeIndex, tensorIndex: t.tensorIndex })),
      callArgs: plainArgs(node.callArgs),
    });
  }
  return {
    inputs: probed.model.inputs.map((t) => ({ name: t.sourceLayer.name, shape: [...t.shape] as Shape, dtype: t.dtype as DType })),
    layers: [...layers.values()],
    outputs: probed.model.outputs.map((t) => ({ layer: t.sourceLayer.name, nodeIndex: t.nodeIndex, tensorIndex: t.tensorIndex })),
  };
}

function plainArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === 'mask' || value === undefined) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
  }
  return out;
}
