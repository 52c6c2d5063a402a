import type { LayersModel } from '@tensorflow/tfjs';
import { ScaffoldError, displayPath } from '../errors.js';
import { lineAt, lineOf } from '../source-text.js';
import type { ApplySites, CompileSites, LoadedComposite } from '../model/composite.js';
import { withFreeInitializers } from '../tfjs/free-init.js';
import type { Tf } from '../tfjs/tf-instance.js';

/**
 * A TensorFlow.js layers-model topology file (`model.json`, as `tensorflowjs_converter` writes it
 * for a Keras model and `model.save('file://...')` in tfjs): the topology alone builds the model
 * (with free initialisers, like a composite); no weight file is read. Each layer's source line is
 * the line of the file that names it.
 */
export async function loadTopology(file: string, source: string, tf: Tf): Promise<LoadedComposite> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(source) as Record<string, unknown>;
  } catch (e) {
    const position = /position (\d+)/.exec((e as Error).message)?.[1];
    const line = position === undefined ? 1 : lineAt(source, Number(position));
    throw new ScaffoldError('E_SYNTAX', `${displayPath(file)} is not valid JSON: ${(e as Error).message}`, {
      hint: 'pass the model.json that tensorflowjs_converter or model.save() wrote',
      location: { file, line },
    });
  }
  const topology = (json['modelTopology'] ?? (json['class_name'] ? json : undefined)) as Record<string, unknown> | undefined;
  if (!topology || typeof topology !== 'object') {
    throw new ScaffoldError('E_NOT_A_MODEL', `${displayPath(file)} holds no layers-model topology (no "modelTopology")`, {
      hint: 'a graph model (from a SavedModel or frozen graph) has no layers to stub; convert the Keras model, or write the composite in TypeScript',
      location: { file, line: 1 },
    });
  }
  const model = await withFreeInitializers(tf, async () => {
    try {
      // modelTopology may wrap the model config in a `model_config` (Keras h5 conversion).
      const config = (topology['model_config'] ?? topology) as Record<string, unknown>;
      return await tf.models.modelFromJSON({ modelTopology: config } as unknown as Parameters<Tf['models']['modelFromJSON']>[0]);
    } catch (e) {
      const message = (e as Error).message;
      const unknown = /Unknown layer: (\w+)/.exec(message)?.[1];
      throw new ScaffoldError(
        'E_NOT_A_MODEL',
        unknown
          ? `${displayPath(file)} uses the layer class '${unknown}', which this tfjs does not know`
          : `cannot build the model of ${displayPath(file)}: ${message}`,
        {
          hint: unknown
            ? `a custom layer needs its code: write a composite module that registers '${unknown}' (tf.serialization.registerClass) and loads the topology`
            : 'check that the file is a layers-model topology written by tensorflowjs_converter or model.save()',
          location: { file, line: (unknown ? lineOf(source, `"${unknown}"`) : undefined) ?? 1 },
        },
      );
    }
  });
  compileAsSaved(model, json['trainingConfig']);
  const applySites: ApplySites = new WeakMap();
  for (const layer of model.layers)
    applySites.set(layer, [{ file, line: lineOf(source, `"name": "${layer.name}"`, `"name":"${layer.name}"`) ?? 1 }]);
  const compileSites: CompileSites = new WeakMap();
  return { model, exportName: 'modelTopology', exportKind: 'instance', exports: {}, source, applySites, compileSites, files: [file] };
}

/** The loss the file's training config names (model.save() and the converter keep it), so checks use it. */
function compileAsSaved(model: LayersModel, trainingConfig: unknown): void {
  const loss = (trainingConfig as { loss?: unknown } | undefined)?.loss;
  if (loss === undefined) return;
  const camel = (name: unknown): unknown => (typeof name === 'string' ? name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) : name);
  const named = Array.isArray(loss)
    ? loss.map(camel)
    : typeof loss === 'object' && loss !== null
      ? Object.values(loss).map(camel)
      : camel(loss);
  try {
    model.compile({ optimizer: 'sgd', loss: named as string | string[] });
  } catch {
    // A loss tfjs does not know: the checks infer one from the output activation, and say so.
  }
}
