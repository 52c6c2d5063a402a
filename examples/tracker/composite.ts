/**
 * A realistic composite at real size: an object tracker that classifies what it follows.
 *
 *   image  -> backbone (CNN) -> feature map --+-> crop (user layer) -> head --+
 *                           \-> detector -> box                            +-> fuse -> classifier
 *   track  -> masking -> LSTM(256) ---------------------------------------+
 *
 * Building it for real takes minutes on the CPU (the LSTM's orthogonal initialiser alone).
 * scaffold-mini never does: run `npx scaffold-mini examples/tracker/composite.ts`.
 */
import * as tf from '@tensorflow/tfjs';

export const NUM_CLASSES = 10;
export const TRACK_STEPS = 20;
export const TRACK_FEATURES = 16;

/**
 * Crops the detected box out of every feature map and resizes it to a fixed size, by bilinear
 * sampling written as two small matrix products. (tf.image.cropAndResize would be shorter, but
 * tfjs has no gradient for it, so a model using it cannot train; gathering the corners instead is
 * differentiable but its gradient is very slow in tfjs. Tent-shaped interpolation weights are
 * differentiable in the features and in the boxes.)
 */
export class CropToBox extends tf.layers.Layer {
  static className = 'CropToBox';
  readonly cropSize: [number, number];

  constructor(config: { cropSize: [number, number]; name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.cropSize = config.cropSize;
  }

  override computeOutputShape(inputShape: tf.Shape[]): tf.Shape {
    const featureShape = inputShape[0] as tf.Shape;
    return [featureShape[0] ?? null, this.cropSize[0], this.cropSize[1], featureShape[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [features, boxes] = inputs as [tf.Tensor4D, tf.Tensor2D];
      const [batch, height, width, channels] = features.shape;
      const [cropH, cropW] = this.cropSize;
      // Boxes are [y1, x1, y2, x2] in [0, 1]; each image has one box.
      const [y1, x1, y2, x2] = tf.split(boxes, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      // weights[b, i, p]: how much feature row (or column) p contributes to crop row (or column) i.
      const weights = (lo: tf.Tensor2D, hi: tf.Tensor2D, crop: number, size: number): tf.Tensor3D => {
        const at = tf.mul(tf.add(lo, tf.mul(tf.sub(hi, lo), tf.linspace(0, 1, crop).expandDims(0))), size - 1);
        return tf.relu(tf.sub(1, tf.abs(tf.sub(at.expandDims(2), tf.range(0, size).reshape([1, 1, size]))))) as tf.Tensor3D;
      };
      const wy = weights(y1, y2, cropH, height); // [b, cropH, height]
      const wx = weights(x1, x2, cropW, width); // [b, cropW, width]
      const rows = tf.matMul(wy, tf.reshape(features, [batch, height, width * channels])); // [b, cropH, width * channels]
      const byColumn = tf.reshape(tf.transpose(tf.reshape(rows, [batch, cropH, width, channels]), [0, 1, 3, 2]), [batch, cropH * channels, width]);
      const both = tf.matMul(byColumn, wx, false, true); // [b, cropH * channels, cropW]
      return tf.transpose(tf.reshape(both, [batch, cropH, channels, cropW]), [0, 1, 3, 2]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropSize: this.cropSize };
  }
}
tf.serialization.registerClass(CropToBox);

function convBlock(model: tf.Sequential, filters: number, inputShape?: number[]): void {
  model.add(
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      ...(inputShape ? { inputShape } : {}),
    }),
  );
  model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
}

/** Four conv blocks: 224x224x3 -> 14x14x256. */
function buildBackbone(): tf.Sequential {
  const backbone = tf.sequential({ name: 'backbone' });
  convBlock(backbone, 32, [224, 224, 3]);
  convBlock(backbone, 64);
  convBlock(backbone, 128);
  convBlock(backbone, 256);
  return backbone;
}

/** One normalised box [y1, x1, y2, x2] per image. */
function buildDetector(): tf.LayersModel {
  const features = tf.input({ shape: [14, 14, 256] });
  const x = tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(features);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x);
  const box = tf.layers.dense({ units: 4, activation: 'sigmoid' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: features, outputs: box, name: 'detector' });
}

/** Describes the cropped object. */
function buildHead(): tf.Sequential {
  return tf.sequential({
    name: 'head',
    layers: [
      tf.layers.conv2d({ inputShape: [7, 7, 256], filters: 64, kernelSize: 1, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256, activation: 'relu' }),
    ],
  });
}

export default function buildTracker(): tf.LayersModel {
  const image = tf.input({ shape: [224, 224, 3], name: 'image' });
  const track = tf.input({ shape: [TRACK_STEPS, TRACK_FEATURES], name: 'track' });

  const backbone = buildBackbone();
  const detector = buildDetector();
  const head = buildHead();

  const features = backbone.apply(image) as tf.SymbolicTensor;
  const box = detector.apply(features) as tf.SymbolicTensor;
  const crop = new CropToBox({ cropSize: [7, 7], name: 'crop' }).apply([features, box]) as tf.SymbolicTensor;
  const appearance = head.apply(crop) as tf.SymbolicTensor;

  const masked = tf.layers.masking({ maskValue: 0, name: 'track_mask' }).apply(track);
  const motion = tf.layers.lstm({ units: 256, name: 'motion' }).apply(masked) as tf.SymbolicTensor;

  const both = tf.layers.concatenate({ name: 'join' }).apply([appearance, motion]);
  const fused = tf.layers.dense({ units: 128, activation: 'relu', name: 'fuse' }).apply(both);
  const label = tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', name: 'label' }).apply(fused) as tf.SymbolicTensor;

  const model = tf.model({ inputs: [image, track], outputs: [label, box], name: 'tracker' });
  model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'meanSquaredError'] });
  return model;
}
