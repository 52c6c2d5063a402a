// A composite of more than a billion parameters, written at run time by the bench (and a test):
// never built for real. Building it for real would need ~4.4 GB for the weights alone.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The source of the large composite: an embedding, an LSTM and three wide dense layers. */
export function largeCompositeSource() {
  return `import * as tf from '@tensorflow/tfjs';

/** 1.1 billion parameters: embed 512M, encoder 25M, wide 34M, expand 537M, label 0.3M. */
export default function buildLarge(): tf.LayersModel {
  const tokens = tf.input({ shape: [64], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers.embedding({ inputDim: 500_000, outputDim: 1024, maskZero: true, name: 'embed' }).apply(tokens);
  const encoded = tf.layers.lstm({ units: 2048, name: 'encoder' }).apply(embedded);
  const wide = tf.layers.dense({ units: 16_384, activation: 'relu', name: 'wide' }).apply(encoded);
  const expanded = tf.layers.dense({ units: 32_768, activation: 'relu', name: 'expand' }).apply(wide);
  const label = tf.layers.dense({ units: 10, activation: 'softmax', name: 'label' }).apply(expanded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: tokens, outputs: label, name: 'large' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
`;
}

/** Writes it into a new folder under `parent` (inside the repository, so that it resolves tfjs). */
export function writeLargeComposite(parent) {
  return writeComposite(parent, '.large-', largeCompositeSource());
}

/** A generated composite's source as `composite.ts` in a new folder `<parent>/<prefix>XXXXXX`; returns its path. */
export function writeComposite(parent, prefix, source) {
  const dir = mkdtempSync(join(parent, prefix));
  const file = join(dir, 'composite.ts');
  writeFileSync(file, source);
  return file;
}
