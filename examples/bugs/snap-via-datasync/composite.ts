/**
 * Bug zoo: snap-via-datasync.
 *
 * A one-object detector: a small CNN backbone (nested model) computes a feature map; a detector
 * (nested model) predicts one normalised box [y1, x1, y2, x2]; the user's own layer snaps the box
 * to the 32-pixel grid of the image; a classifier labels the image from the same features.
 *
 *   image -> backbone (CNN) -+-> detector -> detector_snap (SnapToGrid) -> box
 *                            +-> cls_pool -> label
 *
 * BUG: SnapToGrid reads the box values with `dataSync()`, rounds them in JavaScript and builds a
 * new tensor from the numbers. The new tensor has no link back to the detector on the gradient
 * tape: the box loss reaches no weight, and the detector never trains (the label keeps the
 * backbone training, so the loss still goes down).
 * Caught by: `gradient-flow`, at `detector` (the component behind `detector_snap`).
 */
import * as tf from '@tensorflow/tfjs';

const CLASSES = 10;
const GRID = 32;

/** Rounds box coordinates to multiples of 1 / grid. */
export class SnapToGrid extends tf.layers.Layer {
  static className = 'SnapToGrid';
  readonly grid: number;

  constructor(config: { grid: number; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.grid = config.grid;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const boxes = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const values = boxes.dataSync();
    const snapped = Float32Array.from(values, (v) => Math.round(v * this.grid) / this.grid);
    return tf.tensor(snapped, boxes.shape, 'float32');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), grid: this.grid };
  }
}
tf.serialization.registerClass(SnapToGrid);

/** 32 x 32 RGB -> 8 x 8 x 32. */
function buildBackbone(): tf.Sequential {
  return tf.sequential({
    name: 'backbone',
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'bb_conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'bb_pool1' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', name: 'bb_conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'bb_pool2' }),
    ],
  });
}

/** 8 x 8 x 32 -> one box in [0, 1]. */
function buildDetector(): tf.Sequential {
  return tf.sequential({
    name: 'detector',
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 32], name: 'det_flat' }),
      tf.layers.dense({ units: 32, activation: 'relu', name: 'det_hidden' }),
      tf.layers.dense({ units: 4, activation: 'sigmoid', name: 'det_box' }),
    ],
  });
}

export default function buildDetectorModel(): tf.LayersModel {
  const image = tf.input({ shape: [32, 32, 3], name: 'image' });
  const features = buildBackbone().apply(image) as tf.SymbolicTensor;
  const rawBox = buildDetector().apply(features) as tf.SymbolicTensor;
  const box = new SnapToGrid({ grid: GRID, name: 'detector_snap' }).apply(rawBox) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'cls_pool' }).apply(features);
  const label = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'label' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: image, outputs: [label, box], name: 'detector_model' });
  model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'meanSquaredError'] });
  return model;
}
