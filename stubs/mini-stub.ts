// Part of scaffold-mini's stub runtime: the MiniStub layer class, defined against an injected tf.
import type * as tfjs from '@tensorflow/tfjs';
import { fastActivation, hasFastActivation } from './fast-ops.js';
import { deriveSeed, type Tf } from './projection.js';
import { checkInputShapes, formatShape, stubError, toShapeList } from './shapes.js';
import type { StubShape, StubSpec } from './spec.js';
import { TEMPLATES, type Core, type Template } from './templates/index.js';

type Layer = tfjs.layers.Layer;
type Tensor = tfjs.Tensor;
type Kwargs = Parameters<Layer['call']>[1];
type ConfigDict = tfjs.serialization.ConfigDict;

/** Constructor arguments (also what `getConfig()` returns, so `fromConfig` can rebuild). */
export interface MiniStubArgs {
  spec: StubSpec;
  /** Defaults to `spec.name`. */
  name?: string;
  trainable?: boolean;
}

/** A stub layer instance. */
export interface MiniStubLayer extends Layer {
  /** A recurrent stub's state after every step (see Core.steps), or null for other templates. */
  steps(inputs: Tensor[], mask: Tensor | null): Tensor | null;
  /** The (normalised) spec it was made from. */
  readonly spec: StubSpec;
  /** Width of its learned core (2, or 1 when the parameter budget of 1% demands it). */
  readonly coreWidth: number;
}

export interface MiniStubClass {
  new (args: MiniStubArgs): MiniStubLayer;
  readonly className: string;
}

const OUTPUT_DTYPES = ['float32', 'int32', 'bool'];

/**
 * A copy of `spec` with what a tfjs JSON round trip changes put back: tfjs snake_cases every
 * string value on save and camelCases it on load, which turns 'simpleRNN' into 'simpleRnn' and
 * 'gelu_new' into 'geluNew'.
 */
function normalizeSpec(spec: StubSpec): StubSpec {
  const copy = JSON.parse(JSON.stringify(spec)) as StubSpec;
  if (copy.recurrent && String(copy.recurrent.cell).toLowerCase() === 'simplernn') copy.recurrent.cell = 'simpleRNN';
  if (copy.activation === 'geluNew') copy.activation = 'gelu_new';
  return copy;
}

/** Checks the fields every template relies on; throws an Error naming the component. */
function checkSpec(spec: StubSpec): Template {
  const where = { name: String(spec?.name ?? '?'), template: spec?.template ?? ('?' as StubSpec['template']) };
  if (!spec || typeof spec.name !== 'string' || spec.name === '') throw stubError(where, 'spec.name must be a non-empty string');
  const template = TEMPLATES[spec.template];
  if (!template) throw stubError(where, `unknown template; use one of ${Object.keys(TEMPLATES).join(', ')}`);
  const shapeLists = [spec.inputShapes, spec.outputShapes];
  if (!shapeLists.every((l) => Array.isArray(l) && l.every((s) => Array.isArray(s)))) {
    throw stubError(spec, 'inputShapes and outputShapes must be lists of shapes');
  }
  if (!Array.isArray(spec.outputDtypes) || spec.outputDtypes.length !== spec.outputShapes.length) {
    throw stubError(spec, `needs one output dtype per output shape (${spec.outputShapes.length})`);
  }
  const badDtype = spec.outputDtypes.find((d) => !OUTPUT_DTYPES.includes(d));
  if (badDtype !== undefined) throw stubError(spec, `unsupported output dtype '${badDtype}' (${OUTPUT_DTYPES.join(', ')})`);
  if (!spec.mask || !['none', 'pass', 'nonzero'].includes(spec.mask.emits)) {
    throw stubError(spec, "spec.mask must say what the stub emits: 'none', 'pass' or 'nonzero'");
  }
  if (!Number.isFinite(spec.seed)) throw stubError(spec, 'spec.seed must be a finite number');
  template.validate(spec);
  return template;
}

/** The mask a layer received, as one tensor (the first input's when several). */
function firstMask(mask: unknown): Tensor | null {
  const m: unknown = Array.isArray(mask) ? mask[0] : mask;
  return m && typeof m === 'object' ? (m as Tensor) : null;
}

