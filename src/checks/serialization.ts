import type { LayersModel, Tensor, io, layers } from '@tensorflow/tfjs';
import { at } from '../model/place.js';
import type { Finding } from '../model/report.js';
import type { SourceLocation } from '../model/source.js';
import { isModel } from '../tfjs/activation.js';
import { withFreeInitializers } from '../tfjs/free-init.js';
import type { Tf } from '../tfjs/tf-instance.js';
import { userFrames } from '../tfjs/user-frames.js';
import type { Check, CheckContext } from './check.js';
import { maxDifferenceOf } from './harness/compare.js';
import { layerInputs, layerOutputs, outputValues } from './harness/layer-inputs.js';
import type { TensorValue } from './harness/runner.js';
import { disposeHeld, userLayers } from './harness/own-layers.js';

type Layer = layers.Layer;
type Json = Record<string, unknown>;
type LayerClass = { name: string; className?: unknown };

/**
 * A model saved with `model.save` is reloaded by `tf.loadLayersModel`: each layer's class is looked
 * up by the name its class gives (`static className`, inherited from a parent class when the class
 * has none of its own) among the registered classes, built again from its `getConfig()` (through
 * JSON, snake-cased and back), and given the saved weights by their names. The user's own layers are
 * the ones that can fail that: each class is looked up as tfjs will, the whole structure goes through
 * `toJSON` and `modelFromJSON` (free initialisers: no real weight is drawn), and each of the user's
 * layers of the twin through a save and a load in memory with its weights, its outputs compared.
 */
export const serialization: Check = {
  id: 'serialization',
  proves:
    'the model survives toJSON / modelFromJSON and a save and load through memory with the same predictions (custom classes registered, getConfig complete)',
  async run(ctx) {
    const { tf } = ctx;
    const builtins = ctx.probe.builtins;
    const all = structureLayers(ctx.probe.model).filter((l) => !builtins.has(l.constructor));
    if (all.length === 0) return { status: 'pass', runs: 1, findings: [] };
    const findings: Finding[] = [];
    // A class tfjs cannot find again (or finds as another class): every layer of it is lost on reload.
    const broken = new Set<unknown>();
    for (const layer of all) {
      if (broken.has(layer.constructor)) continue;
      const problem = classProblem(tf, layer.constructor as unknown as LayerClass);
      if (!problem) continue;
      broken.add(layer.constructor);
      findings.push(finding(ctx, layer, 'error', problem, classSite(ctx, layer)));
    }
    let json: Json;
    try {
      json = ctx.probe.model.toJSON(null, false) as Json;
      json = JSON.parse(JSON.stringify(json)) as Json;
    } catch (e) {
      const culprit = all.find((layer) => configThrows(layer));
      const message = `model.toJSON() throws: ${(e as Error).message}: the model cannot be saved`;
      findings.push(
        culprit
          ? finding(
              ctx,
              culprit,
              'error',
              `getConfig() of '${culprit.name}' throws: the model cannot be saved (${(e as Error).message})`,
              classSite(ctx, culprit),
            )
          : modelFinding(message),
      );
      return { status: 'fail', runs: 1, findings };
    }
    const held = [...userLayers(ctx.twin, builtins)];
    const own = held.filter(([layer, inside]) => !inside && !broken.has(layer.constructor)).map(([layer]) => layer);
    const { findings: alone, state } = own.length ? await reloadLayers(ctx, json, own, held) : { findings: [], state: new Map() };
    const structure = broken.size === 0 ? await reloadStructure(ctx, json, all, state) : [];
    // One finding per layer: the one with its weights and outputs says more than the structure's.
    const said = new Set(alone.map((f) => f.where));
    findings.push(...structure.filter((f) => !said.has(f.where)), ...alone);
    const failed = findings.some((f) => f.severity === 'error');
    return { status: failed ? 'fail' : 'pass', runs: 1, findings };
  },
};

