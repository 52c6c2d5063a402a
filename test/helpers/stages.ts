// The pipeline's stages one by one, for tests that look at what a stage hands the next.
import type { LayersModel } from '@tensorflow/tfjs';
import { resolveOptions } from '../../src/config.js';
import type { ApplySites, LoadedComposite } from '../../src/model/composite.js';
import type { Options } from '../../src/model/options.js';
import type { ProbeResult } from '../../src/model/probe.js';
import type { RunContext } from '../../src/model/run-context.js';
import { discover } from '../../src/pipeline/discover.js';
import { load } from '../../src/pipeline/load.js';
import { probe } from '../../src/pipeline/probe.js';
import { builtinClasses } from '../../src/tfjs/builtin-classes.js';
import type { Tf } from '../../src/tfjs/tf-instance.js';

/** A run's context for `file` with these options (cpu, no hooks). */
function stageContext(tf: Tf, file: string, options: Options = {}): RunContext {
  return { tf, opts: resolveOptions(file, options), backend: 'cpu', builtins: builtinClasses(tf), hooks: {} };
}

/** load, then discover and probe. */
export async function loadAndProbe(tf: Tf, file: string, options: Options = {}): Promise<{ loaded: LoadedComposite; probed: ProbeResult }> {
  const ctx = stageContext(tf, file, options);
  const loaded = await load(ctx.opts.file, ctx);
  return { loaded, probed: probe(discover(loaded, ctx), ctx) };
}

/** discover and probe a model built in the test. */
export function probeModel(
  tf: Tf,
  model: LayersModel,
  options: { minParams?: number; file: string; applySites?: ApplySites },
): ProbeResult {
  const ctx = stageContext(tf, options.file, options.minParams === undefined ? {} : { minParams: options.minParams });
  return probe(discover({ model, applySites: options.applySites ?? new WeakMap() }, ctx), ctx);
}
