// One chunk of `npm run oracle` (a child process, so that memory stays bounded): the cases of one
// family from one seed, clean and injected, one JSON line per case on stdout.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { useFastCpuKernels } from '../../src/tfjs/fast-kernels.js';
import { ROOT } from '../helpers/run.js';
import { oracleCases } from './generate.js';
import { runCase } from './run-case.js';

const { values } = parseArgs({
  options: {
    family: { type: 'string' },
    seed: { type: 'string', default: '1' },
    clean: { type: 'string', default: '2' },
    bugs: { type: 'string', default: '4' },
    emit: { type: 'boolean', default: false },
    sweep: { type: 'string', default: '0' },
  },
});
await tf.setBackend('cpu');
useFastCpuKernels(tf);
const dir = mkdtempSync(join(ROOT, 'test/e2e/.tmp-oracle-'));
try {
  const seed = Number(values.seed);
  for (const c of oracleCases(values.family ?? 'small', seed, Number(values.clean), Number(values.bugs))) {
    const result = await runCase(dir, c, seed, { emit: values.emit });
    // --sweep N: the same case with tool seeds 1 to N too; its verdict must not change.
    const others = Array.from({ length: Number(values.sweep) }, (_, i) => i + 1).filter((s) => s !== seed);
    if (others.length && result.outcome === 'report') {
      result.sweep = [];
      for (const toolSeed of others) {
        const again = await runCase(dir, c, seed, { toolSeed, ...(result.truth ? { truth: result.truth } : {}) });
        result.sweep.push({
          seed: toolSeed,
          outcome: again.outcome,
          errors: again.errors.length,
          ...(again.found === undefined ? {} : { found: again.found, attributed: again.attributed ?? false }),
        });
      }
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
