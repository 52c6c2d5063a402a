#!/usr/bin/env node
// The scaffold-mini command: a thin launcher over the compiled CLI (npm run build makes dist/).
import '../dist/src/cli/entry.js';
