import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts `<folder>/<name>` (relative to src/, .ts or .js like this file) in a worker thread. From
 * the TypeScript sources (the tests), the worker registers the tsx loader first.
 */
export function startWorker(folder: string, name: string, workerData?: unknown): Worker {
  const here = fileURLToPath(import.meta.url);
  const script = pathToFileURL(join(here, '..', '..', folder, `${name}${extname(here)}`));
  if (extname(here) === '.ts') {
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(script, { workerData });
}
