import type { Tf } from './tf-instance.js';

type ApplyFn = (this: { gain?: number; seed?: number }, shape: number[], dtype?: string) => unknown;

/**
 * An orthonormal matrix of `rows` x `cols` (rows of length cols; orthonormal columns when rows >= cols,
 * orthonormal rows otherwise), by modified Gram-Schmidt over float64: the distribution of tfjs's
 * Orthogonal initialiser (Q of a Gaussian matrix), without its QR in tensor ops (227 s for an
 * LSTM(256) recurrent kernel; this takes a fraction of a second).
 */
export function orthonormal(rows: number, cols: number, seed: number): Float32Array {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // length of each vector made orthonormal
  const k = tall ? cols : rows; // how many vectors
  const vectors = new Float64Array(n * k);
  const random = gaussian(seed);
  for (let i = 0; i < vectors.length; i++) vectors[i] = random();
  for (let j = 0; j < k; j++) {
    const v = vectors.subarray(j * n, (j + 1) * n);
    for (let pass = 0; pass < 2; pass++) {
      // Twice against every earlier vector ("twice is enough"): orthogonal to float precision.
      for (let p = 0; p < j; p++) {
        const u = vectors.subarray(p * n, (p + 1) * n);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (u[i] as number) * (v[i] as number);
        for (let i = 0; i < n; i++) v[i] = (v[i] as number) - dot * (u[i] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) v[i] = (v[i] as number) / norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = tall ? (vectors[c * n + r] as number) : (vectors[r * n + c] as number);
  }
  return out;
}

/**
 * Runs `work` with every initialiser real, Orthogonal computed by `orthonormal` (same distribution,
 * seeded as asked, else from a counter); restored afterwards.
 */
export async function withRealInitializers<T>(tf: Tf, work: () => Promise<T> | T, seed = 1): Promise<T> {
  const proto = Object.getPrototypeOf(tf.initializers.orthogonal({})) as { apply: ApplyFn };
  const original = proto.apply;
  let calls = 0;
  proto.apply = function fastOrthogonal(shape: number[], dtype?: string) {
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols = shape[shape.length - 1] ?? 1;
    const values = orthonormal(rows, cols, this.seed ?? seed * 7919 + calls++);
    const gain = this.gain ?? 1;
    if (gain !== 1) for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * gain;
    return tf.tensor(values, shape, (dtype ?? 'float32') as 'float32');
  };
  try {
    return await work();
  } finally {
    proto.apply = original;
  }
}

/** Standard normal draws (Box-Muller over a 32-bit mixing generator), reproducible from the seed. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (((z ^ (z >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}
