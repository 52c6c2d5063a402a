// The families of realistic composites the oracle generates, each with the bugs that apply to it.
// A family's `build` renders a composite module (plain tfjs layers code, every layer named) for
// its parameters, with one bug injected or none.
import fc from 'fast-check';
import type { BugId, OracleCase, OracleInput } from './case.js';
import { layerClasses } from './user-layers.js';

export interface Family<P> {
  name: string;
  params: fc.Arbitrary<P>;
  bugs: readonly BugId[];
  build(p: P, bug: BugId | null): Omit<OracleCase, 'id' | 'family' | 'bug'>;
}

type Head = { classes: number; hidden: number; loss: 'string' | 'function' | 'sparse' | 'none' };
const head = fc.record({
  classes: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 10 })),
  hidden: fc.integer({ min: 16, max: 128 }),
  loss: fc.constantFrom('string' as const, 'function' as const, 'sparse' as const, 'none' as const),
});

/** The classifier head: a hidden ReLU layer, the output layer, and the compile call (bugs applied). */
function renderHead(h: Head, x: string, bug: BugId | null): { code: string; out: string; compile: string; losses: string[] } {
  const binary = h.classes === 1;
  let units = h.classes;
  let activation = binary ? 'sigmoid' : 'softmax';
  let loss = binary ? 'binaryCrossentropy' : h.loss === 'sparse' ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy';
  if (bug === 'softmax-one-unit') {
    units = 1;
    activation = 'softmax';
    loss = 'binaryCrossentropy';
  }
  if (bug === 'sigmoid-categorical') {
    units = Math.max(2, h.classes);
    activation = 'sigmoid';
    loss = 'categoricalCrossentropy';
  }
  if (bug === 'logits-probability-loss') {
    activation = 'linear';
    loss = binary ? 'binaryCrossentropy' : 'categoricalCrossentropy';
  }
  // The forms tfjs takes: a loss name, or a function of (yTrue, yPred) (here one of the user's own).
  const written = h.loss === 'function' ? `(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.metrics.${loss}(yTrue, yPred)` : `'${loss}'`;
  const gateBias = bug === 'dead-relu-gate' ? `, biasInitializer: tf.initializers.constant({ value: -20 })` : '';
  const outInit = bug === 'huge-output-init' ? `, kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 100 })` : '';
  const code = [
    `  const hidden = tf.layers.dense({ units: ${h.hidden}, activation: 'relu', name: 'hidden'${gateBias} }).apply(${x}) as tf.SymbolicTensor;`,
    `  const out = tf.layers.dense({ units: ${units}, activation: '${activation}', name: 'out'${outInit} }).apply(hidden) as tf.SymbolicTensor;`,
  ].join('\n');
  const compiled =
    bug !== null && ['sigmoid-categorical', 'logits-probability-loss', 'softmax-one-unit'].includes(bug) ? true : h.loss !== 'none';
  const compile = compiled ? `  model.compile({ optimizer: 'adam', loss: ${written} });` : '';
  return { code, out: 'out', compile, losses: compiled ? [loss] : [] };
}

const freezeAll = `  for (const layer of model.layers) layer.trainable = false;`;

// ---------------------------------------------------------------------------------------------

interface TextRnn {
  vocab: number;
  dim: number;
  cell: 'lstm' | 'gru' | 'bilstm';
  units: number;
  length: number | null;
  sides: ('post' | 'pre')[];
  hint: boolean;
  pool: boolean;
  /** Fixed-length ids may come unpadded (a fixed window): no maskZero, no hint. */
  padded: boolean;
  head: Head;
}

