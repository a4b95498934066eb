import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError, assert2D } from '@rpn/core';
import type { ForwardContext, Params, Transformation } from '@rpn/core';
import { boolOption, checkKeys, defineCompression, extend, intOption, multinomialRows, numOption, rowsOf, seedOption, seededRandom } from './common.js';
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

interface NaiveSpec {
  readonly className: string;
  /** Extra option keys (distribution parameters). */
  readonly keys: readonly string[];
  /** The distribution from the options; `own` collects its parameters for toConfig. */
  distribution(options: Params, own: Params): Distribution;
  /** tinyBIG forces `require_normalization=True` for uniform/chi2/exponential/gamma. */
  readonly forceNormalization?: boolean;
}

function naive(spec: NaiveSpec, options: Params): ProbabilisticCompression {
  checkKeys(options, ['k', 'simplySampling', 'metric', 'withReplacement', 'requireNormalization', 'logProb', 'seed', ...spec.keys], spec.className);
  const k = intOption(options, 'k', 'k', 0);
  const simplySampling = boolOption(options, 'simplySampling', 'simply_sampling', true);
  const withReplacement = boolOption(options, 'withReplacement', 'with_replacement', false);
  const requireNormalization = spec.forceNormalization ? true : boolOption(options, 'requireNormalization', 'require_normalization', true);
  const logProb = simplySampling ? false : boolOption(options, 'logProb', 'log_prob', false);
  const seed = seedOption(options);
  const random = seededRandom(seed);
  const metric = options.metric == null ? null : tensorCallable(options.metric);
  const own: Params = { k };
  const dist = spec.distribution(options, own);
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
  const t = defineCompression(spec.className, options, {
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

type NaiveOptions = Params & { k: number };

/**
 * tinyBIG `naive_probabilistic_compression(k, distribution_function_configs=None, metric=None, …)`:
 * `u = 0.99·σ(metric(x)) + 0.001`, weights `p(u)/Σp(u)` (default `Uniform(0, 1)`, i.e. equal weights),
 * `k` indices drawn per row by seeded multinomial sampling (without replacement by default), sorted;
 * output `x` at them (`simply_sampling`), else `u` at them, or `log p(u)` with `log_prob`.
 */
export function naiveProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({
    className: 'naive_probabilistic_compression',
    keys: ['distributionFunctionConfigs'],
    distribution: (o, own) => {
      const d = o.distributionFunctionConfigs == null ? uniform(0, 1) : distributionFromConfig(o.distributionFunctionConfigs);
      own.distributionFunctionConfigs = distributionToConfig(d);
      return d;
    },
  }, options);
}

/** tinyBIG `naive_uniform_probabilistic_compression(k, low=0, high=1)` (normalisation always on). */
export function naiveUniformProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ className: 'naive_uniform_probabilistic_compression', keys: ['low', 'high'], forceNormalization: true,
    distribution: (o, own) => { own.low = numOption(o, 'low', 'low', 0); own.high = numOption(o, 'high', 'high', 1); return uniform(own.low as number, own.high as number); } }, options);
}
/** tinyBIG `naive_normal_probabilistic_compression(k, mean=0, std=1)`. */
export function naiveNormalProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ className: 'naive_normal_probabilistic_compression', keys: ['mean', 'std'],
    distribution: (o, own) => { own.mean = numOption(o, 'mean', 'mean', 0); own.std = numOption(o, 'std', 'std', 1); return normal(own.mean as number, own.std as number); } }, options);
}
/** tinyBIG `naive_cauchy_probabilistic_compression(k, loc=0, scale=1)`. */
export function naiveCauchyProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ className: 'naive_cauchy_probabilistic_compression', keys: ['loc', 'scale'],
    distribution: (o, own) => { own.loc = numOption(o, 'loc', 'loc', 0); own.scale = numOption(o, 'scale', 'scale', 1); return cauchy(own.loc as number, own.scale as number); } }, options);
}
/** tinyBIG `naive_chi2_probabilistic_compression(k, df=1)` (normalisation always on). */
export function naiveChi2ProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ className: 'naive_chi2_probabilistic_compression', keys: ['df'], forceNormalization: true,
    distribution: (o, own) => { own.df = numOption(o, 'df', 'df', 1); return chi2(own.df as number); } }, options);
}
/** tinyBIG `naive_exponential_probabilistic_compression(k, rate=0.5)` (normalisation always on). */
export function naiveExponentialProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ className: 'naive_exponential_probabilistic_compression', keys: ['rate'], forceNormalization: true,
    distribution: (o, own) => { own.rate = numOption(o, 'rate', 'rate', 0.5); return exponential(own.rate as number); } }, options);
}
/** tinyBIG `naive_gamma_probabilistic_compression(k, concentration=1, rate=1)` (normalisation always on). */
export function naiveGammaProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ className: 'naive_gamma_probabilistic_compression', keys: ['concentration', 'rate'], forceNormalization: true,
    distribution: (o, own) => { own.concentration = numOption(o, 'concentration', 'concentration', 1); own.rate = numOption(o, 'rate', 'rate', 1); return gamma(own.concentration as number, own.rate as number); } }, options);
}
/** tinyBIG `naive_laplace_probabilistic_compression(k, loc=0, scale=1)`. */
export function naiveLaplaceProbabilisticCompression(options: NaiveOptions): ProbabilisticCompression {
  return naive({ className: 'naive_laplace_probabilistic_compression', keys: ['loc', 'scale'],
    distribution: (o, own) => { own.loc = numOption(o, 'loc', 'loc', 0); own.scale = numOption(o, 'scale', 'scale', 1); return laplace(own.loc as number, own.scale as number); } }, options);
}
