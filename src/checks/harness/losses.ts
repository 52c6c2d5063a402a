import type { LayersModel, Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs';
import type { Tf } from '../../tfjs/tf-instance.js';

/** The loss of one model output: what it is, whether the user's `compile` said so, and how to compute it. */
export interface OutputLoss {
  name: string;
  compiled: boolean;
  /** Targets that fit the output's activation: one-hot classes, 0/1 labels, or normal values. */
  target(tf: Tf, shape: number[], seed: number): Tensor;
  compute(tf: Tf, yTrue: Tensor, yPred: Tensor): Scalar;
}

const KNOWN: Record<string, (tf: Tf, yTrue: Tensor, yPred: Tensor) => Tensor> = {
  categoricalCrossentropy: (tf, t, p) => tf.metrics.categoricalCrossentropy(t, p),
  binaryCrossentropy: (tf, t, p) => tf.metrics.binaryCrossentropy(t, p),
  meanSquaredError: (tf, t, p) => tf.metrics.meanSquaredError(t, p),
  meanAbsoluteError: (tf, t, p) => tf.metrics.meanAbsoluteError(t, p),
};

const ALIASES: Record<string, string> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
  MSE: 'meanSquaredError',
  mean_absolute_error: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
};

/**
 * One loss per model output: the one `model.compile` named when the factory compiled the model,
 * else one inferred from the output's activation (softmax: categorical cross-entropy, sigmoid:
 * binary cross-entropy, anything else: mean squared error).
 */
export function outputLosses(model: LayersModel, activations: string[]): OutputLoss[] {
  const compiled = (model as unknown as { loss?: unknown }).loss;
  return activations.map((activation, i) => {
    const named = Array.isArray(compiled) ? compiled[i] : compiled;
    const name = typeof named === 'string' ? (ALIASES[named] ?? named) : undefined;
    if (name && KNOWN[name]) return makeLoss(name, true, activation);
    const inferred =
      activation === 'softmax' ? 'categoricalCrossentropy' : activation === 'sigmoid' ? 'binaryCrossentropy' : 'meanSquaredError';
    return makeLoss(inferred, false, activation);
  });
}

function makeLoss(name: string, compiled: boolean, activation: string): OutputLoss {
  const fn = KNOWN[name] ?? KNOWN['meanSquaredError'];
  return {
    name,
    compiled,
    target(tf, shape, seed) {
      if (activation === 'softmax') {
        const classes = shape[shape.length - 1] ?? 1;
        const count = shape.slice(0, -1).reduce((a, b) => a * b, 1);
        const ids = tf.randomUniform([count], 0, classes, 'int32', seed);
        return tf.tidy(() => tf.reshape(tf.oneHot(ids as Tensor1D, classes).toFloat(), shape));
      }
      if (activation === 'sigmoid') return tf.tidy(() => tf.round(tf.randomUniform(shape, 0, 1, 'float32', seed)));
      return tf.randomNormal(shape, 0, 1, 'float32', seed);
    },
    compute: (tf, yTrue, yPred) => tf.mean(fn ? fn(tf, yTrue, yPred) : tf.squaredDifference(yTrue, yPred)) as Scalar,
  };
}
