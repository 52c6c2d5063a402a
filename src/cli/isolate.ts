import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../config.js';
import { formatError, ScaffoldError } from '../errors.js';
import type { UserPhase } from '../model/progress.js';
import { numberFlag } from './flags.js';

/** Set in the child process that does the work. */
export const CHILD_ENV = 'SCAFFOLD_MINI_CHILD';
/** How long after the time limit the watchdog gives a phase before it stops the child. */
const GRACE_MS = 1000;

type Phase = UserPhase;
const WATCHED: Record<Phase, string | null> = {
  import: 'importing the module',
  factory: "running the module's factory",
  probe: 'probing the model',
  twin: 'building the twin',
  checks: null,
};

/**
 * Runs the CLI in a child process and watches it: the user's module, its factory and the probe
 * run there, under a memory limit; a phase of the user's code that outlives `--timeout` (an infinite
 * loop at import, in the factory or in a layer's build) is stopped within the time limit plus a
 * second and becomes exit 2 naming the phase, and so does running out of memory. Output passes
 * through unchanged; SIGINT and SIGTERM are handed on (the child's writes are atomic).
 */
export function runIsolated(argv: string[]): Promise<number> {
  const timeoutMs = (numberFlag(argv, 'timeout') ?? DEFAULTS.timeout) * 1000;
  // The child's memory limit: user code that allocates without end stops there, not the machine.
  const memoryMb = numberFlag(argv, 'max-memory') ?? DEFAULTS.maxMemoryMb;
  const entry = fileURLToPath(new URL('./entry.js', import.meta.url));
  const child = spawn(process.execPath, [`--max-old-space-size=${memoryMb + 512}`, ...process.execArgv, entry, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  let phase: { name: Phase; at: number } | null = null;
  let stopped: ScaffoldError | null = null;
  child.on('message', (m: { phase?: Phase }) => {
    if (m.phase) phase = { name: m.phase, at: Date.now() };
  });
  const watchdog = setInterval(() => {
    if (stopped) return;
    // The memory limit is kept on the child's resident memory (read from /proc on Linux) before
    // V8's own heap limit (set higher) would end it with a page of diagnostics.
    const rssMb = residentMb(child.pid);
    if (rssMb !== undefined && rssMb > memoryMb) {
      stopped = outOfMemory(memoryMb, phase?.name);
      child.kill('SIGKILL');
      return;
    }
    if (!phase) return;
    const what = WATCHED[phase.name];
    if (what && Date.now() - phase.at > timeoutMs + GRACE_MS) {
      stopped = new ScaffoldError(
        'E_TIMEOUT',
        `${what} did not finish within ${timeoutMs / 1000} s (phase: ${phase.name}); it was stopped`,
        {
          hint: "look for an endless loop or a very slow step in your module at import, in the factory or in a layer's build; raise the limit with --timeout SECONDS",
        },
      );
      child.kill('SIGKILL');
    }
  }, 100);
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearInterval(watchdog);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (stopped) {
        process.stderr.write(`${formatError(stopped)}\n`);
        resolve(2);
        return;
      }
      if (signal === 'SIGABRT' || code === 134) {
        process.stderr.write(`${formatError(outOfMemory(memoryMb, phase?.name))}\n`);
        resolve(2);
        return;
      }
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

function outOfMemory(limitMb: number, phase: Phase | undefined): ScaffoldError {
  const where = phase ? ` while ${phase === 'checks' ? 'running the checks' : (WATCHED[phase] ?? phase)}` : '';
  return new ScaffoldError('E_MEMORY', `ran out of memory (limit ${limitMb} MB)${where}; it was stopped`, {
    hint: 'your module or a layer allocates more than fits: look for a huge array or tensor made at import or in the factory (or raise --max-memory MB)',
  });
}

/** Resident memory of a process in MB, from /proc (undefined where there is none). */
function residentMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
