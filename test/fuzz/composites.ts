// Random composites for the self-fuzzing test and `npm run fuzz`: module sources built from a
// fast-check description (depth, branches, masking, recurrent and conv components, the user's own
// pass-through layers, shapes), and broken variants of them. Shared by test/fuzz and scripts/fuzz.
import fc from 'fast-check';

export type Step =
  | { kind: 'lstm' | 'gru'; units: number; sequences: boolean }
  | { kind: 'conv1d'; filters: number; kernel: number }
  | { kind: 'dense'; units: number; activation: 'relu' | 'tanh' | 'linear' }
  | { kind: 'passthrough' }
  | { kind: 'dropout' };

export interface CompositeSpec {
  steps: number;
  features: number;
  masked: boolean;
  embedding: { vocab: number; dim: number } | null;
  sequence: Step[];
  image: { size: number; channels: number; filters: number; stride: number } | null;
  head: { units: number; activation: 'softmax' | 'sigmoid' | 'linear' };
}

export type Breakage = 'none' | 'truncate' | 'throws' | 'not-a-model' | 'no-export' | 'missing-package' | 'bad-shape';

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('lstm' as const, 'gru' as const), units: fc.integer({ min: 2, max: 48 }), sequences: fc.boolean() }),
  fc.record({ kind: fc.constant('conv1d' as const), filters: fc.integer({ min: 2, max: 64 }), kernel: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    kind: fc.constant('dense' as const),
    units: fc.integer({ min: 2, max: 96 }),
    activation: fc.constantFrom('relu' as const, 'tanh' as const, 'linear' as const),
  }),
  fc.record({ kind: fc.constant('passthrough' as const) }),
  fc.record({ kind: fc.constant('dropout' as const) }),
);

export const compositeSpec: fc.Arbitrary<CompositeSpec> = fc.record({
  steps: fc.integer({ min: 2, max: 16 }),
  features: fc.integer({ min: 1, max: 24 }),
  masked: fc.boolean(),
  embedding: fc.option(fc.record({ vocab: fc.integer({ min: 3, max: 400 }), dim: fc.integer({ min: 2, max: 32 }) }), { nil: null }),
  sequence: fc.array(step, { minLength: 1, maxLength: 4 }),
  image: fc.option(
    fc.record({
      size: fc.integer({ min: 4, max: 40 }),
      channels: fc.integer({ min: 1, max: 4 }),
      filters: fc.integer({ min: 2, max: 48 }),
      stride: fc.integer({ min: 1, max: 3 }),
    }),
    { nil: null },
  ),
  head: fc.record({
    units: fc.integer({ min: 1, max: 12 }),
    activation: fc.constantFrom('softmax' as const, 'sigmoid' as const, 'linear' as const),
  }),
});

export const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('none' as const) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'truncate' as const,
      'throws' as const,
      'not-a-model' as const,
      'no-export' as const,
      'missing-package' as const,
      'bad-shape' as const,
    ),
  },
);