/** A text classifier: token ids -> a nested encoder (Embedding + LSTM/GRU/Bidirectional) -> head. */
const textRnn: Family<TextRnn> = {
  name: 'text-rnn',
  params: fc.record({
    vocab: fc.integer({ min: 2000, max: 20000 }),
    dim: fc.constantFrom(32, 64, 128),
    cell: fc.constantFrom('lstm' as const, 'gru' as const, 'bilstm' as const),
    units: fc.constantFrom(32, 64, 128, 256),
    length: fc.option(fc.integer({ min: 20, max: 80 }), { nil: null }),
    sides: fc.constantFrom(['post'] as ('post' | 'pre')[], ['pre'] as ('post' | 'pre')[], ['post', 'pre'] as ('post' | 'pre')[]),
    hint: fc.boolean(),
    pool: fc.boolean(),
    padded: fc.boolean(),
    head,
  }),
  bugs: [
    'no-mask-zero',
    'pool-over-mask',
    'softmax-one-unit',
    'sigmoid-categorical',
    'logits-probability-loss',
    'freeze-everything',
    'dead-relu-gate',
    'huge-output-init',
  ],
  build(p, bug) {
    const unpadded = !p.padded && p.length !== null && bug !== 'no-mask-zero' && bug !== 'pool-over-mask';
    const maskZero = !unpadded && bug !== 'no-mask-zero';
    // pool-over-mask: the encoder returns every step and a global average pool (mask-blind) reads them.
    const pool = bug === 'pool-over-mask';
    const rnn = (sequences: boolean): string => {
      const cell = p.cell === 'gru' ? 'gru' : 'lstm';
      const inner = `tf.layers.${cell}({ units: ${p.units}${sequences ? ', returnSequences: true' : ''}, name: 'rnn' })`;
      return p.cell === 'bilstm'
        ? `tf.layers.bidirectional({ layer: ${inner.replace("name: 'rnn'", "name: 'rnn_cell'")}, name: 'rnn' })`
        : inner;
    };
    const h = renderHead(p.head, pool ? 'pooled' : 'encoded', bug);
    const padding = p.sides.length === 2 ? 'both' : p.sides[0];
    const hint =
      p.hint && !unpadded ? `\nexport const mini = { inputs: { ids: { int: [0, ${p.vocab}], pad: 0, padding: '${padding}' } } };\n` : '';
    const source = `import * as tf from '@tensorflow/tfjs';
${hint}
export default function build(): tf.LayersModel {
  const ids = tf.input({ shape: [${p.length ?? 'null'}], dtype: 'int32', name: 'ids' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
      tf.layers.embedding({ inputDim: ${p.vocab}, outputDim: ${p.dim}, maskZero: ${maskZero}, inputShape: [${p.length ?? 'null'}], name: 'embed' }),
      ${rnn(pool)},
    ],
  });
  const encoded = encoder.apply(ids) as tf.SymbolicTensor;
${pool ? "  const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(encoded) as tf.SymbolicTensor;\n" : ''}${h.code}
  const model = tf.model({ inputs: ids, outputs: out, name: 'text_rnn' });
${bug === 'freeze-everything' ? freezeAll : ''}
${h.compile}
  return model;
}
`;
    // Without a hint the padding side is not known to the tool: it tries both; data here is then
    // padded on the side the family says.
    const inputs: OracleInput[] = [
      unpadded
        ? { name: 'ids', shape: [p.length], kind: 'ids', vocab: p.vocab }
        : { name: 'ids', shape: [p.length], kind: 'ids', vocab: p.vocab, pad: { value: 0, sides: p.hint ? p.sides : ['post', 'pre'] } },
    ];
    const culprit = bug === 'no-mask-zero' ? 'encoder' : bug === 'pool-over-mask' ? 'pool' : culprits(bug);
    return { source, inputs, ...(culprit ? { culprit } : {}), losses: h.losses };
  },
};

/** The culprit of the head's bugs. */
function culprits(bug: BugId | null): string | undefined {
  if (bug === 'softmax-one-unit' || bug === 'sigmoid-categorical' || bug === 'logits-probability-loss' || bug === 'huge-output-init')
    return 'out';
  if (bug === 'dead-relu-gate') return 'hidden';
  return undefined;
}

// ---------------------------------------------------------------------------------------------

interface TextCnn {
  vocab: number;
  dim: number;
  filters: number;
  kernels: number[];
  length: number | null;
  head: Head;
}

/** Conv1D n-gram text classifier: ids -> Embedding -> a nested stack of conv1d ('same') -> global max pool -> head. */
const textCnn: Family<TextCnn> = {
  name: 'text-cnn',
  params: fc.record({
    vocab: fc.integer({ min: 2000, max: 20000 }),
    dim: fc.constantFrom(32, 64, 128),
    filters: fc.constantFrom(32, 64, 128),
    kernels: fc.array(fc.constantFrom(3, 4, 5), { minLength: 1, maxLength: 3 }),
    length: fc.option(fc.integer({ min: 20, max: 100 }), { nil: null }),
    head,
  }),
  bugs: ['dropout-at-inference', 'softmax-one-unit', 'logits-probability-loss', 'freeze-everything', 'huge-output-init'],
  build(p, bug) {
    const convs = p.kernels
      .map(
        (k, i) =>
          `      tf.layers.conv1d({ filters: ${p.filters}, kernelSize: ${k}, padding: 'same', activation: 'relu', ${i === 0 ? `inputShape: [${p.length ?? 'null'}, ${p.dim}], ` : ''}name: 'conv${i}' }),`,
      )
      .join('\n');
    const h = renderHead(p.head, 'features', bug);
    const dropout =
      bug === 'dropout-at-inference'
        ? `  const features = new AlwaysDropout({ name: 'drop' }).apply(pooled) as tf.SymbolicTensor;`
        : `  const features = tf.layers.dropout({ rate: 0.3, name: 'drop' }).apply(pooled) as tf.SymbolicTensor;`;
    const source = `import * as tf from '@tensorflow/tfjs';
${bug === 'dropout-at-inference' ? layerClasses(['AlwaysDropout']) : ''}

export default function build(): tf.LayersModel {
  const ids = tf.input({ shape: [${p.length ?? 'null'}], dtype: 'int32', name: 'ids' });
  const embedded = tf.layers.embedding({ inputDim: ${p.vocab}, outputDim: ${p.dim}, name: 'embed' }).apply(ids) as tf.SymbolicTensor;
  const ngrams = tf.sequential({
    name: 'ngrams',
    layers: [
${convs}
    ],
  });
  const mapped = ngrams.apply(embedded) as tf.SymbolicTensor;
  const pooled = tf.layers.globalMaxPooling1d({ name: 'pool' }).apply(mapped) as tf.SymbolicTensor;
${dropout}
${h.code}
  const model = tf.model({ inputs: ids, outputs: out, name: 'text_cnn' });
${bug === 'freeze-everything' ? freezeAll : ''}
${h.compile}
  return model;
}
`;
    const culprit = bug === 'dropout-at-inference' ? 'drop' : culprits(bug);
    return {
      source,
      inputs: [{ name: 'ids', shape: [p.length], kind: 'ids', vocab: p.vocab }],
      ...(culprit ? { culprit } : {}),
      losses: h.losses,
    };
  },
};

