#!/usr/bin/env node
// The scaffold-mini command: a thin launcher over the compiled CLI (npm run build makes dist/).
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv.slice(2));