/** The module source of a composite (TypeScript). */
export function compositeSource(spec: CompositeSpec, broken: Breakage = 'none', cut = 0.5): string {
  const lines: string[] = [];
  const add = (line: string) => lines.push(line);
  add(`import * as tf from '@tensorflow/tfjs';`);
  if (broken === 'missing-package') add(`import 'scaffold-mini-fuzz-no-such-package';`);
  add('');
  add("/** The user's own layer: passes its input on (and, without supportsMasking, drops the mask). */");
  add('export class PassThrough extends tf.layers.Layer {');
  add("  static className = 'PassThrough';");
  add('  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {');
  add('    return Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;');
  add('  }');
  add('}');
  add('tf.serialization.registerClass(PassThrough);');
  add('');
  add(`${broken === 'no-export' ? '' : 'export default '}function build(): tf.LayersModel {`);
  if (broken === 'throws') add("  throw new Error('the head is not wired yet');");
  let seq: string;
  if (spec.embedding) {
    add(`  const tokens = tf.input({ shape: [${spec.steps}], dtype: 'int32', name: 'tokens' });`);
    add(
      `  let x = tf.layers.embedding({ inputDim: ${spec.embedding.vocab}, outputDim: ${spec.embedding.dim}, maskZero: ${spec.masked}, name: 'embed' }).apply(tokens) as tf.SymbolicTensor;`,
    );
    seq = 'tokens';
  } else {
    add(`  const track = tf.input({ shape: [${spec.steps}, ${spec.features}], name: 'track' });`);
    add(
      `  let x = ${spec.masked ? "tf.layers.masking({ maskValue: 0, name: 'track_mask' }).apply(track) as tf.SymbolicTensor" : 'track'};`,
    );
    seq = 'track';
  }
  let rank3 = true;
  spec.sequence.forEach((s, i) => {
    if (!rank3 && (s.kind === 'lstm' || s.kind === 'gru' || s.kind === 'conv1d')) return; // a sequence layer after the sequence ended
    const name = `s${i}_${s.kind}`;
    if (s.kind === 'lstm' || s.kind === 'gru') {
      add(
        `  x = tf.layers.${s.kind}({ units: ${s.units}, returnSequences: ${s.sequences}, name: '${name}' }).apply(x) as tf.SymbolicTensor;`,
      );
      rank3 = s.sequences;
    } else if (s.kind === 'conv1d') {
      add(
        `  x = tf.layers.conv1d({ filters: ${s.filters}, kernelSize: ${s.kernel}, padding: 'same', activation: 'relu', name: '${name}' }).apply(x) as tf.SymbolicTensor;`,
      );
    } else if (s.kind === 'dense') {
      add(`  x = tf.layers.dense({ units: ${s.units}, activation: '${s.activation}', name: '${name}' }).apply(x) as tf.SymbolicTensor;`);
    } else if (s.kind === 'passthrough') {
      add(`  x = new PassThrough({ name: '${name}' }).apply(x) as tf.SymbolicTensor;`);
    } else {
      add(`  x = tf.layers.dropout({ rate: 0.2, name: '${name}' }).apply(x) as tf.SymbolicTensor;`);
    }
  });
  if (rank3) add(`  x = tf.layers.globalAveragePooling1d({ name: 'seq_pool' }).apply(x) as tf.SymbolicTensor;`);
  const inputs = [seq];
  if (spec.image) {
    const im = spec.image;
    add(`  const image = tf.input({ shape: [${im.size}, ${im.size}, ${im.channels}], name: 'image' });`);
    add(`  const backbone = tf.sequential({ name: 'backbone', layers: [`);
    add(
      `    tf.layers.conv2d({ inputShape: [${im.size}, ${im.size}, ${im.channels}], filters: ${im.filters}, kernelSize: 3, strides: ${im.stride}, padding: 'same', activation: 'relu' }),`,
    );
    add(`    tf.layers.conv2d({ filters: ${im.filters}, kernelSize: 3, padding: 'same', activation: 'relu' }),`);
    add(`    tf.layers.globalAveragePooling2d({}),`);
    add(`  ] });`);
    add(`  const seen = backbone.apply(image) as tf.SymbolicTensor;`);
    add(`  x = tf.layers.concatenate({ name: 'join' }).apply([x, seen]) as tf.SymbolicTensor;`);
    inputs.push('image');
  }
  add(`  x = tf.layers.dense({ units: 128, activation: 'relu', name: 'wide' }).apply(x) as tf.SymbolicTensor;`);
  if (broken === 'bad-shape') add(`  x = tf.layers.reshape({ targetShape: [7, 11], name: 'bad_reshape' }).apply(x) as tf.SymbolicTensor;`);
  add(
    `  const out = tf.layers.dense({ units: ${spec.head.units}, activation: '${spec.head.activation}', name: 'out' }).apply(x) as tf.SymbolicTensor;`,
  );
  add(`  const model = tf.model({ inputs: [${inputs.join(', ')}], outputs: out, name: 'fuzzed' });`);
  add(broken === 'not-a-model' ? '  return { layers: model.layers } as unknown as tf.LayersModel;' : '  return model;');
  add('}');
  add('');
  const text = lines.join('\n');
  return broken === 'truncate' ? text.slice(0, Math.max(40, Math.floor(text.length * cut))) : text;
}
