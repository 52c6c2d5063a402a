// Renders and writes the twin in a worker thread, so that loading ts-morph and rewriting the
// source (most of a second) runs on the other core while the checks run on this one.
import { parentPort, workerData } from 'node:worker_threads';
import type { TwinSpec } from '../model/twin-spec.js';
import { renderTwin } from './emit-twin.js';
import { writeGenerated } from './write-files.js';
import { serializeError } from '../errors.js';

interface EmitJob {
  spec: TwinSpec;
  outDir: string;
  force: boolean;
  cwd: string;
  headerLines: string[];
}

/** Renders and writes one twin, and replies with the result or the error. */
async function handle(job: EmitJob): Promise<void> {
  const started = performance.now();
  try {
    const rendered = await renderTwin(job.spec, { outDir: job.outDir, cwd: job.cwd, headerLines: job.headerLines, typeCheck: true });
    await writeGenerated(rendered.files, { force: job.force });
    parentPort?.postMessage({
      ok: true,
      mode: rendered.mode,
      notes: rendered.notes,
      typeErrors: rendered.typeErrors,
      ms: Math.round(performance.now() - started),
    });
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: serializeError(e) });
  }
}

// The first job comes with the worker; a watch session's worker gets the next ones by message,
// one at a time, with ts-morph loaded and the type checker's project warm.
await handle(workerData as EmitJob);
parentPort?.on('message', (job: EmitJob) => void handle(job));