// ---------------------------------------------------------------------------------------------

interface Fusion {
  size: number;
  filters: number[];
  vocab: number;
  length: number;
  units: number;
  features: number;
  merge: 'concat' | 'multiply';
  head: Head;
}

/** Multi-input fusion: image (nested CNN) + text (Embedding + GRU) + tabular (Dense), merged, into a head. */
const fusion: Family<Fusion> = {
  name: 'fusion',
  params: fc.record({
    size: fc.constantFrom(32, 48, 64),
    filters: fc.array(fc.constantFrom(16, 32, 64), { minLength: 2, maxLength: 3 }),
    vocab: fc.integer({ min: 1000, max: 10000 }),
    length: fc.integer({ min: 10, max: 40 }),
    units: fc.constantFrom(32, 64, 128),
    features: fc.integer({ min: 4, max: 24 }),
    merge: fc.constantFrom('concat' as const, 'multiply' as const),
    head,
  }),
  bugs: ['dead-branch', 'batch-stat-norm', 'softmax-one-unit', 'freeze-everything', 'dead-relu-gate', 'stop-gradient', 'einsum-op'],
  build(p, bug) {
    const width = 32;
    const convs = p.filters
      .map(
        (f, i) =>
          `      tf.layers.conv2d({ filters: ${f}, kernelSize: 3, padding: 'same', activation: 'relu', ${i === 0 ? `inputShape: [${p.size}, ${p.size}, 3], ` : ''}name: 'conv${i}' }),\n      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool${i}' }),`,
      )
      .join('\n');
    const h = renderHead(p.head, 'merged', bug);
    const norm =
      bug === 'batch-stat-norm'
        ? layerClasses(['FeatureNorm'], { normAxes: [0] })
        : layerClasses(['FeatureNorm'], { normAxes: [-1], einsumVariance: bug === 'einsum-op' });
    const detach = layerClasses(['Detach'], { blockGradient: bug === 'stop-gradient' });
    const parts = bug === 'dead-branch' ? ['imageVec', 'textVec', 'imageVec'] : ['imageVec', 'textVec', 'tabVec'];
    const merged =
      p.merge === 'concat'
        ? `  const merged = tf.layers.concatenate({ name: 'merge' }).apply([${parts.join(', ')}]) as tf.SymbolicTensor;`
        : `  const merged = tf.layers.multiply({ name: 'merge' }).apply([${parts.join(', ')}]) as tf.SymbolicTensor;`;
    const source = `import * as tf from '@tensorflow/tfjs';
${norm}

${detach}

export default function build(): tf.LayersModel {
  const image = tf.input({ shape: [${p.size}, ${p.size}, 3], name: 'image' });
  const tokens = tf.input({ shape: [${p.length}], dtype: 'int32', name: 'tokens' });
  const tabular = tf.input({ shape: [${p.features}], name: 'tabular' });
  const cnn = tf.sequential({
    name: 'cnn',
    layers: [
${convs}
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: ${width}, activation: 'relu', name: 'cnn_out' }),
    ],
  });
  const imageVec = new Detach({ name: 'image_vec' }).apply(cnn.apply(image) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const embedded = tf.layers.embedding({ inputDim: ${p.vocab}, outputDim: 32, name: 'embed' }).apply(tokens) as tf.SymbolicTensor;
  const textState = tf.layers.gru({ units: ${p.units}, name: 'gru' }).apply(embedded) as tf.SymbolicTensor;
  const textVec = tf.layers.dense({ units: ${width}, activation: 'tanh', name: 'text_vec' }).apply(textState) as tf.SymbolicTensor;
  const normed = new FeatureNorm({ name: 'tab_norm' }).apply(tabular) as tf.SymbolicTensor;
  const tabVec = tf.layers.dense({ units: ${width}, activation: 'relu', name: 'tab_vec' }).apply(normed) as tf.SymbolicTensor;
${merged}
${h.code}
  const model = tf.model({ inputs: [image, tokens, tabular], outputs: out, name: 'fusion' });
${bug === 'freeze-everything' ? freezeAll : ''}
${h.compile}
  return model;
}
`;
    const inputs: OracleInput[] = [
      { name: 'image', shape: [p.size, p.size, 3], kind: 'float', range: [0, 1] },
      { name: 'tokens', shape: [p.length], kind: 'ids', vocab: p.vocab },
      { name: 'tabular', shape: [p.features], kind: 'float', range: [0, 1] },
    ];
    const culprit =
      bug === 'dead-branch'
        ? 'tabular'
        : bug === 'batch-stat-norm' || bug === 'einsum-op'
          ? 'tab_norm'
          : bug === 'stop-gradient'
            ? 'image_vec'
            : culprits(bug);
    return { source, inputs, ...(culprit ? { culprit } : {}), losses: h.losses };
  },
};

