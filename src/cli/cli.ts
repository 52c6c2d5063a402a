import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CHECK_IDS } from '../checks/registry.js';
import { DEFAULTS, type Options } from '../config.js';
import { formatError, isScaffoldError, ScaffoldError } from '../errors.js';
import type { Report } from '../model/report.js';
import { scaffold } from '../index.js';
import { renderJson } from '../reporters/json.js';
import { renderJUnit } from '../reporters/junit.js';
import { renderTerminal } from '../reporters/terminal.js';
import { progressPrinter } from '../reporters/progress.js';
import { watch } from './watch.js';

/** Exit codes of the contract (section 2), plus 3 for a bug in scaffold-mini itself. */
export const EXIT = { ok: 0, findings: 1, unusable: 2, internal: 3 } as const;

/** Parses argv, runs `scaffold()`, prints, and returns the exit code. Never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  const { default: yargs } = await import('yargs');
  const parser = yargs(argv)
    .scriptName('scaffold-mini')
    .usage('$0 <composite> [options]\n\nBuilds a miniature twin of a composite TensorFlow.js model and checks its wiring on fake data.')
    .positional('composite', { type: 'string', describe: 'module exporting a model factory (.ts, .mts, .js, .mjs)' })
    .option('out', { type: 'string', describe: 'folder for the twin (default: <name>.mini/ beside the composite)' })
    .option('json', { type: 'string', describe: 'write the JSON report (contract version 1) to FILE' })
    .option('junit', { type: 'string', describe: 'write a JUnit XML report to FILE (one test case per check and boundary), for CI' })
    .option('html', { type: 'string', describe: 'write the offline HTML report to FILE (also report.html in the output folder)' })
    .option('seed', { type: 'number', describe: `seed of the fake data and stub weights (default ${DEFAULTS.seed}); another seed explores other samples` })
    .option('runs', { type: 'number', describe: `fast-check runs per property (default ${DEFAULTS.runs})` })
    .option('only', { type: 'string', describe: `run only these checks, comma-separated (${CHECK_IDS.join(', ')})` })
    .option('skip', { type: 'string', describe: 'skip these checks, comma-separated' })
    .option('backend', { type: 'string', choices: ['cpu', 'wasm', 'tensorflow'], describe: 'tfjs backend (default cpu; wasm runs gradient work on cpu; tensorflow needs @tensorflow/tfjs-node or -node-gpu)' })
    .option('export', { type: 'string', describe: 'export that builds the model (default: the default export)' })
    .option('min-params', { type: 'number', describe: `built-in layers with at least N params are components (default ${DEFAULTS.minParams})` })
    .option('timeout', { type: 'number', describe: `seconds the import and the factory may take (default ${DEFAULTS.timeout})` })
    .option('max-memory', { type: 'number', describe: `memory limit in MB of the process that runs your module (default ${DEFAULTS.maxMemoryMb})` })
    .option('overfit-real', { type: 'string', describe: 'overfit with this one component real instead of stubbed (slow: it trains the real thing)' })
    .option('preprocess', { type: 'string', describe: 'module exporting your preprocessing function: its output on a fixed input is fingerprinted in <out>/fingerprint.json' })
    .option('emit', { type: 'boolean', default: true, describe: 'write the twin (--no-emit to skip)' })
    .option('force', { type: 'boolean', default: false, describe: 'overwrite files scaffold-mini did not generate' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print only findings and the closing line' })
    .option('verbose', { type: 'boolean', default: false, describe: 'with an error, also print its whole stack' })
    .option('watch', { type: 'boolean', default: false, describe: 're-run when the composite or a file it imports changes, printing what changed' })
    .example('$0 examples/tracker/composite.ts', 'probe, twin and check the example')
    .example('$0 model.ts --json report.json --seed 7', 'a repeatable run with a JSON report')
    .example('$0 model.ts --only shape --seed 7', 'replay a finding')
    .example('$0 model.ts --watch', 're-check on every save')
    .example('$0 model.ts --junit junit.xml --quiet', 'in CI: a JUnit report, and only findings on the terminal')
    .strictOptions()
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      throw new ScaffoldError('E_ARGS', message ?? error?.message ?? 'invalid arguments', { hint: 'see scaffold-mini --help' });
    })
    .version()
    .help();

  try {
    const args = await parser.parseAsync();
    if (args['help'] || args['version']) return EXIT.ok;
    const files = args._.map(String);
    if (files.length !== 1) {
      throw new ScaffoldError('E_ARGS', files.length === 0 ? 'no composite given' : `one composite at a time, got ${files.length}`, {
        hint: 'usage: scaffold-mini <composite> [options]; see --help',
      });
    }
    const options: Options = { emit: args.emit, force: args.force };
    if (args.out !== undefined) options.out = args.out;
    if (args.seed !== undefined) options.seed = args.seed;
    if (args.runs !== undefined) options.runs = args.runs;
    if (args.only !== undefined) options.only = splitList(args.only);
    if (args.skip !== undefined) options.skip = splitList(args.skip);
    if (args.backend !== undefined) options.backend = args.backend as Options['backend'] & string;
    if (args.export !== undefined) options.exportName = args.export;
    if (args['min-params'] !== undefined) options.minParams = args['min-params'];
    if (args.timeout !== undefined) options.timeout = args.timeout;
    if (args.preprocess !== undefined) options.preprocess = args.preprocess;
    if (args['overfit-real'] !== undefined) options.overfitReal = args['overfit-real'];

    const color = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
    const render = (report: Report): string => {
      const text = renderTerminal(report, { color });
      return args.quiet ? text.split('\n').filter((l) => /error|warning|FAIL|checks in/.test(l)).join('\n') : text;
    };
    const progress = args.quiet ? null : progressPrinter(process.stderr, { color: Boolean(process.stderr.isTTY) && !process.env['NO_COLOR'] });
    // In the watched child (bin/scaffold-mini.js), phase starts go to the parent's watchdog.
    const onPhaseStart = process.send ? (phase: string) => void process.send?.({ phase }) : undefined;
    const hooks = { ...(progress ? { onProgress: progress.onProgress } : {}), ...(onPhaseStart ? { onPhaseStart } : {}) };
    if (args.watch) {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await watch(files[0] as string, options, {
        hooks,
        signal: stop.signal,
        render,
        print: (text) => {
          progress?.finish();
          process.stdout.write(`${text}\n`);
        },
      });
      return EXIT.ok;
    }
    const report = await scaffold(files[0] as string, options, hooks);
    progress?.finish();
    if (args.json) await writeReport(resolve(args.json), renderJson(report), '--json');
    if (args.junit) await writeReport(resolve(args.junit), renderJUnit(report), '--junit');
    if (args.html) {
      const { renderHtml, readSourceText } = await import('../reporters/html.js');
      await writeReport(resolve(args.html), renderHtml(report, { source: readSourceText }), '--html');
    }
    process.stdout.write(`${render(report)}\n`);
    return report.ok ? EXIT.ok : EXIT.findings;
  } catch (e) {
    if (isScaffoldError(e)) {
      process.stderr.write(`${formatError(e, { verbose: argv.includes('--verbose') })}\n`);
      return EXIT.unusable;
    }
    process.stderr.write(`scaffold-mini: internal error (a bug in scaffold-mini, please report it)\n${(e as Error).stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

async function writeReport(path: string, contents: string, flag: string): Promise<void> {
  try {
    await writeFile(path, contents);
  } catch (e) {
    throw new ScaffoldError('E_WRITE', `cannot write the report to ${path}: ${(e as Error).message}`, { hint: `choose a writable path for ${flag}` });
  }
}
