// Running the scaffold-mini command (bin/scaffold-mini.js, as a user does) from end-to-end tests.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './run.js';

const BIN = join(ROOT, 'bin/scaffold-mini.js');

/**
 * The environment of a child process: no colours, and without NODE_TEST_CONTEXT (a node --test
 * child would otherwise think it runs inside this test and skip its files).
 */
export function childEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _inherited, ...env } = process.env;
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0' };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run. */
  ms: number;
}

/** Runs the command to its end. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: childEnv(),
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Starts the command and returns at once (watch mode, interrupting a run). */
export function startCli(args: string[], options: { cwd?: string } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(), stdio: 'pipe' });
}
