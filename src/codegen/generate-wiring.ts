import { ScaffoldError } from '../errors.js';
import type { GraphSpec, TensorRef, TwinSpec } from '../model/twin-spec.js';
import { code, type Code, formatLiteral } from './format-literal.js';
import { GraphOrder, type NodeSlot } from './graph-order.js';
import type { NameScope } from './identifiers.js';
import type { CustomClass } from './keep-declarations.js';
import { layerFactory, NESTED_LAYER_KEYS } from './layer-factories.js';
import { stubCall, type TwinNames } from './rewrite-source.js';

type GraphLayer = GraphSpec['layers'][number];

export interface WiringInput {
  spec: TwinSpec;
  names: TwinNames;
  /** Holds every identifier of the kept code, so the generated ones cannot collide. */
  scope: NameScope;
  classes: ReadonlyMap<string, CustomClass>;
  /** The composite's basename, for messages and the model's name. */
  compositeName: string;
}

/**
 * The factory of generated mode: one `tf.input` per model input, one construction per layer
 * (a stub for each component), one `apply` per application, then `tf.model`; exported as the
 * composite exported its own (default or named; factory, async factory or model instance).
 */
export function generateWiring(input: WiringInput): string {
  const { spec, names, scope } = input;
  const tf = names.tf;
  const graph = spec.graph;
  if (graph.inputs.length === 0 || graph.outputs.length === 0) {
    throw new Error('scaffold-mini: cannot generate the twin: the graph spec lists no inputs or no outputs');
  }
  const order = new GraphOrder(graph, spec.components);
  if (spec.exportName !== 'default') scope.reserve(spec.exportName);
  const helper = scope.claim('fromConfig');
  const tensorOf = new Map<string, string>();
  const lines: string[] = [];

  for (const inp of graph.inputs) {
    const v = scope.claim(inp.name);
    tensorOf.set(`${inp.name}:0:0`, v);
    const args = { shape: inp.shape.slice(1), dtype: inp.dtype, name: inp.name };
    lines.push(`const ${v} = ${tf}.input(${formatLiteral(args, 0, v.length + tf.length + 18)});`);
  }
  lines.push('');
  const layerVar = new Map<number, string>();
  graph.layers.forEach((layer, li) => {
    if (graph.inputs.some((i) => i.name === layer.name)) return;
    const v = scope.claim(layer.name);
    layerVar.set(li, v);
    const made = construct(layer, input, helper);
    lines.push(`const ${v} = ${made.text};`);
  });
  lines.push('');
  const ref = (r: TensorRef): string => {
    const slot = order.slot(r);
    if (!slot) {
      const t = tensorOf.get(`${r.layer}:0:0`);
      if (!t) throw new Error(`scaffold-mini: the graph refers to '${r.layer}', which is neither a layer nor an input`);
      return t;
    }
    const t = tensorOf.get(`${slot.layer}:${slot.node}`);
    if (!t) throw new Error(`scaffold-mini: '${r.layer}' is used before it is applied`);
    return order.outputCount(slot) > 1 ? `${t}[${r.tensorIndex}]` : t;
  };
  for (const slot of order.order()) lines.push(applyLine(slot, graph, order, layerVar, tensorOf, ref, scope, tf));

  const list = (refs: string[]): string => (refs.length === 1 ? (refs[0] ?? '') : `[${refs.join(', ')}]`);
  const model = {
    inputs: code(list(graph.inputs.map((i) => tensorOf.get(`${i.name}:0:0`) ?? ''))),
    outputs: code(list(graph.outputs.map(ref))),
    name: `${input.compositeName}_mini`,
  };
  lines.push(`return ${tf}.model(${formatLiteral(model, 0, tf.length + 16)});`);

  const body = lines.map((l) => (l === '' ? '' : `  ${l.replace(/\n/g, '\n  ')}`)).join('\n');
  return `${configHelper(helper)}\n\n${exported(spec, scope, tf, body)}\n`;
}

/** The expression that builds one layer of the graph. */
function construct(layer: GraphLayer, input: WiringInput, helper: string): Code {
  const { spec, names } = input;
  if (spec.components.some((c) => c.name === layer.name)) return code(stubCall(names, layer.name));
  // A wrapper holding a component: the wrapper stays, built around the stub.
  if (spec.components.some((c) => c.wrapper === layer.name)) return builtIn(layer.className, layer.name, layer.config, input, helper, 0);
  if (layer.component) throw new Error(`scaffold-mini: layer '${layer.name}' is marked as a component but has no stub spec`);
  if (layer.layered) {
    throw new Error(
      `generated mode cannot rebuild '${layer.name}', a nested model stubbed layer by layer, from the probed graph; ` +
        'the rewritten mode can, when its expensive layers are built where the tool finds them (their own `.apply(` lines, or the `layers: [...]` of tf.sequential)',
    );
  }
  if (layer.custom) {
    const cls = input.classes.get(layer.className);
    if (!cls) {
      throw new ScaffoldError(
        'E_UNSTUBBABLE',
        `cannot rebuild layer '${layer.name}': no class registered as '${layer.className}' in ${input.compositeName}`,
        {
          hint:
            `declare or import the class in the composite itself (with \`static className = '${layer.className}'\`), ` +
            'or build the components where the tool can find them (see the notes)',
          location: { file: spec.compositeFile, line: 1 },
        },
      );
    }
    return cls.constructorParams === 0
      ? code(`new ${cls.local}()`)
      : code(`new ${cls.local}(${helper}(${formatLiteral(layer.config, 0, 30)}))`);
  }
  return builtIn(layer.className, layer.name, layer.config, input, helper, 0);
}

