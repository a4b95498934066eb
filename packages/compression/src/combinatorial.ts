import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { UnsupportedError, ValueError, any, assert2D, bool, defineOptions, int } from '@rpn/core';
import type { OptionsOf, Params, Transformation } from '@rpn/core';
import { COMPRESSION_BASE, SEED, constMatrix, defineCompression, extend, multinomialRows, rowsOf, seedOrDraw, seededRandom } from './common.js';

const SAMPLING = {
  d: int({ default: 1, min: 1, doc: 'largest combination size' }),
  k: int({ default: 1, min: 0, doc: 'combinations drawn per row' }),
  metric: any({ doc: 'a tensor callable applied before the normalisation (name or function)' }),
  withReplacement: bool({ default: false, doc: 'not supported (tinyBIG itself cannot compute D for it)' }),
  requireNormalization: bool({ default: true, doc: 'u = 0.99·σ(metric(v)) + 0.001' }),
  seed: SEED,
};
/** Options of {@link combinatorialProbabilisticCompression}. */
export const COMBINATORIAL_PROBABILISTIC_COMPRESSION_OPTIONS = defineOptions('combinatorial_probabilistic_compression', SAMPLING, COMPRESSION_BASE);
/** Options of {@link combinatorialCompression}. */
export const COMBINATORIAL_COMPRESSION_OPTIONS = defineOptions('combinatorial_compression', {
  ...SAMPLING,
  simplySampling: bool({ default: true, doc: 'output the sampled inputs (else u, or log p with log_prob)' }),
  logProb: bool({ default: false, doc: 'output log p(u) of the samples (with simply_sampling false)' }),
}, COMPRESSION_BASE);
/** Options of the combinatorial compressions. */
export type CombinatorialCompressionOptions = OptionsOf<typeof COMBINATORIAL_COMPRESSION_OPTIONS>;
import { standardMvnLogProb } from './distributions.js';
import { tensorCallable } from './metrics.js';
import { callRandom } from './probabilistic.js';

/** The r-combinations of `0..m−1` in torch.combinations order (lexicographic index tuples). */
export function combinations(m: number, r: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number): void => {
    if (cur.length === r) { out.push([...cur]); return; }
    for (let i = start; i < m; i++) { cur.push(i); rec(i + 1); cur.pop(); }
  };
  rec(0);
  return out;
}

/** `[b, C, r]`: every r-combination of each row (a product with a constant 0/1 matrix, so gradients flow). */
export function rowCombinations(x: Tensor, r: number): Tensor {
  const [b, m] = x.shape;
  const combos = combinations(m, r);
  const C = combos.length;
  const sel = new Float32Array(m * C * r);
  combos.forEach((c, ci) => c.forEach((j, t) => { sel[j * (C * r) + ci * r + t] = 1; }));
  return tf.tidy(() => tf.reshape(tf.matMul(x, constMatrix(sel, m, C * r)), [b, C, r]));
}

/** A combinatorial compression: also exposes the per-order combinations and sampling weights. */
export interface CombinatorialCompression extends Transformation {
  /** `[b, C(m, r), r]`: the r-combinations of each row. */
  combinations(x: Tensor, r: number): Tensor;
  /** `[b, C(m, r)]`: standard r-variate normal density of `0.99·σ(metric(v)) + 0.001`, normalised per row. */
  samplingWeights(x: Tensor, r: number): Tensor;
}

