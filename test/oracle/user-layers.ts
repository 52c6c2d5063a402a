// The user's own layer classes the generated composites use, as source text: correct versions and
// the buggy ones the operators inject. Each allocates inside tf.tidy and registers its class.

const classes: Record<string, string> = {
  L2Normalize: `class L2Normalize extends tf.layers.Layer {
  static className = 'L2Normalize';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.div(x, tf.add(tf.norm(x, 'euclidean', -1, true), 1e-6));
    });
  }
}`,
  AbsDiff: `class AbsDiff extends tf.layers.Layer {
  static className = 'AbsDiff';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return tf.tidy(() => tf.abs(tf.sub(a!, b!)));
  }
  override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
    return (shapes as tf.Shape[])[0]!;
  }
}`,
  Sampling: `class Sampling extends tf.layers.Layer {
  static className = 'Sampling';
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const [mean, logVar] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      if (!__ALWAYS__ && !kwargs?.training) return mean!.clone();
      const noise = tf.randomNormal(mean!.shape);
      return tf.add(mean!, tf.mul(tf.exp(tf.mul(logVar!, 0.5)), noise));
    });
  }
  override computeOutputShape(shapes: tf.Shape | tf.Shape[]): tf.Shape {
    return (shapes as tf.Shape[])[0]!;
  }
}`,
  FeatureNorm: `class FeatureNorm extends tf.layers.Layer {
  static className = 'FeatureNorm';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      __MOMENTS__
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    });
  }
}`,
  AlwaysDropout: `class AlwaysDropout extends tf.layers.Layer {
  static className = 'AlwaysDropout';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.dropout(Array.isArray(inputs) ? inputs[0]! : inputs, 0.3));
  }
}`,
  Detach: `class Detach extends tf.layers.Layer {
  static className = 'Detach';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const through = tf.customGrad((v: tf.Tensor) => ({ value: tf.clone(v), gradFunc: (dy: tf.Tensor) => __GRAD__ }));
    return through(x) as tf.Tensor;
  }
}`,
  LogScale: `class LogScale extends tf.layers.Layer {
  static className = 'LogScale';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.log(tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, __EPSILON__)));
  }
}`,
  MaskedMean: `class MaskedMean extends tf.layers.Layer {
  static className = 'MaskedMean';
  constructor(args: object) {
    super(args);
    this.supportsMasking = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: tf.Tensor }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => {
      if (!kwargs?.mask) return tf.mean(x, 1);
      const m = tf.expandDims(tf.cast(kwargs.mask, 'float32'), -1);
      return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(m, 1), 1));
    });
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    return [s[0]!, s[s.length - 1]!];
  }
  override computeMask(): null {
    return null;
  }
}`,
  FoldTime: `class FoldTime extends tf.layers.Layer {
  static className = 'FoldTime';
  private readonly frame: number[];
  constructor(args: { frame: number[]; name?: string }) {
    super(args);
    this.frame = args.frame;
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), frame: this.frame };
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.reshape(__FOLD__, [-1, ...this.frame]));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    return [null, ...this.frame];
  }
}`,
  UnfoldTime: `class UnfoldTime extends tf.layers.Layer {
  static className = 'UnfoldTime';
  private readonly steps: number;
  constructor(args: { steps: number; name?: string }) {
    super(args);
    this.steps = args.steps;
  }
__UNFOLD_CONFIG__
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.reshape(x, [-1, this.steps, x.shape[x.rank - 1]!]));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = shape as tf.Shape;
    return [null, this.steps, s[s.length - 1]!];
  }
}`,
};

/** Options of the classes that differ between the correct and the buggy version. */
export interface LayerOptions {
  /** Sampling: draw noise at inference too. */
  alwaysSample?: boolean;
  /** FeatureNorm: the axes of its statistics ([-1]: each sample's features; [0]: the batch). */
  normAxes?: number[];
  /** Detach: block the gradient (else pass it through). */
  blockGradient?: boolean;
  /** LogScale: the epsilon added before the log. */
  epsilon?: number;
  /** FoldTime: fold time-major (transpose first) instead of batch-major. */
  foldTimeMajor?: boolean;
  /** FeatureNorm: each sample's variance by tf.einsum (no kernel on the WebAssembly backend). */
  einsumVariance?: boolean;
  /** UnfoldTime: no getConfig (model.save drops its steps). */
  unsavedSteps?: boolean;
}

/** The source of the named classes, with their registration. */
export function layerClasses(names: string[], options: LayerOptions = {}): string {
  return names
    .map((name) => {
      const text = (classes[name] ?? '')
        .replace('__ALWAYS__', String(options.alwaysSample === true))
        .replace('__GRAD__', options.blockGradient ? 'tf.zerosLike(dy)' : 'dy')
        .replace('__EPSILON__', String(options.epsilon ?? 1e-6))
        .replace(
          '__MOMENTS__',
          options.einsumVariance
            ? `const mean = tf.mean(x, -1, true);
      const centred = tf.sub(x, mean);
      const variance = tf.div(tf.expandDims(tf.einsum('bf,bf->b', centred, centred), -1), x.shape[1]!);`
            : 'const { mean, variance } = tf.moments(x, __AXES__, true);',
        )
        .replace('__AXES__', JSON.stringify(options.normAxes ?? [-1]))
        .replace(
          '__UNFOLD_CONFIG__',
          options.unsavedSteps
            ? ''
            : `  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), steps: this.steps };
  }`,
        )
        .replace('__FOLD__', options.foldTimeMajor ? 'tf.transpose(x, [1, 0, ...x.shape.slice(2).map((_, i) => i + 2)])' : 'x');
      return `${text}\ntf.serialization.registerClass(${name});`;
    })
    .join('\n\n');
}