/** Why tfjs cannot reload a layer of this class as this class, or null. */
function classProblem(tf: Tf, cls: LayerClass): string | null {
  const name = cls.className;
  if (typeof name !== 'string' || name === '') {
    return `class ${cls.name} has no static className: model.toJSON() writes no class for it and tfjs cannot register it; add \`static className = '${cls.name}'\` and tf.serialization.registerClass(${cls.name})`;
  }
  const registered = (tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [unknown, unknown] | undefined>)[name];
  if (!registered) {
    return `class ${cls.name} is not registered: tf.loadLayersModel and tf.models.modelFromJSON throw "Unknown layer: ${name}" on the saved model; call tf.serialization.registerClass(${cls.name}) where the class is defined`;
  }
  const other = registered[0] as LayerClass;
  if (other === cls) return null;
  if (!Object.prototype.hasOwnProperty.call(cls, 'className')) {
    return `class ${cls.name} has no static className of its own: it inherits '${name}' from a parent class, so it is saved as '${name}' and reloads as ${other.name}, not as itself; add \`static className = '${cls.name}'\` and register it`;
  }
  return `class ${cls.name} is saved as '${name}', a name registered by another class (${other.name}): it reloads as ${other.name}; give it a className of its own and register it`;
}

/**
 * The whole structure through modelFromJSON (free initialisers: the real weights are not drawn),
 * each of the user's layers compared with the one tfjs builds again from its config.
 */
async function reloadStructure(
  ctx: CheckContext,
  json: Json,
  all: Layer[],
  state: ReadonlyMap<Layer, ReadonlySet<string>>,
): Promise<Finding[]> {
  const { tf } = ctx;
  let reloaded: LayersModel;
  try {
    reloaded = await scoped(tf, () => withFreeInitializers(tf, () => tf.models.modelFromJSON(structuredClone(json) as never), 0));
  } catch (e) {
    return [reloadFailure(ctx, e, all, 'tf.models.modelFromJSON(model.toJSON())')];
  }
  try {
    const byName = new Map(structureLayers(reloaded).map((l) => [l.name, l]));
    const findings: Finding[] = [];
    for (const layer of all) {
      const again = byName.get(layer.name);
      if (!again) continue;
      // Not built, not called: a field a layer sets in build or call is not set here yet, and one its
      // calls change (seen when it was reloaded alone) has moved on in the original.
      const fields = changedFields(ctx.tf, layer, again, { unsetIsUnknown: true, state: state.get(layer) ?? new Set() });
      if (fields.length) findings.push(fieldsFinding(ctx, layer, fields, null));
    }
    return findings;
  } finally {
    reloaded.dispose();
  }
}

/**
 * `work` in a scope of its own, as tf.tidy for async code: a load that throws leaves the tensors it
 * decoded (tfjs disposes them only on success). The model's weights are variables: they stay.
 */
async function scoped<T>(tf: Tf, work: () => Promise<T>): Promise<T> {
  const engine = tf.engine();
  engine.startScope('scaffold-mini serialization');
  try {
    return await work();
  } finally {
    engine.endScope();
  }
}

/** The layers of a model, those of its nested models included (the nested models themselves too). */
function structureLayers(model: LayersModel): Layer[] {
  const out: Layer[] = [];
  const walk = (layer: Layer): void => {
    out.push(layer);
    if (isModel(layer)) layer.layers.forEach(walk);
  };
  model.layers.forEach(walk);
  return out;
}

/**
 * Each of the user's layers of the twin alone, saved with its weights through a memory handler and
 * loaded as tf.loadLayersModel loads it (weights matched by name, strictly), then run on the inputs
 * it gets in the twin: the outputs must be the same.
 */
