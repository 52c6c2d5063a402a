/**
 * Bug zoo: concat-batch-axis.
 *
 * A product classifier that fuses a photo with tabular metadata: a small CNN backbone (a nested
 * model) embeds the photo, a dense layer embeds the metadata, the user's own layer joins the two
 * 64-wide vectors, and a softmax classifies.
 *
 *   image -> backbone (CNN) --+
 *                             +-> fuse (FuseFeatures) -> label
 *   meta  -> meta_proj -------+
 *
 * BUG: FuseFeatures calls `tf.concat([a, b])` without an axis. tfjs's default axis is 0, the
 * BATCH axis: both halves are 64 wide, so it "works" and returns [2 * batch, 64] where the layer
 * declares [batch, 128]; the classifier after it then fails on the first real batch.
 * Caught by: `shape`, at `fuse`.
 */
import * as tf from '@tensorflow/tfjs';

const CLASSES = 10;

/** Joins image and metadata features side by side. */
export class FuseFeatures extends tf.layers.Layer {
  static className = 'FuseFeatures';

  constructor(config: { name?: string } = {}) {
    super(config);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [a, b] = inputShape as [tf.Shape, tf.Shape];
    return [a[0] ?? null, (a[1] ?? 0) + (b[1] ?? 0)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.concat(inputs as tf.Tensor[]));
  }
}
tf.serialization.registerClass(FuseFeatures);

/** 32 x 32 RGB -> 64 features. */
function buildBackbone(): tf.Sequential {
  return tf.sequential({
    name: 'backbone',
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'bb_conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'bb_pool1' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'bb_conv2' }),
      tf.layers.globalAveragePooling2d({ name: 'bb_pool2' }),
      tf.layers.dense({ units: 64, activation: 'relu', name: 'bb_proj' }),
    ],
  });
}

export default function buildProductClassifier(): tf.LayersModel {
  const image = tf.input({ shape: [32, 32, 3], name: 'image' });
  const meta = tf.input({ shape: [8], name: 'meta' });
  const visual = buildBackbone().apply(image) as tf.SymbolicTensor;
  const tabular = tf.layers.dense({ units: 64, activation: 'relu', name: 'meta_proj' }).apply(meta) as tf.SymbolicTensor;
  const fused = new FuseFeatures({ name: 'fuse' }).apply([visual, tabular]);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(fused) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [image, meta], outputs: label, name: 'product_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