// ---------------------------------------------------------------------------------------------

interface Siamese {
  size: number;
  channels: number;
  filters: number[];
  embedding: number;
}

/** A siamese verifier: one shared conv encoder, L2-normalised, |a - b| and a * b into a sigmoid head. */
const siamese: Family<Siamese> = {
  name: 'siamese',
  params: fc.record({
    size: fc.constantFrom(32, 48, 64, 80),
    channels: fc.constantFrom(1, 3),
    filters: fc.array(fc.constantFrom(16, 32, 64), { minLength: 2, maxLength: 3 }),
    embedding: fc.constantFrom(32, 64, 128),
  }),
  bugs: ['same-image-twice', 'stop-gradient', 'huge-output-init'],
  build(p, bug) {
    const convs = p.filters
      .map(
        (f, i) =>
          `      tf.layers.conv2d({ filters: ${f}, kernelSize: 3, padding: 'same', activation: 'relu', ${i === 0 ? `inputShape: [${p.size}, ${p.size}, ${p.channels}], ` : ''}name: 'conv${i}' }),\n      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool${i}' }),`,
      )
      .join('\n');
    const outInit = bug === 'huge-output-init' ? `, kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 100 })` : '';
    const source = `import * as tf from '@tensorflow/tfjs';
${layerClasses(['L2Normalize', 'AbsDiff'])}

${layerClasses(['Detach'], { blockGradient: bug === 'stop-gradient' })}

export default function build(): tf.LayersModel {
  const left = tf.input({ shape: [${p.size}, ${p.size}, ${p.channels}], name: 'left' });
  const right = tf.input({ shape: [${p.size}, ${p.size}, ${p.channels}], name: 'right' });
  const encoder = tf.sequential({
    name: 'encoder',
    layers: [
${convs}
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: ${p.embedding}, name: 'project' }),
    ],
  });
  const norm = new L2Normalize({ name: 'l2' });
  const a = norm.apply(encoder.apply(left) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const b = norm.apply(encoder.apply(${bug === 'same-image-twice' ? 'left' : 'right'}) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const diff = new AbsDiff({ name: 'abs_diff' }).apply([a, b]) as tf.SymbolicTensor;
  const prod = tf.layers.multiply({ name: 'prod' }).apply([a, b]) as tf.SymbolicTensor;
  const joined = new Detach({ name: 'joined_pass' }).apply(tf.layers.concatenate({ name: 'joined' }).apply([diff, prod]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(joined) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out'${outInit} }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [left, right], outputs: out, name: 'siamese' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
`;
    const inputs: OracleInput[] = [
      { name: 'left', shape: [p.size, p.size, p.channels], kind: 'float', range: [0, 1] },
      { name: 'right', shape: [p.size, p.size, p.channels], kind: 'float', range: [0, 1] },
    ];
    const culprit =
      bug === 'same-image-twice' ? 'right' : bug === 'stop-gradient' ? 'joined_pass' : bug === 'huge-output-init' ? 'out' : undefined;
    return { source, inputs, ...(culprit ? { culprit } : {}), losses: ['binaryCrossentropy'] };
  },
};

// ---------------------------------------------------------------------------------------------

interface Small {
  features: number;
  hidden: number[];
  built: 'input' | 'inputShape' | 'unbuilt';
  head: Head;
  log: boolean;
}

/** The layer constructions of functional lines `... = tf.layers.x({...}).apply(y) as tf.SymbolicTensor;`, in order. */
function layerCalls(code: string): string[] {
  return code
    .split('\n')
    .map((line) => /=\s*(tf\.layers\.\w+\(\{.*\}\))\.apply\(/.exec(line)?.[1])
    .filter((call): call is string => call !== undefined);
}

/** `model.add(...)` lines, the first layer given the input shape. */
function sequentialAdds(calls: string[], features: number): string {
  return calls.map((call, i) => `  model.add(${i === 0 ? call.replace(/\}\)$/, `, inputShape: [${features}] })`) : call});`).join('\n');
}

