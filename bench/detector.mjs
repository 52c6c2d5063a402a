// An anchor-free detector on 128x128 images, written at run time by the bench: a conv backbone to
// a 32x32x96 feature map, the user's own per-sample normalisation, and three conv heads (centre
// heatmap, box size, centre offset). The shape of model issue 13 measured at 110 s.
import { writeComposite } from './large-composite.mjs';

/** The source of the detector composite. */
export function detectorSource() {
  return `import * as tf from '@tensorflow/tfjs';

/** Per-sample feature normalisation (over each map's positions), the user's own layer. */
class MapNorm extends tf.layers.Layer {
  static className = 'MapNorm';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const { mean, variance } = tf.moments(x, [1, 2], true);
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3)));
    });
  }
}
tf.serialization.registerClass(MapNorm);

const CLASSES = 4;

export default function buildDetector(): tf.LayersModel {
  const image = tf.input({ shape: [128, 128, 3], name: 'image' });
  const conv = (filters: number, strides: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', activation: 'relu', name });
  let x = conv(32, 2, 'stem').apply(image) as tf.SymbolicTensor;
  x = conv(64, 1, 'block1').apply(x) as tf.SymbolicTensor;
  x = conv(96, 2, 'block2').apply(x) as tf.SymbolicTensor;
  x = conv(96, 1, 'block3').apply(x) as tf.SymbolicTensor;
  const features = new MapNorm({ name: 'map_norm' }).apply(x) as tf.SymbolicTensor;
  const head = (units: number, activation: 'sigmoid' | 'linear', name: string) => {
    const hidden = conv(96, 1, \`\${name}_conv\`).apply(features) as tf.SymbolicTensor;
    return tf.layers.conv2d({ filters: units, kernelSize: 1, activation, name }).apply(hidden) as tf.SymbolicTensor;
  };
  const heatmap = head(CLASSES, 'sigmoid', 'heatmap');
  const size = head(2, 'linear', 'size');
  const offset = head(2, 'linear', 'offset');
  const model = tf.model({ inputs: image, outputs: [heatmap, size, offset], name: 'detector' });
  model.compile({ optimizer: 'adam', loss: ['binaryCrossentropy', 'meanSquaredError', 'meanSquaredError'] });
  return model;
}
`;
}

/** Writes it into a new folder under `parent` (inside the repository, so that it resolves tfjs). */
export function writeDetector(parent) {
  return writeComposite(parent, '.detector-', detectorSource());
}
