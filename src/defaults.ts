/**
 * The defaults of every option, in a module of its own: the light parent process of the command
 * (isolate.ts) reads the time and memory limits without loading the checks.
 */
export const DEFAULTS = { seed: 42, runs: 100, backend: 'cpu', minParams: 10_000, timeout: 60, maxMemoryMb: 4096 } as const;