async function reloadLayers(
  ctx: CheckContext,
  json: Json,
  own: Layer[],
  held: [Layer, Layer | undefined][],
): Promise<{ findings: Finding[]; state: Map<Layer, Set<string>> }> {
  const { tf } = ctx;
  const captured = layerInputs(ctx, own);
  const findings: Finding[] = [];
  // By layer, its fields that its calls change (a counter, the last input's shape): state, not configuration.
  const stateOf = new Map<Layer, Set<string>>();
  try {
    for (const [layer, inputs] of captured) {
      const entry = findEntry(json, layer.name);
      if (!entry) continue;
      const topology = miniTopology(json, entry, layer);
      const named = layer.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
      const { data, specs } = await tf.io.encodeWeights(named);
      let reloaded: LayersModel;
      try {
        reloaded = await scoped(tf, () =>
          withFreeInitializers(tf, () =>
            tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: specs, weightData: data } as io.ModelArtifacts)),
          ),
        );
      } catch (e) {
        findings.push(reloadFailure(ctx, e, [layer], 'saved with model.save and loaded with tf.loadLayersModel'));
        continue;
      }
      try {
        const again = reloaded.getLayer(layer.name);
        const before = [plainFields(tf, layer), plainFields(tf, again)];
        const { difference, thrown } = outputDifference(tf, layer, reloaded, inputs, captured.passOutputs.get(layer));
        // Fields that a call changed, on the original or on the reloaded copy (called once above).
        const after = [plainFields(tf, layer), plainFields(tf, again)];
        const state = new Set<string>();
        before.forEach((fields, i) => {
          const later = after[i] as Map<string, string>;
          for (const k of new Set([...fields.keys(), ...later.keys()])) if (fields.get(k) !== later.get(k)) state.add(k);
        });
        stateOf.set(layer, state);
        const fields = changedFields(tf, layer, again, { state });
        // Weights of layers it holds in its fields that are not among its own: model.save writes layer.weights only.
        const saved = new Set(layer.weights);
        const unsaved = held
          .filter(([inner, top]) => top === layer && inner.weights.some((w) => !saved.has(w)))
          .map(([inner]) => inner.name);
        if (thrown !== undefined) findings.push(thrownFinding(ctx, layer, thrown, fields));
        else if (difference > 0 || fields.length)
          findings.push(fieldsFinding(ctx, layer, fields, difference > 0 ? difference : null, unsaved));
      } finally {
        disposeHeld(tf, reloaded.layers);
        reloaded.dispose();
      }
    }
  } finally {
    for (const inputs of captured.values()) tf.dispose(inputs);
  }
  return { findings, state: stateOf };
}

/**
 * The largest difference between the layer's outputs and the reloaded one's (0: the same; 0 too
 * when the layer is not a function of its inputs), or what the reloaded one threw on them.
 */
function outputDifference(
  tf: Tf,
  layer: Layer,
  reloaded: LayersModel,
  inputs: Tensor[],
  expected: TensorValue[] | undefined,
): { difference: number; thrown?: string } {
  const predict = () =>
    outputValues({ tf }, () => reloaded.predict(inputs.length === 1 ? (inputs[0] as Tensor) : inputs) as Tensor | Tensor[]);
  // The common case first: the reloaded layer gives what the layer gave in the twin's pass.
  if (expected) {
    try {
      const again = predict();
      if (maxDifferenceOf(expected, again) === 0) return { difference: 0 };
    } catch {
      // Looked at again below, where a throw is reported.
    }
  }
  let first, second;
  try {
    first = layerOutputs({ tf }, layer, inputs);
    second = layerOutputs({ tf }, layer, inputs);
  } catch {
    // It needs what its node passes it (a mask, a keyword): the structure's comparison stands for it.
    return { difference: 0 };
  }
  // A layer that draws at inference (sampling, noise) gives other outputs on each call: not comparable.
  if (maxDifferenceOf(first, second) > 0) return { difference: 0 };
  let again: TensorValue[];
  try {
    again = predict();
  } catch (e) {
    return { difference: Infinity, thrown: firstLine((e as Error).message ?? String(e)) };
  }
  return { difference: maxDifferenceOf(first, again) };
}

/**
 * A model topology of the layer alone, as model.save writes one: an input layer per input (the
 * shapes and dtypes it is applied to), then the layer as the structure's JSON has it.
 */
function miniTopology(json: Json, entry: Json, layer: Layer): Json {
  const node = (
    layer as unknown as { inboundNodes: { inputTensors: { shape: (number | null)[]; dtype: string }[]; outputTensors: unknown[] }[] }
  ).inboundNodes[0];
  const inputs = (node?.inputTensors ?? []).map((t, i) => {
    const name = `serialization_input_${i}`;
    return {
      name,
      class_name: 'InputLayer',
      config: { batch_input_shape: t.shape, dtype: t.dtype, sparse: false, name },
      inbound_nodes: [],
    };
  });
  const config = entry['config'] as Json;
  const own = {
    name: layer.name,
    class_name: entry['class_name'],
    config,
    inbound_nodes: [inputs.map((input) => [input.name, 0, 0, {}])],
  };
  const outputs = (node?.outputTensors ?? [null]).map((_, k) => [layer.name, 0, k]);
  return {
    ...json,
    class_name: 'Model',
    config: {
      name: 'serialization_check',
      layers: [...inputs, own],
      input_layers: inputs.map((i) => [i.name, 0, 0]),
      output_layers: outputs,
    },
  };
}