/** `tf.layers.<factory>(fromConfig({...}))`, nested layers (wrappers, RNN cells) rebuilt in place. */
function builtIn(className: string, name: string, cfg: Record<string, unknown>, input: WiringInput, helper: string, depth: number): Code {
  const wrapped = input.spec.components.find((c) => c.wrapper === name);
  const copy: Record<string, unknown> = { ...cfg };
  for (const key of NESTED_LAYER_KEYS[className] ?? []) {
    const nested = copy[key];
    if (wrapped && key === 'layer') copy[key] = code(stubCall(input.names, wrapped.name));
    else if (Array.isArray(nested)) copy[key] = nested.map((n) => nestedLayer(n, input, helper, depth + 1));
    else if (nested !== undefined) copy[key] = nestedLayer(nested, input, helper, depth + 1);
  }
  return code(`${input.names.tf}.layers.${layerFactory(className)}(${helper}(${formatLiteral(copy, depth, 30)}))`);
}

function nestedLayer(value: unknown, input: WiringInput, helper: string, depth: number): unknown {
  const v = value as { className?: unknown; config?: unknown } | null;
  if (!v || typeof v.className !== 'string' || typeof v.config !== 'object' || v.config === null) return value;
  const cfg = v.config as Record<string, unknown>;
  const name = typeof cfg['name'] === 'string' ? cfg['name'] : '';
  if (input.spec.components.some((c) => c.name === name)) return code(stubCall(input.names, name));
  return builtIn(v.className, name, cfg, input, helper, depth);
}

function applyLine(
  slot: NodeSlot,
  graph: GraphSpec,
  order: GraphOrder,
  layerVar: ReadonlyMap<number, string>,
  tensorOf: Map<string, string>,
  ref: (r: TensorRef) => string,
  scope: NameScope,
  tf: string,
): string {
  const layer = graph.layers[slot.layer];
  const v = layerVar.get(slot.layer);
  const node = layer?.nodes[slot.node];
  if (!layer || !v || !node) throw new Error('scaffold-mini: inconsistent graph order');
  const t = scope.claim(`t_${v}_${slot.node}`);
  tensorOf.set(`${slot.layer}:${slot.node}`, t);
  const inbound = node.inbound.map(ref);
  const args = [inbound.length === 1 ? (inbound[0] ?? '') : `[${inbound.join(', ')}]`];
  if (Object.keys(node.callArgs).length > 0) args.push(formatLiteral(tensorRefsAsCode(node.callArgs, ref), 0, 40));
  const n = order.outputCount(slot);
  const type = n === 1 ? `${tf}.SymbolicTensor` : `[${Array.from({ length: n }, () => `${tf}.SymbolicTensor`).join(', ')}]`;
  return `const ${t} = ${v}.apply(${args.join(', ')}) as ${type};`;
}

/** callArgs may hold tensors (`initialState`, `mask`), recorded as TensorRefs. */
function tensorRefsAsCode(value: unknown, ref: (r: TensorRef) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => tensorRefsAsCode(v, ref));
  if (value === null || typeof value !== 'object') return value;
  const r = value as Partial<TensorRef>;
  if (typeof r.layer === 'string' && typeof r.nodeIndex === 'number' && typeof r.tensorIndex === 'number') {
    return code(ref(r as TensorRef));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tensorRefsAsCode(v, ref)]));
}

function configHelper(helper: string): string {
  return [
    "/** A layer's `getConfig()` handed back to its factory (tfjs deserialises the nested `{ className, config }`). */",
    `function ${helper}<T>(config: Record<string, unknown>): T {`,
    '  return config as T;',
    '}',
  ].join('\n');
}

function exported(spec: TwinSpec, scope: NameScope, tf: string, body: string): string {
  const named = spec.exportName !== 'default';
  const fn = named && spec.exportKind !== 'instance' ? spec.exportName : scope.claim('buildTwin');
  const signature =
    spec.exportKind === 'async-factory' ? `async function ${fn}(): Promise<${tf}.LayersModel>` : `function ${fn}(): ${tf}.LayersModel`;
  const fnText = `${signature} {\n${body}\n}`;
  if (spec.exportKind !== 'instance') return `export ${named ? '' : 'default '}${fnText}`;
  const exportLine = named ? `export const ${spec.exportName} = ${fn}();` : `export default ${fn}();`;
  return `${fnText}\n\n${exportLine}`;
}
