import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError, any, assert2D, bool, defineOptions, int, num } from '@rpn/core';
import type { ForwardContext, OptionFields, OptionSchema, OptionsOf, Params, Transformation, ValuesOf } from '@rpn/core';
import { COMPRESSION_BASE, SEED, defineCompression, extend, multinomialRows, rowsOf, seedOrDraw, seededRandom } from './common.js';
import type { Random } from './common.js';
import { cauchy, chi2, distributionFromConfig, distributionToConfig, exponential, gamma, laplace, normal, uniform } from './distributions.js';
import type { Distribution } from './distributions.js';
import { tensorCallable } from './metrics.js';

/** A probabilistic compression: a transformation that also exposes its sampling weights. */
export interface ProbabilisticCompression extends Transformation {
  /** `u = 0.99·σ(metric(x)) + 0.001` (or `metric(x)` / `x` without normalisation): `[b, m]`. */
  normalizedInput(x: Tensor): Tensor;
  /** tinyBIG `calculate_weights`: `p(u)/Σ p(u)` per row, `[b, m]` (the multinomial's probabilities). */
  samplingWeights(x: Tensor): Tensor;
}

/** `[b, k]` = per row, `src` at the sorted indices (a product with a one-hot tensor built outside the tape, so gradients reach `src`). */
export function selectColumns(src: Tensor, indices: readonly (readonly number[])[]): Tensor {
  const [b, m] = src.shape;
  const k = indices[0]?.length ?? 0;
  const onehot = new Float32Array(b * k * m);
  indices.forEach((row, i) => row.forEach((c, j) => { onehot[(i * k + j) * m + c] = 1; }));
  return tf.tidy(() => tf.sum(tf.mul(tf.reshape(src, [b, 1, m]), tf.tensor3d(onehot, [b, k, m])), 2));
}

/** A per-call generator: `ctx.seed` when given, else the function's own seeded stream. */
export function callRandom(own: Random, ctx?: ForwardContext): Random {
  return ctx?.seed != null ? seededRandom(ctx.seed) : own;
}

/** Options every naive probabilistic compression accepts (its distribution's parameters come on top). */
export const NAIVE_SAMPLING = Object.freeze({
  ...COMPRESSION_BASE,
  k: int({ required: true, min: 0, doc: 'indices drawn per row' }),
  simplySampling: bool({ default: true, doc: 'output x at the drawn indices (else u, or log p with log_prob)' }),
  metric: any({ doc: 'a tensor callable applied before the normalisation (name or function)' }),
  withReplacement: bool({ default: false, doc: 'draw with replacement' }),
  requireNormalization: bool({ default: true, doc: 'u = 0.99·σ(metric(x)) + 0.001 (always on for uniform, chi2, exponential, gamma)' }),
  logProb: bool({ default: false, doc: 'output log p(u) of the samples (with simply_sampling false)' }),
  seed: SEED,
});
type NaiveValues = ValuesOf<OptionSchema<typeof NAIVE_SAMPLING>>;

interface NaiveSpec {
  readonly schema: OptionSchema;
  /** The distribution from the parsed options; `own` collects its parameters for toConfig. */
  distribution(options: Record<string, unknown>, own: Params): Distribution;
  /** tinyBIG forces `require_normalization=True` for uniform/chi2/exponential/gamma. */
  readonly forceNormalization?: boolean;
}

function naive(spec: NaiveSpec, opts: NaiveOptions): ProbabilisticCompression {
  const className = spec.schema.className;
  const options = spec.schema.parse(opts) as NaiveValues;
  const { k, simplySampling, withReplacement } = options;
  const requireNormalization = spec.forceNormalization ? true : options.requireNormalization;
  const logProb = simplySampling ? false : options.logProb;
  const seed = seedOrDraw(options.seed);
  const random = seededRandom(seed);
  const metric = options.metric == null ? null : tensorCallable(options.metric);
  const own: Params = { k };
  const dist = spec.distribution(options as Record<string, unknown>, own);
  Object.assign(own, {
    simplySampling, metric: options.metric ?? undefined, withReplacement,
    ...(spec.forceNormalization ? {} : { requireNormalization }),
    logProb, seed,
  });

  const normalize = (x: Tensor): Tensor => tf.tidy(() => {
    let u = metric ? metric(x) : x;
    if (requireNormalization) u = tf.add(tf.mul(tf.sigmoid(u), 0.99), 0.001);
    return u === x ? tf.clone(u) : u;
  });
  const weightsOf = (u: Tensor): Tensor => tf.tidy(() => {
    const p = tf.exp(dist.logProb(u));
    return tf.div(p, tf.sum(p, -1, true));
  });
  const calculateD = (m: number): number => {
    if (k > m && !withReplacement) throw new ValueError('k exceeds the input width', { argument: 'k', expected: `0 ≤ k ≤ m = ${m}`, received: String(k) });
    return k;
  };
  const t = defineCompression(className, options, {
    own,
    calculateD,
    kappa: (x, ctx) => {
      const u = normalize(x);
      const w = weightsOf(u);
      const idx = multinomialRows(rowsOf(w), calculateD(x.shape[1] as number), withReplacement, callRandom(random, ctx));
      const picked = selectColumns(simplySampling ? x : u, idx);
      return logProb ? dist.logProb(picked) : picked;
    },
  });
  const checked = (x: Tensor, f: (x: Tensor) => Tensor): Tensor => { assert2D(x, 'x'); return f(x); };
  return extend(t, {
    normalizedInput: (x: Tensor) => checked(x, normalize),
    samplingWeights: (x: Tensor) => checked(x, (v) => tf.tidy(() => weightsOf(normalize(v)))),
  });
}