/** A small Sequential classifier where nothing is heavy (the Stack Overflow set's typical model). */
const small: Family<Small> = {
  name: 'small',
  params: fc.record({
    features: fc.integer({ min: 4, max: 64 }),
    hidden: fc.array(fc.integer({ min: 8, max: 64 }), { minLength: 1, maxLength: 3 }),
    built: fc.constantFrom('inputShape' as const, 'input' as const),
    head,
    log: fc.boolean(),
  }),
  bugs: [
    'softmax-one-unit',
    'sigmoid-categorical',
    'logits-probability-loss',
    'freeze-everything',
    'dead-relu-gate',
    'log-without-epsilon',
    'huge-output-init',
  ],
  build(p, bug) {
    const h = renderHead(p.head, 'x', bug);
    const log = p.log || bug === 'log-without-epsilon';
    const layers = p.hidden
      .map((u, i) => `  x = tf.layers.dense({ units: ${u}, activation: 'relu', name: 'dense${i}' }).apply(x) as tf.SymbolicTensor;`)
      .join('\n');
    const classes = log ? layerClasses(['LogScale'], { epsilon: bug === 'log-without-epsilon' ? 0 : 1e-3 }) : '';
    // 'inputShape': tf.sequential() with add(), never built (tfjs makes its graph on the first
    // compile, call or predict); 'input': the functional form.
    const source =
      p.built === 'inputShape'
        ? `import * as tf from '@tensorflow/tfjs';
${classes}

export default function build(): tf.LayersModel {
  const model = tf.sequential({ name: 'small' });
${sequentialAdds([...(log ? [`new LogScale({ name: 'log_scale' })`] : []), ...layerCalls(`${layers}\n${h.code}`)], p.features)}
${bug === 'freeze-everything' ? freezeAll : ''}
${h.compile}
  return model;
}
`
        : `import * as tf from '@tensorflow/tfjs';
${classes}

export default function build(): tf.LayersModel {
  const features = tf.input({ shape: [${p.features}], name: 'features' });
  let x = ${log ? "new LogScale({ name: 'log_scale' }).apply(features) as tf.SymbolicTensor" : 'features'};
${layers}
${h.code}
  const model = tf.model({ inputs: features, outputs: out, name: 'small' });
${bug === 'freeze-everything' ? freezeAll : ''}
${h.compile}
  return model;
}
`;
    const culprit = bug === 'log-without-epsilon' ? 'log_scale' : culprits(bug);
    return {
      source,
      inputs: [{ name: 'features', shape: [p.features], kind: 'float', range: [0, 1] }],
      ...(culprit ? { culprit } : {}),
      losses: h.losses,
    };
  },
};

// ---------------------------------------------------------------------------------------------

interface Vae {
  features: number;
  hidden: number;
  latent: number;
}

/** A variational autoencoder: the encoder is a nested model holding the user's sampling layer. */
const vae: Family<Vae> = {
  name: 'vae',
  params: fc.record({
    features: fc.constantFrom(64, 196, 784),
    hidden: fc.constantFrom(64, 128, 256),
    latent: fc.integer({ min: 2, max: 16 }),
  }),
  bugs: ['noise-at-inference'],
  build(p, bug) {
    const source = `import * as tf from '@tensorflow/tfjs';
${layerClasses(['Sampling'], { alwaysSample: bug === 'noise-at-inference' })}

export default function build(): tf.LayersModel {
  const pixels = tf.input({ shape: [${p.features}], name: 'pixels' });
  const encIn = tf.input({ shape: [${p.features}], name: 'enc_in' });
  const h = tf.layers.dense({ units: ${p.hidden}, activation: 'relu', name: 'enc_hidden' }).apply(encIn) as tf.SymbolicTensor;
  const mean = tf.layers.dense({ units: ${p.latent}, name: 'z_mean' }).apply(h) as tf.SymbolicTensor;
  const logVar = tf.layers.dense({ units: ${p.latent}, name: 'z_log_var' }).apply(h) as tf.SymbolicTensor;
  const z = new Sampling({ name: 'sampling' }).apply([mean, logVar]) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: encIn, outputs: z, name: 'encoder' });
  const decoder = tf.sequential({
    name: 'decoder',
    layers: [
      tf.layers.dense({ units: ${p.hidden}, activation: 'relu', inputShape: [${p.latent}], name: 'dec_hidden' }),
      tf.layers.dense({ units: ${p.features}, activation: 'sigmoid', name: 'dec_out' }),
    ],
  });
  const recon = decoder.apply(encoder.apply(pixels) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const model = tf.model({ inputs: pixels, outputs: recon, name: 'vae' });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}
`;
    return {
      source,
      inputs: [{ name: 'pixels', shape: [p.features], kind: 'float', range: [0, 1] }],
      ...(bug === 'noise-at-inference' ? { culprit: 'encoder' } : {}),
      losses: ['binaryCrossentropy'],
    };
  },
};

// ---------------------------------------------------------------------------------------------

interface Frames {
  steps: number;
  size: number;
  filters: number;
  units: number;
  folded: boolean;
}

