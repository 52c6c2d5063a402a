/**
 * Bug zoo: noise-at-inference.
 *
 * A motion classifier made robust with feature noise: an LSTM summarises the track, the user's
 * own layer adds Gaussian noise to the summary (augmentation inside the model), a softmax head
 * classifies.
 *
 *   track -> motion (LSTM 64) -> jitter (GaussianJitter) -> label
 *
 * BUG: GaussianJitter adds `tf.randomNormal` noise whatever `training` says, so predictions are
 * random at inference: the same track gets another label on every call, and evaluation metrics
 * wobble from run to run. (tfjs's own gaussianNoise layer is identity at inference.)
 * Caught by: `determinism`, at `jitter`.
 */
import * as tf from '@tensorflow/tfjs';

const STEPS = 20;
const FEATURES = 16;
const CLASSES = 6;

/** x + N(0, stddev^2). */
export class GaussianJitter extends tf.layers.Layer {
  static className = 'GaussianJitter';
  readonly stddev: number;

  constructor(config: { stddev: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.stddev = config.stddev;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      return tf.add(x, tf.randomNormal(x.shape, 0, this.stddev));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}
tf.serialization.registerClass(GaussianJitter);

export default function buildMotionClassifier(): tf.LayersModel {
  const track = tf.input({ shape: [STEPS, FEATURES], name: 'track' });
  const motion = tf.layers.lstm({ units: 64, name: 'motion' }).apply(track);
  const jittered = new GaussianJitter({ stddev: 0.1, name: 'jitter' }).apply(motion);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(jittered) as tf.SymbolicTensor;
  const model = tf.model({ inputs: track, outputs: label, name: 'motion_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
