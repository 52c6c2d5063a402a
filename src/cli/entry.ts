// The command: the parent watches a child that does the work (see isolate.ts); the child runs the CLI.
import { CHILD_ENV, runIsolated } from './isolate.js';

const argv = process.argv.slice(2);
if (process.env[CHILD_ENV]) {
  const { main } = await import('./cli.js');
  process.exitCode = await main(argv);
} else {
  process.exitCode = await runIsolated(argv);
}
