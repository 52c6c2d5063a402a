import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Tf } from './tf-instance.js';

const GLOBAL_KEY = 'scaffold-mini.tfjs';

/**
 * Serves the user's `import ... from '@tensorflow/tfjs'` from the tfjs instance the tool already
 * required, through a module hook: one engine for both (one `instanceof`), and no second pass of
 * Node's CommonJS export scanner over the 3 MB tfjs bundle (about 200 ms).
 */
export function shareTfWithModules(tf: Tf, resolvedPath: string): void {
  const slot = globalThis as Record<symbol, unknown>;
  if (slot[Symbol.for(GLOBAL_KEY)]) return;
  slot[Symbol.for(GLOBAL_KEY)] = tf;
  const names = Object.keys(tf).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, {
    data: { target: pathToFileURL(resolvedPath).href, names, key: GLOBAL_KEY },
  });
}

// Runs in Node's module-hooks thread.
const HOOKS = `
let target, names, key;
export function initialize(data) { ({ target, names, key } = data); }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (specifier === '@tensorflow/tfjs' && resolved.url === target) {
    return { url: 'scaffold-mini:tfjs', format: 'module', shortCircuit: true };
  }
  return resolved;
}
export async function load(url, context, next) {
  if (!url.startsWith('scaffold-mini:tfjs')) return next(url, context);
  const source = 'const tf = globalThis[Symbol.for(' + JSON.stringify(key) + ')];\\n' +
    'export default tf;\\nexport const { ' + names.join(', ') + ' } = tf;\\n';
  return { format: 'module', source, shortCircuit: true };
}
`;
