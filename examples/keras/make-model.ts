/**
 * Writes examples/keras/model.json: the topology of a small video-clip classifier, exactly as
 * `model.save('file://...')` writes it (a Keras model converted by tensorflowjs_converter looks the
 * same). Run: npx tsx examples/keras/make-model.ts. No weights are written: scaffold-mini reads the
 * topology only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export function buildClipClassifier(): tf.LayersModel {
  const frames = tf.input({ shape: [8, 32, 32, 3], name: 'frames' });
  const frameEncoder = tf.sequential({
    name: 'frame_encoder',
    layers: [
      tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 3, strides: 2, activation: 'relu' }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, activation: 'relu' }),
      tf.layers.globalAveragePooling2d({}),
    ],
  });
  const perFrame = tf.layers.timeDistributed({ layer: frameEncoder, name: 'per_frame' }).apply(frames);
  const clip = tf.layers.lstm({ units: 64, name: 'clip_rnn' }).apply(perFrame);
  const label = tf.layers.dense({ units: 8, activation: 'softmax', name: 'action' }).apply(clip) as tf.SymbolicTensor;
  const model = tf.model({ inputs: frames, outputs: label, name: 'clip_classifier' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

/** The model.json text model.save() writes, topology and training config, with an empty weights manifest. */
export async function topologyJson(): Promise<string> {
  let text = '';
  await buildClipClassifier().save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = { modelTopology: artifacts.modelTopology, trainingConfig: artifacts.trainingConfig, format: 'layers-model', generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`, convertedBy: null, weightsManifest: [] };
      text = `${JSON.stringify(json, null, 2)}\n`;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true }, // keeps the training config (the loss) in the file, as Keras does
  );
  return text;
}

if (process.argv[1]?.endsWith('make-model.ts')) {
  writeFileSync(join(import.meta.dirname, 'model.json'), await topologyJson());
}
