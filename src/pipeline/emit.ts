import { basename, extname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../codegen/start-worker.js';
import { cachedTwin, fingerprintLine, twinFingerprint } from '../codegen/twin-cache.js';
import { deserializeError, type SerializedError } from '../errors.js';
import type { LoadedComposite } from '../model/composite.js';
import type { Emitted, TypeErrorAt } from '../model/emitted.js';
import type { ProbedComponent, ProbeResult } from '../model/probe.js';
import type { LayersModel } from '@tensorflow/tfjs';
import type { RunContext } from '../model/run-context.js';
import type { Session } from '../model/session.js';
import type { DType, Shape } from '../model/shape.js';
import type { Twin } from '../model/twin.js';
import type { GraphSpec, TwinComponent, TwinSpec } from '../model/twin-spec.js';
import { packageInfo } from '../package-info.js';
import { configOf } from '../tfjs/layer-config.js';

/** What emitting needs from the earlier stages. */
export interface EmitInput {
  loaded: LoadedComposite;
  probed: ProbeResult;
  twin: Twin;
}

/**
 * The emit stage. Starts rendering the twin (rewritten user code, or generated from the graph)
 * and writing it atomically, in a worker thread: the caller runs the checks meanwhile and awaits
 * the result, then hands it the report to write beside the twin.
 */
export function emit(input: EmitInput, ctx: Pick<RunContext, 'opts' | 'session'>): Promise<Emitted> {
  const { opts } = ctx;
  const outDir = opts.out;
  const spec = twinSpec(input, ctx);
  const fingerprint = twinFingerprint(packageInfo().version, input.loaded.source, spec);
  const job = { spec, outDir, force: opts.force, cwd: process.cwd(), headerLines: [fingerprintLine(fingerprint)] };
  const name = basename(opts.file, extname(opts.file));
  const twinFile = join(outDir, `${name}.mini.ts`);
  const done = (result: WorkerResult & { cached: boolean }): Emitted => ({
    twinFile,
    cached: result.cached,
    ms: result.ms,
    mode: result.mode,
    notes: result.notes,
    typeErrors: result.typeErrors,
    write: async (report, files) => {
      const [{ writeGenerated }, { renderMiniTest }, { renderReport }] = await Promise.all([
        import('../codegen/write-files.js'),
        import('../codegen/mini-test.js'),
        import('../reporters/index.js'),
      ]);
      const testFile = join(outDir, `${name}.mini.test.ts`);
      await writeGenerated(
        [
          { path: join(outDir, 'report.json'), contents: await renderReport('json', report) },
          { path: join(outDir, 'report.html'), contents: await renderReport('html', report) },
          { path: testFile, contents: await renderMiniTest(opts, outDir, testFile) },
          ...files,
        ],
        { force: opts.force },
      );
    },
  });
  const cached = cachedTwin(twinFile, outDir, fingerprint);
  if (cached) return Promise.resolve(done({ ...cached, ms: 0, cached: true }));
  return runWorker(job, ctx.session).then((result) => done({ ...result, cached: false }));
}

interface WorkerResult {
  mode: Emitted['mode'];
  notes: string[];
  typeErrors: TypeErrorAt[];
  ms: number;
}
type WorkerReply = ({ ok: true } & WorkerResult) | { ok: false; error: SerializedError };

/**
 * Runs one job in the emit worker. A single run's worker ends with its job; a watch session's is
 * kept (ts-morph loaded, the type checker warm) and takes the next save's job by message.
 */
function runWorker(job: object, session: Session | undefined): Promise<WorkerResult> {
  const kept = session?.emit as Worker | undefined;
  const worker = kept ?? startWorker('codegen', 'emit-worker', job);
  if (kept) {
    kept.ref();
    kept.postMessage(job);
  } else if (session) {
    session.emit = worker;
    // A worker that failed between jobs is dropped (the next save starts another), never thrown.
    const drop = (): void => {
      if (session.emit === worker) delete session.emit;
    };
    worker.on('error', drop);
    worker.once('exit', drop);
  }
  return new Promise((resolvePromise, reject) => {
    const onExit = (code: number): void => reject(new Error(`internal: the emit worker stopped (exit code ${code}) without a result`));
    worker.once('exit', onExit);
    worker.once('error', reject);
    worker.once('message', (reply: WorkerReply) => {
      worker.off('exit', onExit);
      worker.off('error', reject);
      // Between jobs a kept worker does not hold the process: the session ends when watching stops.
      if (session) worker.unref();
      else void worker.terminate();
      if (reply.ok) resolvePromise({ mode: reply.mode, notes: reply.notes, typeErrors: reply.typeErrors, ms: reply.ms });
      else reject(deserializeError(reply.error));
    });
  });
}

function twinSpec({ loaded, probed, twin }: EmitInput, { opts }: Pick<RunContext, 'opts'>): TwinSpec {
  return {
    compositeFile: opts.file,
    exportName: loaded.exportName,
    exportKind: loaded.exportKind,
    components: stubbedParts(probed, twin),
    graph: graphSpec(probed),
  };
}

/**
 * Every component the twin replaces with a stub; a layered component's own stubbed parts instead
 * of it (a part of a nested Sequential says where in it: its layers are not applied by the user).
 */
function stubbedParts(probed: ProbeResult, twin: Twin, parent?: ProbedComponent): TwinComponent[] {
  return probed.components.flatMap((c) => {
    const inner = twin.layered.get(c.info.name);
    if (inner && c.inner) return stubbedParts(c.inner, inner, c);
    const stub = twin.stubs.get(c.info.name);
    if (!stub) throw new Error(`internal: no stub for ${c.info.name}`);
    const sequential = parent && parent.layer.getClassName() === 'Sequential' ? (parent.layer as LayersModel) : undefined;
    const index = sequential ? sequential.layers.indexOf(c.holder) : -1;
    return [
      {
        name: c.info.name,
        type: c.info.type,
        className: c.info.className,
        ...(c.info.wrapper ? { wrapper: c.info.wrapper } : {}),
        // The first layer of a Sequential carries the Sequential's input shape.
        stub: index === 0 ? { ...stub.spec, batchInputShape: stub.spec.inputShapes[0] ?? [null] } : stub.spec,
        applySites: c.applySites,
        ...(parent && index >= 0 ? { within: { name: parent.info.name, index, applySites: parent.applySites } } : {}),
      },
    ];
  });
}

function graphSpec(probed: ProbeResult): GraphSpec {
  // Layered components are not one stub: in the graph they are layers like any other.
  const components = new Set(probed.components.filter((c) => !c.inner).map((c) => c.holder));
  const layeredHolders = new Set(probed.components.filter((c) => c.inner).map((c) => c.holder));
  const layers = new Map<string, GraphSpec['layers'][number]>();
  for (const node of probed.nodes) {
    const name = node.layer.name;
    let entry = layers.get(name);
    if (!entry) {
      // A user layer whose getConfig throws: the emitter constructs it from source.
      const config = configOf(node.layer);
      entry = {
        name,
        className: node.layer.getClassName(),
        config,
        custom: !probed.builtins.has(node.layer.constructor),
        component: components.has(node.layer),
        ...(layeredHolders.has(node.layer) ? { layered: true } : {}),
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
