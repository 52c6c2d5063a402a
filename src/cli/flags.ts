import { DEFAULTS } from '../config.js';
import { CHECK_IDS } from '../model/check-id.js';
import type { Options } from '../model/options.js';

/** What the command takes besides the pipeline's options: its outputs and its own behaviour. */
export interface CommandOptions {
  json?: string;
  junit?: string;
  html?: string;
  quiet?: boolean;
  verbose?: boolean;
  watch?: boolean;
  /** Memory limit in MB of the process that runs the user's module (isolate.ts). */
  maxMemory?: number;
}

type AllOptions = Options & CommandOptions;

/** How a flag's value is written on the command line, from the type of the option it sets. */
type Kind<T> = [T] extends [boolean]
  ? 'boolean'
  : [T] extends [number]
    ? 'number'
    : [T] extends [readonly string[]]
      ? 'list'
      : [T] extends [string]
        ? 'string'
        : never;

/** One flag, typed against the option it sets: its kind, choices and default follow that option's type. */
type FlagFor<K extends keyof AllOptions> = {
  key: K;
  kind: Kind<NonNullable<AllOptions[K]>>;
  describe: string;
  choices?: readonly NonNullable<AllOptions[K]>[];
  default?: NonNullable<AllOptions[K]>;
};
type Flag = { [K in keyof AllOptions]-?: FlagFor<K> }[keyof AllOptions];

/** Every flag of the command, by its name on the command line. */
export const FLAGS = {
  out: { key: 'out', kind: 'string', describe: 'folder for the twin (default: <name>.mini/ beside the composite)' },
  json: { key: 'json', kind: 'string', describe: 'write the JSON report (contract version 1) to FILE' },
  junit: { key: 'junit', kind: 'string', describe: 'write a JUnit XML report to FILE (one test case per check and boundary), for CI' },
  html: { key: 'html', kind: 'string', describe: 'write the offline HTML report to FILE (also report.html in the output folder)' },
  seed: {
    key: 'seed',
    kind: 'number',
    describe: `seed of the fake data and stub weights (default ${DEFAULTS.seed}); another seed explores other samples`,
  },
  runs: {
    key: 'runs',
    kind: 'number',
    describe: "fast-check runs per property, for every check (default: each check's own budget, chosen by detection power)",
  },
  thorough: {
    key: 'thorough',
    kind: 'boolean',
    default: false,
    describe: `every property check with the full budget of ${DEFAULTS.runs} runs (for CI)`,
  },
  only: { key: 'only', kind: 'list', describe: `run only these checks, comma-separated (${CHECK_IDS.join(', ')})` },
  skip: { key: 'skip', kind: 'list', describe: 'skip these checks, comma-separated' },
  backend: {
    key: 'backend',
    kind: 'string',
    choices: ['cpu', 'wasm', 'tensorflow'],
    describe: 'tfjs backend (default cpu; wasm runs gradient work on cpu; tensorflow needs @tensorflow/tfjs-node or -node-gpu)',
  },
  export: { key: 'exportName', kind: 'string', describe: 'export that builds the model (default: the default export)' },
  'min-params': {
    key: 'minParams',
    kind: 'number',
    describe:
      'also stub every built-in layer with at least N params (by default only the expensive ones: large forward passes or weights, recurrent layers)',
  },
  timeout: { key: 'timeout', kind: 'number', describe: `seconds the import and the factory may take (default ${DEFAULTS.timeout})` },
  'max-memory': {
    key: 'maxMemory',
    kind: 'number',
    describe: `memory limit in MB of the process that runs your module (default ${DEFAULTS.maxMemoryMb})`,
  },
  'overfit-real': {
    key: 'overfitReal',
    kind: 'string',
    describe: 'overfit with this one component real instead of stubbed (slow: it trains the real thing)',
  },
  preprocess: {
    key: 'preprocess',
    kind: 'string',
    describe: 'module exporting your preprocessing function: its output on a fixed input is fingerprinted in <out>/fingerprint.json',
  },
  emit: { key: 'emit', kind: 'boolean', default: true, describe: 'write the twin (--no-emit to skip)' },
  force: { key: 'force', kind: 'boolean', default: false, describe: 'overwrite files scaffold-mini did not generate' },
  quiet: { key: 'quiet', kind: 'boolean', default: false, describe: 'print only findings and the closing line' },
  verbose: { key: 'verbose', kind: 'boolean', default: false, describe: 'with an error, also print its whole stack' },
  watch: {
    key: 'watch',
    kind: 'boolean',
    default: false,
    describe: 're-run when the composite or a file it imports changes, printing what changed',
  },
} as const satisfies Record<string, Flag>;

export type FlagName = keyof typeof FLAGS;

// Every option has a flag: an option added to Options without one fails to compile here.
type Covered = (typeof FLAGS)[FlagName]['key'];
const everyOptionHasAFlag: [Exclude<keyof AllOptions, Covered>] extends [never] ? true : never = true;
void everyOptionHasAFlag;

const COMMAND_KEYS: ReadonlySet<keyof AllOptions> = new Set<keyof CommandOptions>([
  'json',
  'junit',
  'html',
  'quiet',
  'verbose',
  'watch',
  'maxMemory',
]);

/** The parsed flags (by flag name) as the pipeline's options and the command's own. */
export function optionsFromFlags(args: Readonly<Record<string, unknown>>): { options: Options; command: CommandOptions } {
  const options: Record<string, unknown> = {};
  const command: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(FLAGS) as [FlagName, Flag][]) {
    const raw = args[name];
    if (raw === undefined) continue;
    const value = flag.kind === 'list' && typeof raw === 'string' ? splitList(raw) : raw;
    (COMMAND_KEYS.has(flag.key) ? command : options)[flag.key] = value;
  }
  return { options: options as Options, command: command as CommandOptions };
}

/**
 * A number flag read straight from argv (`--name N` or `--name=N`), without the parser: the
 * watchdog process stays light. Undefined unless the value is a positive number.
 */
export function numberFlag(
  argv: readonly string[],
  name: { [F in FlagName]: (typeof FLAGS)[F]['kind'] extends 'number' ? F : never }[FlagName],
): number | undefined {
  const flag = `--${name}`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const value = a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : a === flag ? argv[i + 1] : undefined;
    if (value !== undefined && Number(value) > 0) return Number(value);
  }
  return undefined;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