export function makeMiniStubClass(tf: Tf): MiniStubClass {
  class MiniStub extends tf.layers.Layer implements MiniStubLayer {
    static className = 'MiniStub';
    readonly spec: StubSpec;
    readonly coreWidth: number;
    readonly template: Template;
    readonly activationLayer: Layer;
    /** The core applies the final activation itself (fused into its last projection). */
    readonly fused: boolean;
    core: Core | null;

    constructor(args: MiniStubArgs) {
      const spec = normalizeSpec(args.spec);
      const template = checkSpec(spec);
      super({
        name: args.name ?? spec.name,
        ...(args.trainable === undefined ? {} : { trainable: args.trainable }),
        ...(spec.batchInputShape ? { batchInputShape: spec.batchInputShape } : {}),
      });
      this.spec = spec;
      this.template = template;
      this.core = null;
      this.supportsMasking = spec.mask.supports;
      const budget = spec.originalParams === undefined ? Infinity : 0.01 * spec.originalParams;
      this.coreWidth = template.params(spec, 2) <= budget ? 2 : 1;
      this.fused = template.fusesActivation === true && hasFastActivation(spec.activation);
      try {
        this.activationLayer = tf.layers.activation({ activation: spec.activation as 'linear', name: `${this.name}_activation` });
      } catch (e) {
        throw stubError(spec, `unknown activation '${spec.activation}' (${(e as Error).message})`);
      }
    }

    override build(inputShape: StubShape | StubShape[]): void {
      checkInputShapes(this.spec, toShapeList(inputShape));
      if (!this.core) {
        const spec = this.spec;
        this.core = this.template.create({
          tf,
          spec,
          k: this.coreWidth,
          seed: (salt) => deriveSeed(spec.seed, salt),
          prefix: this.name,
          activation: this.fused ? spec.activation : 'linear',
        });
      }
      this.built = true;
    }

    /** The output shapes for these input shapes (always a list). */
    outputShapesFor(inputShapes: StubShape[]): StubShape[] {
      const batch = inputShapes[0]?.[0] ?? null;
      return this.template.outputShapes(this.spec, inputShapes).map((s) => [batch, ...s.slice(1)]);
    }

    override computeOutputShape(inputShape: StubShape | StubShape[]): StubShape | StubShape[] {
      const shapes = toShapeList(inputShape);
      checkInputShapes(this.spec, shapes);
      const out = this.outputShapesFor(shapes);
      return out.length === 1 ? (out[0] as StubShape) : out;
    }

    override apply(
      inputs: Tensor | Tensor[] | tfjs.SymbolicTensor | tfjs.SymbolicTensor[],
      kwargs?: Kwargs,
    ): Tensor | Tensor[] | tfjs.SymbolicTensor | tfjs.SymbolicTensor[] {
      const out = super.apply(inputs, kwargs);
      // tfjs types every symbolic output float32: state the original's dtypes instead.
      (Array.isArray(out) ? out : [out]).forEach((t, i) => {
        const dtype = this.spec.outputDtypes[i];
        if (t instanceof tf.SymbolicTensor && dtype && t.dtype !== dtype) (t as { dtype: string }).dtype = dtype;
      });
      return out;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
      return tf.tidy(() => {
        const list = Array.isArray(inputs) ? inputs : [inputs];
        const shapes = list.map((t) => t.shape);
        checkInputShapes(this.spec, shapes);
        const core = this.core;
        if (!core) throw stubError(this.spec, 'called before it was built');
        const mask = this.spec.mask.consumes ? firstMask(kwargs?.['mask']) : null;
        const raw = core.forward(list, mask);
        const expected = this.outputShapesFor(shapes);
        const outputs = raw.map((t, i) => {
          const want = expected[i] ?? [];
          if (t.rank !== want.length || want.some((d, a) => d !== null && d !== t.shape[a])) {
            throw stubError(this.spec, `internal error: output ${i} has shape ${formatShape(t.shape)}, expected ${formatShape(want)}`);
          }
          const y = this.fused
            ? t
            : hasFastActivation(this.spec.activation)
              ? fastActivation(tf, t, this.spec.activation)
              : (this.activationLayer.apply(t) as Tensor);
          const dtype = this.spec.outputDtypes[i] ?? 'float32';
          return dtype === 'float32' ? y : tf.cast(y, dtype as 'int32');
        });
        return outputs.length === 1 ? (outputs[0] as Tensor) : outputs;
      });
    }

    steps(inputs: Tensor[], mask: Tensor | null): Tensor | null {
      if (!this.core?.steps) return null;
      const core = this.core;
      return tf.tidy(() => (core.steps as NonNullable<Core['steps']>)(inputs, mask));
    }

    override computeMask(inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor | Tensor[] {
      let out: Tensor | null = null;
      if (this.spec.mask.emits === 'pass') out = firstMask(mask);
      if (this.spec.mask.emits === 'nonzero') {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        if (x) out = tf.tidy(() => tf.notEqual(x, tf.zerosLike(x)));
      }
      const n = this.spec.outputShapes.length;
      if (n === 1) return out as Tensor;
      // A recurrent layer's returned states carry no mask (tfjs: [output mask, null, ...]).
      if (this.spec.recurrent?.returnState) return [out, ...new Array<null>(n - 1).fill(null)] as unknown as Tensor[];
      return new Array<Tensor | null>(n).fill(out) as Tensor[];
    }

    override get trainableWeights(): tfjs.LayerVariable[] {
      if (!this.trainable || !this.core) return [];
      return this.core.layers.flatMap((l) => l.trainableWeights);
    }

    override get nonTrainableWeights(): tfjs.LayerVariable[] {
      if (!this.core) return [];
      return this.core.layers.flatMap((l) => (this.trainable ? l.nonTrainableWeights : l.weights));
    }

    override dispose(): ReturnType<Layer['dispose']> {
      const result = super.dispose();
      if (result.refCountAfterDispose === 0 && this.core) this.core.constants.forEach((c) => c.dispose());
      return result;
    }

    override getConfig(): ConfigDict {
      return { ...super.getConfig(), spec: this.spec as unknown as ConfigDict };
    }

    static override fromConfig<T extends tfjs.serialization.Serializable>(
      cls: tfjs.serialization.SerializableConstructor<T>,
      config: ConfigDict,
    ): T {
      if (!config['spec'] || typeof config['spec'] !== 'object') {
        throw new Error('scaffold-mini MiniStub.fromConfig: the config has no spec');
      }
      return new cls(config);
    }
  }
  return MiniStub;
}