/** Per-frame CNN + LSTM over a clip: TimeDistributed, or time folded into the batch by hand and back. */
const frames: Family<Frames> = {
  name: 'frames',
  params: fc.record({
    steps: fc.integer({ min: 4, max: 10 }),
    size: fc.constantFrom(24, 32, 48),
    filters: fc.constantFrom(16, 32),
    units: fc.constantFrom(32, 64, 128),
    folded: fc.boolean(),
  }),
  bugs: ['unfold-mixes-batch', 'config-not-saved'],
  build(p, bug) {
    const folded = p.folded || bug === 'unfold-mixes-batch' || bug === 'config-not-saved';
    const cnn = `  const frameCnn = tf.sequential({
    name: 'frame_cnn',
    layers: [
      tf.layers.conv2d({ filters: ${p.filters}, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [${p.size}, ${p.size}, 3], name: 'fconv0' }),
      tf.layers.conv2d({ filters: ${p.filters}, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'fconv1' }),
      tf.layers.globalAveragePooling2d({ name: 'fgap' }),
    ],
  });`;
    const perFrame = folded
      ? `  const flat = new FoldTime({ frame: [${p.size}, ${p.size}, 3], name: 'fold_time' }).apply(clip) as tf.SymbolicTensor;
  const feats = frameCnn.apply(flat) as tf.SymbolicTensor;
  const seq = new UnfoldTime({ steps: ${p.steps}, name: 'unfold_time' }).apply(feats) as tf.SymbolicTensor;`
      : `  const seq = tf.layers.timeDistributed({ layer: frameCnn, name: 'per_frame' }).apply(clip) as tf.SymbolicTensor;`;
    const source = `import * as tf from '@tensorflow/tfjs';
${folded ? layerClasses(['FoldTime', 'UnfoldTime'], { foldTimeMajor: bug === 'unfold-mixes-batch', unsavedSteps: bug === 'config-not-saved' }) : ''}

export default function build(): tf.LayersModel {
  const clip = tf.input({ shape: [${p.steps}, ${p.size}, ${p.size}, 3], name: 'clip' });
${cnn}
${perFrame}
  const state = tf.layers.lstm({ units: ${p.units}, name: 'lstm' }).apply(seq) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, activation: 'softmax', name: 'out' }).apply(state) as tf.SymbolicTensor;
  const model = tf.model({ inputs: clip, outputs: out, name: 'frames' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
`;
    return {
      source,
      inputs: [{ name: 'clip', shape: [p.steps, p.size, p.size, 3], kind: 'float', range: [0, 1] }],
      ...(bug === 'unfold-mixes-batch' || bug === 'config-not-saved' ? { culprit: 'unfold_time' } : {}),
      losses: ['categoricalCrossentropy'],
    };
  },
};

// ---------------------------------------------------------------------------------------------

interface Seq2seq {
  vocabIn: number;
  vocabOut: number;
  lengthIn: number;
  lengthOut: number;
  units: number;
}

/** Encoder-decoder translation: the encoder's LSTM states (returnState) start the decoder (initialState). */
const seq2seq: Family<Seq2seq> = {
  name: 'seq2seq',
  params: fc.record({
    vocabIn: fc.integer({ min: 500, max: 5000 }),
    vocabOut: fc.integer({ min: 20, max: 200 }),
    lengthIn: fc.integer({ min: 8, max: 30 }),
    lengthOut: fc.integer({ min: 6, max: 20 }),
    units: fc.constantFrom(32, 64, 128, 256),
  }),
  // Clean: the source is not padded and not masked. With maskZero on the encoder's embedding, tfjs
  // hands the encoder's mask to the decoder too (its executor shares one mask between layers): the
  // decoder then skips target steps where the source was padded (stale-mask-into-decoder).
  bugs: ['decoder-sees-future', 'stale-mask-into-decoder'],
  build(p, bug) {
    const stale = bug === 'stale-mask-into-decoder';
    const decoder =
      bug === 'decoder-sees-future'
        ? `tf.layers.bidirectional({ layer: tf.layers.lstm({ units: ${p.units / 2}, returnSequences: true, name: 'dec_cell' }), name: 'dec_rnn' }).apply(decEmb) as tf.SymbolicTensor`
        : `tf.layers.lstm({ units: ${p.units}, returnSequences: true, name: 'dec_rnn' }).apply(decEmb, { initialState: [h, c] }) as tf.SymbolicTensor`;
    const source = `import * as tf from '@tensorflow/tfjs';

export const mini = { inputs: { target_in: { int: [1, ${p.vocabOut}], causal: true } } };

export default function build(): tf.LayersModel {
  const source = tf.input({ shape: [${p.lengthIn}], dtype: 'int32', name: 'source' });
  const targetIn = tf.input({ shape: [${p.lengthOut}], dtype: 'int32', name: 'target_in' });
  const encEmb = tf.layers.embedding({ inputDim: ${p.vocabIn}, outputDim: 64, maskZero: ${stale}, name: 'enc_embed' }).apply(source) as tf.SymbolicTensor;
  const [, h, c] = tf.layers.lstm({ units: ${p.units}, returnState: true, name: 'enc_rnn' }).apply(encEmb) as tf.SymbolicTensor[];
  const decEmb = tf.layers.embedding({ inputDim: ${p.vocabOut}, outputDim: 32, name: 'dec_embed' }).apply(targetIn) as tf.SymbolicTensor;
  const decoded = ${decoder};
  const out = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: ${p.vocabOut}, activation: 'softmax', name: 'vocab' }), name: 'out' }).apply(decoded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [source, targetIn], outputs: out, name: 'seq2seq' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
`;
    const inputs: OracleInput[] = [
      {
        name: 'source',
        shape: [p.lengthIn],
        kind: 'ids',
        vocab: p.vocabIn,
        ...(stale ? { pad: { value: 0, sides: ['post', 'pre'] as ('post' | 'pre')[] } } : {}),
      },
      { name: 'target_in', shape: [p.lengthOut], kind: 'ids', vocab: p.vocabOut, causal: true },
    ];
    const culprit = bug === 'decoder-sees-future' || stale ? 'dec_rnn' : undefined;
    return { source, inputs, ...(culprit ? { culprit } : {}), losses: ['categoricalCrossentropy'] };
  },
};

interface MultiHead {
  size: number;
  filters: number[];
  classes: number;
  form: 'map' | 'list';
}

