import { watch as watchFs, type FSWatcher } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import type { Options } from '../config.js';
import { formatError, isScaffoldError } from '../errors.js';
import type { Finding, Report } from '../model/report.js';
import { FIRST_CHECKS } from '../model/check-id.js';
import type { Progress, RunHooks } from '../model/progress.js';
import type { Session } from '../model/session.js';
import { run } from '../pipeline/run.js';

export interface WatchIo {
  /** Prints a block of output (the first run's summary, then what changed). */
  print(text: string): void;
  /** Renders a whole report (the first run, and a run after one that failed to load). */
  render(report: Report): string;
  hooks?: RunHooks;
  /** Stops watching when aborted. */
  signal: AbortSignal;
}

/** How long to wait for an editor to finish writing (several events per save) before re-running. */
const SETTLE_MS = 25;

/**
 * Runs the pipeline, then again in the same warm process whenever the composite or one of the
 * user's files it imports changes, printing only what changed since the last run (check statuses,
 * new and fixed findings) and how long it took from the save to the result. Resolves when aborted.
 */
export async function watch(file: string, options: Options, io: WatchIo): Promise<void> {
  let files: string[] = [file];
  let previous: Report | null = null;
  let watchers: FSWatcher[] = [];
  let pending: { file: string; at: number } | null = null;
  let running = false;
  // What the last run leaves for the next (its base passes and stubs, the emit worker): a run
  // after a save recomputes only what the save changed.
  const session: Session = {};

  const once = async (trigger: { file: string; at: number } | null): Promise<void> => {
    running = true;
    const started = trigger?.at ?? performance.now();
    // The watchers are armed before anything is printed: a save made as soon as the result shows
    // must not fall between the two.
    const first = trigger ? firstVerdict(trigger, (text) => io.print(text)) : null;
    const onProgress = (event: Progress): void => {
      io.hooks?.onProgress?.(event);
      first?.onProgress(event);
    };
    try {
      const report = await run(file, options, { ...io.hooks, onProgress, onFiles: (f) => (files = f) }, session);
      const ms = Math.round(performance.now() - started);
      running = false;
      arm();
      if (!previous || !trigger) io.print(io.render(report));
      else io.print(`${stamp()} ${relative(process.cwd(), trigger.file)} changed -> ${changes(previous, report)} (${ms} ms from the save)`);
      previous = report;
    } catch (e) {
      running = false;
      if (!isScaffoldError(e)) throw e;
      arm();
      io.print(`${stamp()} ${formatError(e)}`);
      previous = null; // the next good run prints the whole summary again
    }
  };

  const arm = (): void => {
    for (const w of watchers) w.close();
    const byDir = new Map<string, Set<string>>();
    for (const f of files) byDir.set(dirname(f), (byDir.get(dirname(f)) ?? new Set()).add(basename(f)));
    // Folders, not files: editors save by writing a new file and renaming it over the old one.
    watchers = [...byDir].map(([dir, names]) =>
      watchFs(dir, (_event, name) => {
        if (name && names.has(name.toString())) schedule(`${dir}/${name.toString()}`);
      }),
    );
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = (changed: string): void => {
    pending ??= { file: changed, at: performance.now() };
    clearTimeout(timer);
    timer = setTimeout(() => void next(), SETTLE_MS);
  };
  const next = async (): Promise<void> => {
    if (running || !pending || io.signal.aborted) return;
    const trigger = pending;
    pending = null;
    await once(trigger);
    if (pending) await next();
  };

  await once(null);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      resolve();
    };
    if (io.signal.aborted) stop();
    else io.signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * After a save, the verdict of the first checks (shape, dtype, finite at every boundary) as soon as
 * they are done, before the rest: a save that breaks the wiring is known at once.
 */
function firstVerdict(trigger: { file: string; at: number }, print: (text: string) => void): { onProgress(event: Progress): void } {
  const statuses: string[] = [];
  let done = false;
  const say = (rest: number): void => {
    done = true;
    const ms = Math.round(performance.now() - trigger.at);
    const more = rest > 0 ? `; ${rest} more check(s) follow` : '';
    print(
      `${stamp()} ${relative(process.cwd(), trigger.file)} changed -> first verdict: ${statuses.join(', ')} (${ms} ms after the save${more})`,
    );
  };
  const first = (id: string): boolean => (FIRST_CHECKS as readonly string[]).includes(id);
  return {
    onProgress(event) {
      if (done) return;
      if (event.phase === 'check' && first(event.id)) {
        statuses.push(`${event.id} ${event.status}`);
        if (event.index + 1 === event.total) say(0);
      } else if (event.phase === 'check-start' && !first(event.id) && statuses.length) say(event.total - event.index);
    },
  };
}

/** What differs between two runs, in one line (or a few when findings come and go). */
function changes(before: Report, after: Report): string {
  const parts: string[] = [];
  const statusBefore = new Map(before.checks.map((c) => [c.id, c.status]));
  for (const c of after.checks) {
    const was = statusBefore.get(c.id);
    if (was && was !== c.status) parts.push(`${c.id} ${was} -> ${c.status}`);
  }
  const key = (f: Finding): string => `${f.severity}|${f.check}|${f.where}|${f.message}`;
  const had = new Set(before.findings.map(key));
  const has = new Set(after.findings.map(key));
  const added = after.findings.filter((f) => !had.has(key(f)) && f.severity !== 'info');
  const gone = before.findings.filter((f) => !has.has(key(f)) && f.severity !== 'info');
  const errors = after.findings.filter((f) => f.severity === 'error').length;
  const warnings = after.findings.filter((f) => f.severity === 'warning').length;
  const head = parts.length || added.length || gone.length ? parts.join(', ') || 'findings changed' : 'no change';
  const lines = [`${head}: ${errors} error(s), ${warnings} warning(s)`];
  for (const f of added) lines.push(`  + ${f.severity} [${f.check}] ${f.where}: ${f.message}`);
  for (const f of gone) lines.push(`  - fixed: ${f.severity} [${f.check}] ${f.where}`);
  return lines.join('\n');
}

function stamp(): string {
  return `[${new Date().toTimeString().slice(0, 8)}]`;
}
