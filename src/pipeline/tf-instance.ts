import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ScaffoldError } from '../errors.js';
import { shareTfWithModules } from './tfjs-shim.js';

export type Tf = typeof import('@tensorflow/tfjs');
export type BackendName = 'cpu' | 'wasm' | 'tensorflow';

/**
 * The tfjs instance the user's module will get: resolved from the composite's own folder first,
 * so that the tool and the module share one engine (one `instanceof`), else the tool's own copy.
 */
export async function loadTf(compositeFile: string): Promise<{ tf: Tf; path: string }> {
  let path: string;
  try {
    path = createRequire(compositeFile).resolve('@tensorflow/tfjs');
  } catch {
    path = createRequire(import.meta.url).resolve('@tensorflow/tfjs');
  }
  let tf: Tf;
  try {
    // tfjs's main entry is CommonJS: require skips the ESM export scan; the shim serves the module its imports.
    tf = createRequire(import.meta.url)(path) as Tf;
    shareTfWithModules(tf, path);
  } catch {
    const mod = (await import(pathToFileURL(path).href)) as Tf & { default?: Tf };
    tf = (mod.layers ? mod : mod.default) as Tf;
  }
  return { tf, path };
}

/** Selects the backend and silences tfjs's one-time "install the node backend" banner. */
export async function selectBackend(tf: Tf, name: BackendName): Promise<string> {
  if (name !== 'cpu') {
    throw new ScaffoldError('E_BACKEND', `backend '${name}' is not available in this version`, {
      hint: 'use --backend cpu (the default)',
    });
  }
  await tf.setBackend('cpu');
  await tf.ready();
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  backend.firstUse = false;
  return tf.getBackend();
}