/** One trunk, two heads with different losses: classes (softmax, cross-entropy) and a box (sigmoid, squared error). */
const multiHead: Family<MultiHead> = {
  name: 'multi-head',
  params: fc.record({
    size: fc.constantFrom(32, 48, 64),
    filters: fc.array(fc.constantFrom(16, 32, 64), { minLength: 2, maxLength: 3 }),
    classes: fc.integer({ min: 2, max: 12 }),
    form: fc.constantFrom('map' as const, 'list' as const),
  }),
  bugs: ['sigmoid-categorical', 'logits-probability-loss', 'freeze-everything', 'dead-relu-gate'],
  build(p, bug) {
    const convs = p.filters
      .map(
        (f, i) =>
          `      tf.layers.conv2d({ filters: ${f}, kernelSize: 3, padding: 'same', activation: 'relu', ${i === 0 ? `inputShape: [${p.size}, ${p.size}, 3], ` : ''}name: 'conv${i}' }),\n      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool${i}' }),`,
      )
      .join('\n');
    const clsActivation = bug === 'sigmoid-categorical' ? 'sigmoid' : bug === 'logits-probability-loss' ? 'linear' : 'softmax';
    const gateBias = bug === 'dead-relu-gate' ? `, biasInitializer: tf.initializers.constant({ value: -20 })` : '';
    const losses =
      p.form === 'map' ? `{ cls: 'categoricalCrossentropy', box: 'meanSquaredError' }` : `['categoricalCrossentropy', 'meanSquaredError']`;
    const source = `import * as tf from '@tensorflow/tfjs';

export default function build(): tf.LayersModel {
  const image = tf.input({ shape: [${p.size}, ${p.size}, 3], name: 'image' });
  const trunk = tf.sequential({
    name: 'trunk',
    layers: [
${convs}
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
    ],
  });
  const features = trunk.apply(image) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 64, activation: 'relu', name: 'hidden'${gateBias} }).apply(features) as tf.SymbolicTensor;
  const cls = tf.layers.dense({ units: ${p.classes}, activation: '${clsActivation}', name: 'cls' }).apply(hidden) as tf.SymbolicTensor;
  const box = tf.layers.dense({ units: 4, activation: 'sigmoid', name: 'box' }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: image, outputs: [cls, box], name: 'multi_head' });
${bug === 'freeze-everything' ? freezeAll : ''}
  model.compile({ optimizer: 'adam', loss: ${losses} });
  return model;
}
`;
    const culprit =
      bug === 'sigmoid-categorical' || bug === 'logits-probability-loss' ? 'cls' : bug === 'dead-relu-gate' ? 'hidden' : undefined;
    return {
      source,
      inputs: [{ name: 'image', shape: [p.size, p.size, 3], kind: 'float', range: [0, 1] }],
      ...(culprit ? { culprit } : {}),
      losses: ['categoricalCrossentropy', 'meanSquaredError'],
    };
  },
};

// ---------------------------------------------------------------------------------------------

interface Transfer {
  features: number;
  base: number[];
  classes: number;
}

/** Transfer learning: a pretrained base (a nested model) frozen on purpose, a new head that trains. */
const transfer: Family<Transfer> = {
  name: 'transfer',
  params: fc.record({
    features: fc.constantFrom(256, 512, 1024),
    base: fc.array(fc.constantFrom(128, 256, 512), { minLength: 1, maxLength: 3 }),
    classes: fc.integer({ min: 2, max: 20 }),
  }),
  bugs: ['freeze-everything', 'sigmoid-categorical', 'stop-gradient'],
  build(p, bug) {
    const layers = p.base
      .map(
        (u, i) =>
          `      tf.layers.dense({ units: ${u}, activation: 'relu', ${i === 0 ? `inputShape: [${p.features}], ` : ''}name: 'base${i}' }),`,
      )
      .join('\n');
    const freeze = bug === 'freeze-everything' ? freezeAll : `  base.trainable = false;`;
    const source = `import * as tf from '@tensorflow/tfjs';
${layerClasses(['Detach'], { blockGradient: bug === 'stop-gradient' })}

export default function build(): tf.LayersModel {
  const embedding = tf.input({ shape: [${p.features}], name: 'embedding' });
  const base = tf.sequential({
    name: 'base',
    layers: [
${layers}
    ],
  });
  const adapted = new Detach({ name: 'adapted' }).apply(base.apply(embedding) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const head = tf.layers.dense({ units: 64, activation: 'relu', name: 'head' }).apply(adapted) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: ${p.classes}, activation: '${bug === 'sigmoid-categorical' ? 'sigmoid' : 'softmax'}', name: 'out' }).apply(head) as tf.SymbolicTensor;
  const model = tf.model({ inputs: embedding, outputs: out, name: 'transfer' });
${freeze}
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
`;
    // A gradient blocked after the frozen base reaches no trainable weight before it: nothing to find.
    const culprit = bug === 'sigmoid-categorical' ? 'out' : undefined;
    return {
      source,
      inputs: [{ name: 'embedding', shape: [p.features], kind: 'float', range: [0, 1] }],
      ...(culprit ? { culprit } : {}),
      losses: ['categoricalCrossentropy'],
    };
  },
};