/** A naive probabilistic compression's schema: the sampling options and the distribution's. */
const naiveSchema = <F extends OptionFields>(className: string, fields: F) => defineOptions(className, fields, NAIVE_SAMPLING);
const loc = { loc: num({ default: 0, doc: 'location' }), scale: num({ default: 1, doc: 'scale' }) };
/** Options of the naive probabilistic compressions, by class. */
export const NAIVE_PROBABILISTIC_OPTIONS = Object.freeze({
  naive_probabilistic_compression: naiveSchema('naive_probabilistic_compression', { distributionFunctionConfigs: any({ doc: 'the distribution config (default Uniform(0, 1))' }) }),
  naive_uniform_probabilistic_compression: naiveSchema('naive_uniform_probabilistic_compression', { low: num({ default: 0, doc: 'low' }), high: num({ default: 1, doc: 'high' }) }),
  naive_normal_probabilistic_compression: naiveSchema('naive_normal_probabilistic_compression', { mean: num({ default: 0, doc: 'mean' }), std: num({ default: 1, doc: 'standard deviation' }) }),
  naive_cauchy_probabilistic_compression: naiveSchema('naive_cauchy_probabilistic_compression', loc),
  naive_chi2_probabilistic_compression: naiveSchema('naive_chi2_probabilistic_compression', { df: num({ default: 1, doc: 'degrees of freedom' }) }),
  naive_exponential_probabilistic_compression: naiveSchema('naive_exponential_probabilistic_compression', { rate: num({ default: 0.5, doc: 'rate' }) }),
  naive_gamma_probabilistic_compression: naiveSchema('naive_gamma_probabilistic_compression', { concentration: num({ default: 1, doc: 'concentration' }), rate: num({ default: 1, doc: 'rate' }) }),
  naive_laplace_probabilistic_compression: naiveSchema('naive_laplace_probabilistic_compression', loc),
});
/** Options of the naive probabilistic compressions (the distribution parameters of each class on top). */
export type NaiveOptions = OptionsOf<typeof NAIVE_PROBABILISTIC_OPTIONS.naive_probabilistic_compression> & Record<string, unknown>;
const N = NAIVE_PROBABILISTIC_OPTIONS;
const numbers = (o: Record<string, unknown>, own: Params, keys: readonly string[]): number[] => keys.map((k) => { own[k] = o[k]; return o[k] as number; });

/**
 * tinyBIG `naive_probabilistic_compression(k, distribution_function_configs=None, metric=None, …)`:
 * `u = 0.99·σ(metric(x)) + 0.001`, weights `p(u)/Σp(u)` (default `Uniform(0, 1)`, i.e. equal weights),
 * `k` indices drawn per row by seeded multinomial sampling (without replacement by default), sorted;
 * output `x` at them (`simply_sampling`), else `u` at them, or `log p(u)` with `log_prob`.
 */
export function naiveProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({
    schema: N.naive_probabilistic_compression,
    distribution: (o, own) => {
      const d = o.distributionFunctionConfigs == null ? uniform(0, 1) : distributionFromConfig(o.distributionFunctionConfigs);
      own.distributionFunctionConfigs = distributionToConfig(d);
      return d;
    },
  }, options);
}

/** tinyBIG `naive_uniform_probabilistic_compression(k, low=0, high=1)` (normalisation always on). */
export function naiveUniformProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ schema: N.naive_uniform_probabilistic_compression, forceNormalization: true,
    distribution: (o, own) => { const v = numbers(o, own, ['low', 'high']); return uniform(v[0], v[1]); } }, options);
}
/** tinyBIG `naive_normal_probabilistic_compression(k, mean=0, std=1)`. */
export function naiveNormalProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ schema: N.naive_normal_probabilistic_compression,
    distribution: (o, own) => { const v = numbers(o, own, ['mean', 'std']); return normal(v[0], v[1]); } }, options);
}
/** tinyBIG `naive_cauchy_probabilistic_compression(k, loc=0, scale=1)`. */
export function naiveCauchyProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ schema: N.naive_cauchy_probabilistic_compression,
    distribution: (o, own) => { const v = numbers(o, own, ['loc', 'scale']); return cauchy(v[0], v[1]); } }, options);
}
/** tinyBIG `naive_chi2_probabilistic_compression(k, df=1)` (normalisation always on). */
export function naiveChi2ProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ schema: N.naive_chi2_probabilistic_compression, forceNormalization: true,
    distribution: (o, own) => { const v = numbers(o, own, ['df']); return chi2(v[0]); } }, options);
}
/** tinyBIG `naive_exponential_probabilistic_compression(k, rate=0.5)` (normalisation always on). */
export function naiveExponentialProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ schema: N.naive_exponential_probabilistic_compression, forceNormalization: true,
    distribution: (o, own) => { const v = numbers(o, own, ['rate']); return exponential(v[0]); } }, options);
}
/** tinyBIG `naive_gamma_probabilistic_compression(k, concentration=1, rate=1)` (normalisation always on). */
export function naiveGammaProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ schema: N.naive_gamma_probabilistic_compression, forceNormalization: true,
    distribution: (o, own) => { const v = numbers(o, own, ['concentration', 'rate']); return gamma(v[0], v[1]); } }, options);
}
/** tinyBIG `naive_laplace_probabilistic_compression(k, loc=0, scale=1)`. */
export function naiveLaplaceProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ schema: N.naive_laplace_probabilistic_compression,
    distribution: (o, own) => { const v = numbers(o, own, ['loc', 'scale']); return laplace(v[0], v[1]); } }, options);
}
