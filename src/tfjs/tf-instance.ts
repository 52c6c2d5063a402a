import type * as TfModule from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ScaffoldError } from '../errors.js';
import type { BackendName } from '../model/options.js';
import { useFastCpuKernels } from './fast-kernels.js';
import { shareTfWithModules } from './tfjs-shim.js';

export type Tf = typeof TfModule;

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

/** Packages that register the `tensorflow` backend (libtensorflow bindings), in order of preference. */
const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/**
 * Selects the backend and silences tfjs's one-time "install the node backend" banner.
 * `tensorflow` uses @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node when the composite's project
 * has one (optional peer dependencies: they download libtensorflow when installed).
 */
export async function selectBackend(tf: Tf, name: BackendName, compositeFile: string): Promise<string> {
  if (name === 'tensorflow') {
    const binding = findTensorflowBinding(compositeFile);
    if (!binding) {
      throw new ScaffoldError(
        'E_BACKEND',
        '--backend tensorflow needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, and neither is installed',
        {
          hint: "install one in the composite's project (npm install @tensorflow/tfjs-node; it downloads libtensorflow), or use --backend cpu",
        },
      );
    }
    createRequire(compositeFile)(binding);
    if (!(await tf.setBackend('tensorflow'))) {
      throw new ScaffoldError('E_BACKEND', `${binding} is installed but did not register the tensorflow backend with this tfjs`, {
        hint: `install the same version of ${binding} as @tensorflow/tfjs (${tf.version.tfjs ?? 'unknown'}), or use --backend cpu`,
      });
    }
    return tf.getBackend();
  }
  // The CPU backend is always set up first: gradient work falls back to it (see onGradientBackend).
  await tf.setBackend('cpu');
  await tf.ready();
  useFastCpuKernels(tf);
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  backend.firstUse = false;
  if (name === 'wasm') {
    // Registers 'wasm' with the engine it imports (the composite's tfjs when its project has the
    // package, else the tool's own); under Node it reads its .wasm files from its own package.
    const wasm = findPackage(compositeFile, ['@tensorflow/tfjs-backend-wasm']);
    if (!wasm)
      throw new ScaffoldError('E_BACKEND', '--backend wasm needs @tensorflow/tfjs-backend-wasm, which is not installed', {
        hint: 'npm install @tensorflow/tfjs-backend-wasm, or use --backend cpu',
      });
    createRequire(wasm)(wasm);
    if (!(await tf.setBackend('wasm'))) {
      throw new ScaffoldError('E_BACKEND', '@tensorflow/tfjs-backend-wasm did not start', {
        hint: `install the same version as @tensorflow/tfjs (${tf.version.tfjs ?? 'unknown'}), or use --backend cpu`,
      });
    }
    return tf.getBackend();
  }
  if (name !== 'cpu') {
    throw new ScaffoldError('E_BACKEND', `backend '${String(name)}' is not supported`, {
      hint: 'use --backend cpu (the default), wasm or tensorflow',
    });
  }
  return tf.getBackend();
}

/**
 * Runs gradient work (gradient-flow, charts, overfit) on a backend that has every gradient kernel:
 * the WebAssembly backend lacks some (Conv2DBackpropFilter, UnsortedSegmentSum), so under it the work
 * runs on the CPU backend (tensors move over on first use) and the backend is restored afterwards.
 * Switching to an initialised backend is synchronous, so this works inside synchronous properties.
 */
export function onGradientBackend<T>(tf: Tf, work: () => T): T {
  const current = tf.getBackend();
  if (current !== 'wasm') return work();
  switchTo(tf, 'cpu');
  try {
    return work();
  } finally {
    switchTo(tf, current);
  }
}

/** Switches to an initialised backend (synchronous: no await between the switch and the work). */
export function switchTo(tf: Tf, name: string): void {
  void tf.setBackend(name);
  if (tf.getBackend() !== name) throw new Error(`internal: could not switch the tfjs backend to ${name} synchronously`);
}

/** A backend beside the run's that is not there, and why. */
export interface AbsentBackend {
  name: string;
  reason: string;
}

const BACKENDS = ['cpu', 'wasm', 'tensorflow'] as const;

/**
 * The backends other than the current one that are installed (for the composite's project or for
 * this tool) and start, each initialised so that a later switch to it is synchronous; the current
 * backend is selected again before this returns.
 */
export async function otherBackends(
  tf: Tf,
  compositeFile: string,
  candidates: readonly string[] = BACKENDS,
): Promise<{ available: string[]; absent: AbsentBackend[] }> {
  const current = tf.getBackend();
  const available: string[] = [];
  const absent: AbsentBackend[] = [];
  for (const name of candidates) {
    if (name === current) continue;
    if (!tf.findBackendFactory(name)) {
      const pkg =
        name === 'wasm'
          ? findPackage(compositeFile, ['@tensorflow/tfjs-backend-wasm'])
          : name === 'tensorflow'
            ? findTensorflowBinding(compositeFile)
            : undefined;
      if (!pkg) {
        absent.push({
          name,
          reason:
            name === 'wasm' ? 'is not installed (@tensorflow/tfjs-backend-wasm)' : 'is not installed (@tensorflow/tfjs-node or -node-gpu)',
        });
        continue;
      }
      try {
        createRequire(pkg)(pkg);
      } catch (e) {
        absent.push({ name, reason: `does not load: ${(e as Error).message.split('\n')[0] ?? ''}` });
        continue;
      }
    }
    let started = false;
    try {
      started = await tf.setBackend(name);
    } catch {
      started = false;
    }
    if (started) available.push(name);
    else absent.push({ name, reason: 'did not start' });
  }
  await tf.setBackend(current);
  return { available, absent };
}

function tryResolve(req: NodeRequire, pkg: string): string | undefined {
  try {
    return req.resolve(pkg);
  } catch {
    return undefined;
  }
}

function findTensorflowBinding(compositeFile: string): string | undefined {
  return findPackage(compositeFile, TENSORFLOW_PACKAGES);
}

/** The first of `packages` installed for the composite's project, else for the tool's own. */
function findPackage(compositeFile: string, packages: readonly string[]): string | undefined {
  const from = [createRequire(compositeFile), createRequire(import.meta.url)];
  for (const pkg of packages) {
    for (const req of from) {
      const found = tryResolve(req, pkg);
      if (found) return found;
    }
  }
  return undefined;
}