// ---------------------------------------------------------------------------------------------

interface Gan {
  latent: number;
  hidden: number;
  pixels: number;
}

/** A GAN's combined model: generator then discriminator, the discriminator frozen, the generator training. */
const gan: Family<Gan> = {
  name: 'gan',
  params: fc.record({ latent: fc.constantFrom(16, 32, 100), hidden: fc.constantFrom(128, 256), pixels: fc.constantFrom(196, 784) }),
  // (A dead gate inside the generator would be inside a nested model: activation-health looks at
  // the composite's own layers.)
  bugs: ['freeze-everything'],
  build(p, bug) {
    const source = `import * as tf from '@tensorflow/tfjs';

export default function build(): tf.LayersModel {
  const generator = tf.sequential({
    name: 'generator',
    layers: [
      tf.layers.dense({ units: ${p.hidden}, activation: 'relu', inputShape: [${p.latent}], name: 'g_hidden' }),
      tf.layers.dense({ units: ${p.pixels}, activation: 'tanh', name: 'g_out' }),
    ],
  });
  const discriminator = tf.sequential({
    name: 'discriminator',
    layers: [
      tf.layers.dense({ units: ${p.hidden}, activation: 'relu', inputShape: [${p.pixels}], name: 'd_hidden' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'd_out' }),
    ],
  });
  discriminator.trainable = false;
  const z = tf.input({ shape: [${p.latent}], name: 'z' });
  const verdict = discriminator.apply(generator.apply(z) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const combined = tf.model({ inputs: z, outputs: verdict, name: 'combined' });
${bug === 'freeze-everything' ? '  generator.trainable = false;' : ''}
  combined.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return combined;
}
`;
    return {
      source,
      inputs: [{ name: 'z', shape: [p.latent], kind: 'float', range: [-1, 1] }],
      losses: ['binaryCrossentropy'],
    };
  },
};

// ---------------------------------------------------------------------------------------------

interface MaskedSeq {
  steps: number | null;
  features: number;
  units: number;
  sides: ('post' | 'pre')[];
}

/** Float sequences padded with 0: Masking, an LSTM over every step, the user's masked mean, a head. */
const maskedSeq: Family<MaskedSeq> = {
  name: 'masked-seq',
  params: fc.record({
    steps: fc.option(fc.integer({ min: 10, max: 40 }), { nil: null }),
    features: fc.integer({ min: 3, max: 16 }),
    units: fc.constantFrom(32, 64, 128),
    sides: fc.constantFrom(['post'] as ('post' | 'pre')[], ['post', 'pre'] as ('post' | 'pre')[]),
  }),
  bugs: ['pool-over-mask', 'huge-output-init'],
  build(p, bug) {
    const pool =
      bug === 'pool-over-mask'
        ? `tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(states)`
        : `new MaskedMean({ name: 'pool' }).apply(states)`;
    const padding = p.sides.length === 2 ? 'both' : 'post';
    const outInit = bug === 'huge-output-init' ? `, kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 100 })` : '';
    const source = `import * as tf from '@tensorflow/tfjs';
${layerClasses(['MaskedMean'])}

export const mini = { inputs: { readings: { range: [0.1, 1], pad: 0, padding: '${padding}' } } };

export default function build(): tf.LayersModel {
  const readings = tf.input({ shape: [${p.steps ?? 'null'}, ${p.features}], name: 'readings' });
  const masked = tf.layers.masking({ maskValue: 0, name: 'mask' }).apply(readings) as tf.SymbolicTensor;
  const states = tf.layers.lstm({ units: ${p.units}, returnSequences: true, name: 'lstm' }).apply(masked) as tf.SymbolicTensor;
  const pooled = ${pool} as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', name: 'hidden' }).apply(pooled) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 6, activation: 'softmax', name: 'out'${outInit} }).apply(hidden) as tf.SymbolicTensor;
  const model = tf.model({ inputs: readings, outputs: out, name: 'masked_seq' });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
`;
    return {
      source,
      inputs: [{ name: 'readings', shape: [p.steps, p.features], kind: 'float', range: [0.1, 1], pad: { value: 0, sides: p.sides } }],
      ...(bug === 'pool-over-mask' ? { culprit: 'pool' } : bug === 'huge-output-init' ? { culprit: 'out' } : {}),
      losses: ['categoricalCrossentropy'],
    };
  },
};

/** A family with its parameters behind an arbitrary of built cases. */
export interface AnyFamily {
  name: string;
  bugs: readonly BugId[];
  cases(bug: BugId | null): fc.Arbitrary<Omit<OracleCase, 'id' | 'family' | 'bug'> & { params: unknown }>;
}

function erase<P>(f: Family<P>): AnyFamily {
  return { name: f.name, bugs: f.bugs, cases: (bug) => f.params.map((params) => ({ ...f.build(params, bug), params })) };
}

/** Every family, by name. */
export const FAMILIES: readonly AnyFamily[] = [
  erase(textRnn),
  erase(textCnn),
  erase(fusion),
  erase(siamese),
  erase(small),
  erase(vae),
  erase(frames),
  erase(seq2seq),
  erase(multiHead),
  erase(transfer),
  erase(gan),
  erase(maskedSeq),
];
