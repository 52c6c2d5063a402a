// Runs the CLI exactly as bin/scaffold-mini.js does, then reports the process's peak memory on stderr.
import { main } from '../dist/src/cli/cli.js';

const code = await main(process.argv.slice(2));
process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
