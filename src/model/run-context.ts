import type { Tf } from '../tfjs/tf-instance.js';
import type { ResolvedOptions } from './options.js';
import type { RunHooks } from './progress.js';
import type { Session } from './session.js';

/** What every stage of a run may read besides its input: the tfjs engine, the options, the hooks. */
export interface RunContext {
  tf: Tf;
  opts: ResolvedOptions;
  /** The backend the run selected (`cpu`, `wasm`, `tensorflow`). */
  backend: string;
  /** tfjs's own layer classes (anything else is the user's). */
  builtins: ReadonlySet<unknown>;
  hooks: RunHooks;
  /** A watch session's state from its last run; absent for a single run. */
  session?: Session;
}
