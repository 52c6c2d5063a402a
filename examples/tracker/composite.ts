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

/** Interpolation weights [b, crop, size]: how much feature row (or column) p feeds crop row (or column) i. */
function tentWeights(lo: tf.Tensor2D, hi: tf.Tensor2D, crop: number, size: number): tf.Tensor3D {
  const at = tf.mul(tf.add(lo, tf.mul(tf.sub(hi, lo), tf.linspace(0, 1, crop).expandDims(0))), size - 1);
  return tf.relu(tf.sub(1, tf.abs(tf.sub(at.expandDims(2), tf.range(0, size).reshape([1, 1, size]))))) as tf.Tensor3D;
}

/**
 * The gradient of a bilinear crop with respect to the feature map: every crop cell's gradient goes
 * back to the feature cells it interpolated, with the same weights. Boxes [y1, x1, y2, x2] in [0, 1].
 */
export function cropGradient(dy: tf.Tensor4D, boxes: tf.Tensor2D, featureShape: number[]): tf.Tensor4D {
  const [batch, height, width, channels] = featureShape as [number, number, number, number];
  const [, cropH, cropW] = dy.shape;
  const [y1, x1, y2, x2] = tf.split(boxes, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const wy = tentWeights(y1, y2, cropH, height); // [b, cropH, height]
  const wx = tentWeights(x1, x2, cropW, width); // [b, cropW, width]
  const columns = tf.reshape(tf.tile(tf.expandDims(wx, 1), [1, cropH, 1, 1]), [batch * cropH, cropW, width]);
  const rows = tf.matMul(columns, tf.reshape(dy, [batch * cropH, cropW, channels]), true); // [b * cropH, width, channels]
  const features = tf.matMul(wy, tf.reshape(rows, [batch, cropH, width * channels]), true); // [b, height, width * channels]
  return tf.reshape(features, [batch, height, width, channels]);
}

/**
 * Crops the detected box out of every feature map and resizes it to a fixed size, with
 * tf.image.cropAndResize and a gradient of our own: tfjs has none for CropAndResize, so a model
 * using it alone cannot train. The boxes get no gradient through the crop (as in RoI pooling):
 * the detector learns them from the box loss.
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
    const [features, boxes] = inputs as [tf.Tensor4D, tf.Tensor2D];
    const size = this.cropSize;
    const crop = tf.customGrad(((f: tf.Tensor4D, b: tf.Tensor2D, save: (t: tf.Tensor[]) => void) => {
      save([f, b]);
      const indices = tf.range(0, f.shape[0], 1, 'int32') as tf.Tensor1D;
      return {
        value: tf.image.cropAndResize(f, b, indices, size, 'bilinear'),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [ff, bb] = saved as [tf.Tensor4D, tf.Tensor2D];
          return [cropGradient(dy as tf.Tensor4D, bb, ff.shape), tf.zerosLike(bb)];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return crop(features, boxes) as tf.Tensor;
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
