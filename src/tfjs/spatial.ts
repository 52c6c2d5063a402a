import type { LayersModel, layers } from '@tensorflow/tfjs';
import type { ConvFacts } from '../model/component.js';
import type { GraphNode } from '../model/graph.js';
import type { Shape } from '../model/shape.js';
import { isModel } from './activation.js';

type Layer = layers.Layer;

const LARGEST_STRIDE = 64;
const SIZES = 96;

/**
 * The spatial map of a layer or nested model over its free spatial axes, measured with tfjs's own
 * shape arithmetic (`computeOutputShape`, no tensor is built) over a range of input sizes; null
 * when no map of that form fits (an upsampling or a transposed conv grows the size).
 */
export function spatialMap(component: Layer | LayersModel, input: Shape, output: Shape): ConvFacts | null {
  const spatial = input.length - 2;
  if (spatial < 1 || output.length !== input.length) return null;
  const strides: number[] = [];
  const kernel: number[] = [];
  for (let axis = 0; axis < spatial; axis++) {
    if (output[1 + axis] !== null) {
      strides.push(1);
      kernel.push(1);
      continue;
    }
    const sizes = measured(component, input, 1 + axis);
    const fit = sizes && fitAxis(sizes);
    if (!fit) return null;
    strides.push(fit.stride);
    kernel.push(fit.stride - fit.offset);
  }
  return { strides, padding: 'valid', kernel };
}

/** Output size of axis `axis` for input sizes 1..SIZES (null where tfjs rejects or gives no size). */
function measured(component: Layer, input: Shape, axis: number): Map<number, number> | null {
  const out = new Map<number, number>();
  for (let n = 1; n <= SIZES; n++) {
    const shape = input.map((d, a) => (a === 0 ? null : a === axis ? n : (d ?? 32)));
    let size: number | null | undefined;
    try {
      size = outputShape(component, shape)[axis];
    } catch {
      continue;
    }
    if (typeof size === 'number' && size >= 1) out.set(n, size);
  }
  return out.size >= SIZES / 2 ? out : null;
}

/** The smallest stride `s` and an offset `a` with `out(n) = floor((n + a) / s)` for every measured n. */
function fitAxis(sizes: Map<number, number>): { stride: number; offset: number } | null {
  for (let s = 1; s <= LARGEST_STRIDE; s++) {
    // floor((n + a) / s) = o  <=>  o s - n <= a <= o s + s - 1 - n
    let lo = -Infinity;
    let hi = Infinity;
    for (const [n, o] of sizes) {
      lo = Math.max(lo, o * s - n);
      hi = Math.min(hi, o * s + s - 1 - n);
      if (lo > hi) break;
    }
    if (lo <= hi) return { stride: s, offset: lo };
  }
  return null;
}

type ShapeOf = (number | null)[];

/**
 * Whether tfjs's own shape arithmetic gives every tensor of the graph a positive size when every
 * free dimension of the inputs is `length`: a stack of 'valid' or strided convs declares that it
 * needs a few steps. A layer whose arithmetic throws (or is the user's own) is taken at its word
 * by its declared output shape, so only what the model declares decides, never what it does.
 */
export function declaredValid(model: LayersModel, nodes: readonly GraphNode[], length: number): boolean {
  const shapes = new Map<number, ShapeOf>();
  for (const input of model.inputs)
    shapes.set(
      input.id,
      input.shape.map((d, a) => (a === 0 ? null : (d ?? length))),
    );
  for (const node of nodes) {
    const inputs = node.inputs.map((t) => shapes.get(t.id) ?? [...t.shape]);
    let outputs: ShapeOf[];
    try {
      const result = (inputs.length === 1 ? shapeOf(node.layer, inputs[0] as ShapeOf) : node.layer.computeOutputShape(inputs)) as
        ShapeOf | ShapeOf[];
      outputs = Array.isArray(result[0]) ? (result as ShapeOf[]) : [result as ShapeOf];
    } catch {
      outputs = node.outputs.map((t) => [...t.shape]);
    }
    for (const [i, t] of node.outputs.entries()) {
      const shape = outputs[i] ?? [...t.shape];
      if (shape.some((d) => d !== null && !(d >= 1))) return false;
      shapes.set(t.id, shape);
    }
  }
  return true;
}

/** The first output's shape for one input shape, from tfjs's shape arithmetic. */
function outputShape(component: Layer, shape: ShapeOf): ShapeOf {
  // A Sequential keeps no input layers of its own until it is built as a graph: chain its layers.
  if (isModel(component) && component.getClassName() === 'Sequential') {
    return component.layers.reduce<ShapeOf>((s, layer) => outputShape(layer, s), shape);
  }
  const result = shapeOf(component, shape);
  return (Array.isArray(result[0]) ? result[0] : result) as ShapeOf;
}

/** tfjs's shape arithmetic for one input: a model takes a list of shapes (one per input) and gives one per output. */
function shapeOf(component: Layer, shape: ShapeOf): ShapeOf | ShapeOf[] {
  if (isModel(component) && component.getClassName() === 'Sequential') return outputShape(component, shape);
  return component.computeOutputShape(isModel(component) ? [shape] : shape) as ShapeOf | ShapeOf[];
}

/**
 * Which steps a conv component reads for an output step: only that step (`point`: every kernel,
 * pool and stride is 1), that step and earlier ones (`causal`: every conv wider than 1 pads
 * 'causal'), or undefined for any neighbourhood. A stub must not read wider than its original:
 * a stub that read the next step would mix padding into real steps, and the future into a
 * causal decoder.
 */
export function convWindow(component: Layer): 'point' | 'causal' | undefined {
  const layers = isModel(component) ? flatLayers(component) : [component];
  let causal = false;
  for (const layer of layers) {
    const className = layer.getClassName();
    const config = layer.getConfig() as {
      kernelSize?: number | number[];
      poolSize?: number | number[];
      strides?: number | number[];
      dilationRate?: number | number[];
      padding?: string;
    };
    const ones = (v: number | number[] | undefined): boolean => (Array.isArray(v) ? v : [v ?? 1]).every((d) => d === 1);
    if (/Conv/.test(className)) {
      if (!ones(config.strides)) return undefined;
      if (ones(config.kernelSize)) continue;
      if (config.padding !== 'causal') return undefined;
      causal = true;
    } else if (/Pooling\dD$/.test(className) && !className.startsWith('Global')) {
      if (!ones(config.poolSize) || !ones(config.strides ?? config.poolSize)) return undefined;
    } else if (/^(ZeroPadding|Cropping|UpSampling)/.test(className)) {
      return undefined;
    }
  }
  return causal ? 'causal' : 'point';
}

function flatLayers(model: LayersModel): Layer[] {
  return model.layers.flatMap((l) => (isModel(l) ? flatLayers(l) : [l]));
}