function combinatorial(className: string, opts: CombinatorialCompressionOptions, forced: { simplySampling?: boolean; logProb?: boolean }): CombinatorialCompression {
  const options = (forced.simplySampling === undefined ? COMBINATORIAL_COMPRESSION_OPTIONS : COMBINATORIAL_PROBABILISTIC_COMPRESSION_OPTIONS).parse(opts) as Partial<ReturnType<typeof COMBINATORIAL_COMPRESSION_OPTIONS.parse>> & ReturnType<typeof COMBINATORIAL_PROBABILISTIC_COMPRESSION_OPTIONS.parse>;
  const { d, k, withReplacement, requireNormalization } = options;
  const simplySampling = forced.simplySampling ?? options.simplySampling!;
  const logProb = simplySampling ? false : forced.logProb ?? options.logProb!;
  if (withReplacement) {
    throw new UnsupportedError('combinations with replacement are not supported', { argument: 'with_replacement', expected: 'false (tinyBIG itself cannot compute D for it)', received: 'true' });
  }
  const seed = seedOrDraw(options.seed);
  const random = seededRandom(seed);
  const metric = options.metric == null ? null : tensorCallable(options.metric);
  const own: Params = {
    d, k, ...(forced.simplySampling === undefined ? { simplySampling, logProb } : {}),
    metric: options.metric ?? undefined, withReplacement, requireNormalization, seed,
  };
  const calculateD = (m: number): number => {
    if (k > m) throw new ValueError('k exceeds the input width', { argument: 'k', expected: `0 ≤ k ≤ m = ${m}`, received: String(k) });
    if (d > m) throw new ValueError('d exceeds the input width', { argument: 'd', expected: `1 ≤ d ≤ m = ${m}`, received: String(d) });
    return logProb ? d * k : (k * d * (d + 1)) / 2;
  };
  const normalize = (v: Tensor): Tensor => {
    let u = metric ? metric(v) : v;
    if (requireNormalization) u = tf.add(tf.mul(tf.sigmoid(u), 0.99), 0.001);
    return u;
  };
  const weightsOf = (u: Tensor): Tensor => {
    const p = tf.exp(standardMvnLogProb(u));
    return tf.div(p, tf.sum(p, -1, true));
  };
  const t = defineCompression(className, options, {
    own,
    calculateD,
    kappa: (x, ctx) => {
      const [b, m] = x.shape;
      calculateD(m);
      const rnd = callRandom(random, ctx);
      const parts: Tensor[] = [];
      for (let r = 1; r <= d; r++) {
        const combos = rowCombinations(x, r);
        const C = combos.shape[1] as number;
        const u = normalize(combos);
        const idx = multinomialRows(rowsOf(weightsOf(u)), k, withReplacement, rnd);
        const onehot = new Float32Array(b * k * C);
        idx.forEach((row, i) => row.forEach((c, j) => { onehot[(i * k + j) * C + c] = 1; }));
        // [b, k, C] · [b, C, r] → [b, k, r]
        const picked = tf.matMul(tf.tensor3d(onehot, [b, k, C]), simplySampling ? combos : u);
        parts.push(logProb ? standardMvnLogProb(picked) : picked);
      }
      // tinyBIG: cat(dim=-1) then view(b, −1): [b, k, Σr] interleaved per slot, or [b, d·k] blocks by r.
      return tf.reshape(tf.concat(parts, -1), [b, -1]);
    },
  });
  return extend(t, {
    combinations: (x: Tensor, r: number) => { assert2D(x, 'x'); return rowCombinations(x, r); },
    samplingWeights: (x: Tensor, r: number) => { assert2D(x, 'x'); return tf.tidy(() => weightsOf(normalize(rowCombinations(x, r)))); },
  });
}

/**
 * tinyBIG `combinatorial_compression(d=1, k=1, simply_sampling=True, metric=None, log_prob=False)`:
 * for r = 1..d, every r-combination v of the row gets weight `N_r(0, I)(0.99·σ(v)+0.001)` (normalised),
 * `k` combinations are drawn per row (seeded, without replacement, sorted), and their values are
 * concatenated slot by slot: `D = k·Σr` (or `d·k` log densities when `simply_sampling=False, log_prob=True`).
 */
export function combinatorialCompression(options: CombinatorialCompressionOptions = {}): CombinatorialCompression {
  return combinatorial('combinatorial_compression', options, {});
}

/** tinyBIG `combinatorial_probabilistic_compression(d=1, k=1)`: the log densities of the drawn combinations, `D = d·k`. */
export function combinatorialProbabilisticCompression(options: OptionsOf<typeof COMBINATORIAL_PROBABILISTIC_COMPRESSION_OPTIONS> = {}): CombinatorialCompression {
  return combinatorial('combinatorial_probabilistic_compression', options, { simplySampling: false, logProb: true });
}
