import { resolveOptions } from '../config.js';
import { isScaffoldError } from '../errors.js';
import type { Emitted } from '../model/emitted.js';
import type { Options } from '../model/options.js';
import type { RunHooks } from '../model/progress.js';
import type { Report } from '../model/report.js';
import type { Session } from '../model/session.js';
import type { RunContext } from '../model/run-context.js';
import { builtinClasses } from '../tfjs/builtin-classes.js';
import { loadTf, selectBackend } from '../tfjs/tf-instance.js';
import { check } from './check.js';
import { discover } from './discover.js';
import { emit } from './emit.js';
import { load } from './load.js';
import { probe } from './probe.js';
import { report } from './report.js';
import { twin as buildTwinStage } from './twin.js';

type TimedPhase = 'load' | 'probe' | 'twin' | 'emit';

/**
 * The whole pipeline: load -> discover -> probe -> twin -> check (while emit writes the twin) ->
 * report. `session` holds a watch session's state between its runs.
 */
export async function run(file: string, options: Options = {}, hooks: RunHooks = {}, session?: Session): Promise<Report> {
  const started = performance.now();
  const opts = resolveOptions(file, options);
  const { tf } = await loadTf(opts.file);
  const backend = await selectBackend(tf, opts.backend, opts.file);
  const ctx: RunContext = { tf, opts, backend, builtins: builtinClasses(tf), hooks, ...(session ? { session } : {}) };
  const ms: Partial<Record<TimedPhase, number>> = {};
  const timed = async <T>(phase: TimedPhase, work: () => Promise<T> | T): Promise<T> => {
    if (phase === 'probe' || phase === 'twin') hooks.onPhaseStart?.(phase);
    const t0 = performance.now();
    const result = await work();
    ms[phase] = Math.round(performance.now() - t0);
    hooks.onProgress?.({ phase, ms: ms[phase] ?? 0 });
    return result;
  };

  const loaded = await timed('load', () => load(opts.file, ctx));
  hooks.onFiles?.(loaded.files);
  const probed = await timed('probe', () => probe(discover(loaded, ctx), ctx));
  const twin = await timed('twin', () => buildTwinStage({ loaded, probed }, ctx));
  // The twin is rendered and written on the other core while the checks run here.
  const emitting = opts.emit ? emit({ loaded, probed, twin }, ctx) : null;
  emitting?.catch(() => undefined); // awaited below; keeps an early failure from being unhandled meanwhile
  const checked = await check({ loaded, probed, twin }, ctx);
  const { emitted, note } = emitting ? await settled(emitting) : { emitted: null, note: null };
  if (emitted) {
    ms.emit = emitted.ms;
    hooks.onProgress?.({ phase: 'emit', ms: emitted.ms });
  }
  const timings = {
    totalMs: Math.round(performance.now() - started),
    loadMs: ms.load ?? 0,
    probeMs: ms.probe ?? 0,
    twinMs: ms.twin ?? 0,
    checksMs: checked.ms,
    emitMs: ms.emit ?? 0,
  };
  const result = report({ probed, twin, checked, emitted, timings }, ctx);
  if (note) result.twin.notes.push(note);
  if (emitted) await emitted.write(result, checked.files);
  return result;
}

/** Errors of emitting that stop the run: the user's own file would be overwritten, or a write failed. */
const FATAL_EMIT = new Set(['E_WOULD_OVERWRITE', 'E_WRITE']);

/**
 * The emitted twin, or why it could not be written: a twin the code generator cannot express is
 * its limitation, not a fault of the model, so the checks' verdict stands and a note says so.
 */
async function settled(emitting: Promise<Emitted>): Promise<{ emitted: Emitted | null; note: string | null }> {
  try {
    return { emitted: await emitting, note: null };
  } catch (e) {
    if (isScaffoldError(e) && FATAL_EMIT.has(e.code)) throw e;
    return { emitted: null, note: `the twin could not be written, the checks ran on it all the same: ${(e as Error).message}` };
  }
}