/** The JSON entry of the layer of this name, anywhere in the structure (nested models included). */
function findEntry(value: unknown, name: string): Json | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findEntry(item, name);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const obj = value as Json;
  const config = obj['config'] as Json | undefined;
  if (typeof obj['class_name'] === 'string' && config && !Array.isArray(config) && config['name'] === name && obj['class_name'] !== 'Model')
    return obj;
  for (const item of Object.values(obj)) {
    const found = findEntry(item, name);
    if (found) return found;
  }
  return undefined;
}

/** What a reload failure says: the user's code threw (a constructor given its config back), the weights did not match, or neither (undecided: info). */
function reloadFailure(ctx: CheckContext, e: unknown, layers: Layer[], how: string): Finding {
  const message = (e as Error).message ?? String(e);
  const layer = layers.find((l) => message.includes(l.name)) ?? (layers.length === 1 ? layers[0] : undefined);
  if (/Unknown layer/.test(message)) {
    // Not a class of the user's layers (those are looked up above): a custom object of theirs (an initialiser, a regulariser, a nested class).
    return layer
      ? finding(ctx, layer, 'error', `${how} throws: ${firstLine(message)}`, classSite(ctx, layer))
      : modelFinding(`${how} throws: ${firstLine(message)}`);
  }
  if (/no target variable|weights are not set|Duplicate weight name|[Ss]hape mismatch|weight/i.test(message) && layer) {
    return finding(
      ctx,
      layer,
      'error',
      `the weights saved from '${layer.name}' do not match those it makes again when reloaded (${how}): ${firstLine(message)}; a weight's name and shape must come from the config alone (addWeight in build, named by the config)`,
      classSite(ctx, layer),
    );
  }
  const frame = userFrames((e as Error).stack)[0];
  if (frame && layer) {
    const source: SourceLocation = { file: frame.file, line: frame.line, column: frame.column };
    return finding(
      ctx,
      layer,
      'error',
      `'${layer.name}' cannot be built again from its own config (${how}): ${firstLine(message)}; getConfig() must return every argument its constructor needs`,
      source,
    );
  }
  const base = `could not reload ${layer ? `'${layer.name}'` : 'the model'} (${how}): ${firstLine(message)}; scaffold-mini cannot tell whether the saved model reloads`;
  return layer ? finding(ctx, layer, 'info', base, classSite(ctx, layer)) : { ...modelFinding(base), severity: 'info' };
}

/**
 * The layer's own plain fields that differ after a reload (its constructor set them from arguments
 * getConfig does not return), leaving out `state` (fields its calls change) and, with
 * `unsetIsUnknown`, fields the reloaded layer has not set (it was not built or called).
 */
function changedFields(
  tf: Tf,
  layer: Layer,
  again: Layer,
  options: { state?: ReadonlySet<string>; unsetIsUnknown?: boolean },
): { field: string; before: unknown; after: unknown }[] {
  const out: { field: string; before: unknown; after: unknown }[] = [];
  const reloaded = plainFields(tf, again);
  for (const [field, text] of plainFields(tf, layer)) {
    if (options.state?.has(field)) continue;
    const other = reloaded.get(field);
    if (other === undefined && (options.unsetIsUnknown || (again as unknown as Json)[field] !== undefined)) continue;
    if (text !== other)
      out.push({ field, before: JSON.parse(text) as unknown, after: other === undefined ? undefined : (JSON.parse(other) as unknown) });
  }
  return out;
}

/** A layer's own plain fields (numbers, strings, booleans and arrays of them), not tfjs's, as JSON text. */
function plainFields(tf: Tf, layer: Layer): Map<string, string> {
  const base = baseKeys(tf);
  const out = new Map<string, string>();
  for (const [field, value] of Object.entries(layer)) if (!base.has(field) && isPlain(value)) out.set(field, JSON.stringify(value));
  return out;
}

