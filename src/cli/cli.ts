import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatError, isScaffoldError, ScaffoldError } from '../errors.js';
import { scaffold } from '../index.js';
import type { Progress } from '../model/progress.js';
import type { Report } from '../model/report.js';
import { REPORTERS, renderReport, type ReporterName } from '../reporters/index.js';
import { progressPrinter } from '../reporters/progress.js';
import { FLAGS, optionsFromFlags } from './flags.js';
import { watch } from './watch.js';

/** Exit codes of the contract (section 2), plus 3 for a bug in scaffold-mini itself. */
const EXIT = { ok: 0, findings: 1, unusable: 2, internal: 3 } as const;

/** The report files the command can write, by flag. */
const OUTPUTS = { json: 'json', junit: 'junit', html: 'html' } as const satisfies Record<string, ReporterName>;

/** Parses argv, runs `scaffold()`, prints, and returns the exit code. Never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = await parse(argv);
    if (args['help'] || args['version']) return EXIT.ok;
    const files = (args['_'] as unknown[]).map(String);
    if (files.length !== 1) {
      throw new ScaffoldError('E_ARGS', files.length === 0 ? 'no composite given' : `one composite at a time, got ${files.length}`, {
        hint: 'usage: scaffold-mini <composite> [options]; see --help',
      });
    }
    const file = files[0] as string;
    const { options, command } = optionsFromFlags(args);
    const color = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
    const render = (report: Report): string => REPORTERS.terminal(report, { color, quiet: command.quiet ?? false });
    const progress = command.quiet
      ? null
      : progressPrinter(process.stderr, { color: Boolean(process.stderr.isTTY) && !process.env['NO_COLOR'] });
    // In the watched child (bin/scaffold-mini.js), phase starts go to the parent's watchdog.
    const onPhaseStart = process.send ? (phase: string) => void process.send?.({ phase }) : undefined;
    const hooks = {
      ...(progress ? { onProgress: (event: Progress) => progress.onProgress(event) } : {}),
      ...(onPhaseStart ? { onPhaseStart } : {}),
    };
    if (command.watch) {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await watch(file, options, {
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
    const report = await scaffold(file, options, hooks);
    progress?.finish();
    for (const [flag, reporter] of Object.entries(OUTPUTS) as [keyof typeof OUTPUTS, ReporterName][]) {
      const path = command[flag];
      if (path) await writeReport(resolve(path), await renderReport(reporter, report), `--${flag}`);
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

/** The flags of FLAGS through yargs (help, version, strict options), as a record by flag name. */
async function parse(argv: string[]): Promise<Record<string, unknown>> {
  const { default: yargs } = await import('yargs');
  let parser = yargs(argv)
    .scriptName('scaffold-mini')
    .usage('$0 <composite> [options]\n\nBuilds a miniature twin of a composite TensorFlow.js model and checks its wiring on fake data.')
    .positional('composite', { type: 'string', describe: 'module exporting a model factory (.ts, .mts, .js, .mjs)' });
  for (const [name, flag] of Object.entries(FLAGS)) {
    parser = parser.option(name, {
      type: flag.kind === 'list' ? 'string' : flag.kind,
      describe: flag.describe,
      ...('choices' in flag ? { choices: [...flag.choices] } : {}),
      ...('default' in flag ? { default: flag.default } : {}),
    });
  }
  return parser
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
    .help()
    .parseAsync() as Promise<Record<string, unknown>>;
}

async function writeReport(path: string, contents: string, flag: string): Promise<void> {
  try {
    await writeFile(path, contents);
  } catch (e) {
    throw new ScaffoldError('E_WRITE', `cannot write the report to ${path}: ${(e as Error).message}`, {
      hint: `choose a writable path for ${flag}`,
    });
  }
}
