// How numbers, sizes, times and commands are written, the same in every reporter.

/** `2.63M`, `295.6k`, `1366`: a parameter count at a glance. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** `0.05%`, `<0.01%`, `-` for a share of nothing. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '-';
  const p = (100 * part) / whole;
  return p < 0.01 ? '<0.01%' : `${p.toFixed(2)}%`;
}

/** A share from 0 to 1 with one decimal: `40.0%`, `<0.1%`, `0%`. */
export function formatShare(share: number): string {
  const p = 100 * share;
  return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

/** `850 ms`, `2.10 s`. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`;
}

/** `72 B`, `201 kB`, `27.1 MB`, `1.12 GB`: a size at a glance (decimal units). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${sig(n / 1e9)} GB`;
  if (n >= 1e6) return `${sig(n / 1e6)} MB`;
  if (n >= 1e3) return `${sig(n / 1e3)} kB`;
  return `${n} B`;
}

/** `0.31 ms`, `14 ms`, `231 ms`, `10.3 s`, `3.1 min`: a duration of any size, at a glance (`-`: not measured). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms >= 60_000) return `${sig(ms / 60_000, 2)} min`;
  if (ms >= 1000) return `${sig(ms / 1000)} s`;
  return `${ms >= 100 ? Math.round(ms) : sig(ms, 2)} ms`;
}

/** A number to `digits` significant figures (3 by default); non-finite values unchanged. */
export function sig(x: number, digits = 3): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

/** A value for a label: three significant figures, exponents outside 1e-3 .. 1e4. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  return abs >= 1e4 || abs < 1e-3 ? x.toExponential(2) : String(sig(x));
}

/** `1 error`, `3 boundaries`. */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that finds a finding again: `npx scaffold-mini <file> --only <check> --seed <seed>`. */
export function replayCommand(file: string, check: string, seed: number): string {
  return `npx scaffold-mini ${shellQuote(file)} --only ${shellQuote(check)} --seed ${seed}`;
}