let baseKeySet: Set<string> | undefined;
/** The fields every tfjs layer has (names, ids, build state): not the user's. */
function baseKeys(tf: Tf): Set<string> {
  if (baseKeySet) return baseKeySet;
  class ScaffoldMiniBaseLayer extends tf.layers.Layer {
    static className = 'ScaffoldMiniBaseLayer';
  }
  const probe = new ScaffoldMiniBaseLayer({ name: 'scaffold_mini_base' });
  tf.tidy(() => void probe.apply(tf.zeros([1, 1])));
  baseKeySet = new Set(Object.keys(probe));
  return baseKeySet;
}

function isPlain(value: unknown): boolean {
  if (value === null || ['number', 'string', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every((v) => v === null || ['number', 'string', 'boolean'].includes(typeof v));
}

function configThrows(layer: Layer): boolean {
  try {
    JSON.stringify(layer.getConfig());
    return false;
  } catch {
    return true;
  }
}

function fieldsFinding(
  ctx: CheckContext,
  layer: Layer,
  fields: { field: string; before: unknown; after: unknown }[],
  difference: number | null,
  unsaved: string[] = [],
): Finding {
  const listed = fields.map((f) => `${f.field} ${JSON.stringify(f.before)} -> ${JSON.stringify(f.after ?? null)}`).join(', ');
  const causes = [
    ...(fields.length ? [`its fields change on reload (${listed}): getConfig() does not return what the constructor took`] : []),
    ...(unsaved.length
      ? [
          `it holds ${unsaved.map((n) => `'${n}'`).join(', ')} whose weights are not among its own (model.save writes layer.weights only): return them from its trainableWeights and nonTrainableWeights getters`,
        ]
      : []),
  ];
  const cause = causes.length
    ? causes.join('; ')
    : 'getConfig() does not return everything the layer computes with (or its weights are not all saved)';
  const message =
    difference === null
      ? `'${layer.name}' reloads different: ${cause}; the outputs agree on fake data, but the reloaded layer is not the one that was saved (training-time behaviour, later calls); add the missing arguments to getConfig()`
      : `reloaded from a save, '${layer.name}' computes something else (outputs differ by up to ${difference === Infinity ? 'a shape' : difference.toPrecision(3)}): ${cause}; a deployed copy of the model would give other predictions; return every constructor argument from getConfig() and save every weight`;
  return finding(
    ctx,
    layer,
    difference === null ? 'warning' : 'error',
    message,
    classSite(ctx, layer),
    fields.length
      ? { fields: Object.fromEntries(fields.map((f) => [f.field, { saved: f.before, reloaded: f.after ?? null }])) }
      : undefined,
  );
}

function thrownFinding(
  ctx: CheckContext,
  layer: Layer,
  thrown: string,
  fields: { field: string; before: unknown; after: unknown }[],
): Finding {
  const listed = fields.map((f) => `${f.field} ${JSON.stringify(f.before)} -> ${JSON.stringify(f.after ?? null)}`).join(', ');
  return finding(
    ctx,
    layer,
    'error',
    `reloaded from a save, '${layer.name}' throws on the inputs it gets in the model: ${thrown}${listed ? ` (its fields change on reload: ${listed})` : ''}; a deployed copy of the model fails on its first prediction; return every constructor argument from getConfig()`,
    classSite(ctx, layer),
    fields.length
      ? { fields: Object.fromEntries(fields.map((f) => [f.field, { saved: f.before, reloaded: f.after ?? null }])) }
      : undefined,
  );
}

function finding(
  ctx: CheckContext,
  layer: Layer,
  severity: Finding['severity'],
  message: string,
  source: SourceLocation | undefined,
  counterexample?: Record<string, unknown>,
): Finding {
  return {
    check: 'serialization',
    severity,
    ...at.layer(layer.name),
    ...(source ? { source } : {}),
    message,
    ...(counterexample ? { counterexample } : {}),
  };
}

function modelFinding(message: string): Finding {
  return { check: 'serialization', severity: 'error', where: 'model', message };
}

/** The line of the layer's class, else the line that applies the layer. */
function classSite(ctx: CheckContext, layer: Layer): SourceLocation | undefined {
  return ctx.classSource?.(layer.constructor.name) ?? ctx.sourceOf(layer.name);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
