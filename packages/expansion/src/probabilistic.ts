import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Params, Transformation } from '@rpn/core';
import { BASE_EXPANSION_OPTIONS, defineExpansion, lgamma } from './common.js';
import type { BaseExpansionOptions } from './common.js';

const LOG_2PI = Math.log(2 * Math.PI);
const col = (v: readonly number[]): Tensor => tf.tensor(v as number[], [1, v.length, 1]);

/** log N(x; μ, σ) for K (μ, σ) pairs: `[b,1,m]` → `[b,K,m]`. */
function logNormal(x3: Tensor, mu: readonly number[], sigma: readonly number[]): Tensor {
  const z = tf.div(tf.sub(x3, col(mu)), col(sigma));
  return tf.sub(tf.mul(tf.square(z), -0.5), col(sigma.map((s) => Math.log(s) + 0.5 * LOG_2PI)));
}
/** log Cauchy(x; loc, scale) = −log(π·scale) − log(1 + ((x−loc)/scale)²). */
function logCauchy(x3: Tensor, loc: readonly number[], scale: readonly number[]): Tensor {
  const z = tf.div(tf.sub(x3, col(loc)), col(scale));
  return tf.neg(tf.add(tf.log1p(tf.square(z)), col(scale.map((s) => Math.log(Math.PI * s)))));
}
/** log Laplace(x; loc, scale) = −log(2·scale) − |x−loc|/scale. */
function logLaplace(x3: Tensor, loc: readonly number[], scale: readonly number[]): Tensor {
  return tf.neg(tf.add(tf.div(tf.abs(tf.sub(x3, col(loc))), col(scale)), col(scale.map((s) => Math.log(2 * s)))));
}
/** log Gamma(u; α, β) = α log β + (α−1) log u − β u − log Γ(α) (β = rate). */
function logGamma(u3: Tensor, alpha: readonly number[], rate: readonly number[]): Tensor {
  const c0 = col(alpha.map((a, i) => a * Math.log(rate[i]) - lgamma(a)));
  return tf.add(tf.sub(tf.mul(col(alpha.map((a) => a - 1)), tf.log(u3)), tf.mul(col(rate), u3)), c0);
}
/** log Exp(u; λ) = log λ − λ u. */
function logExponential(u3: Tensor, rate: readonly number[]): Tensor {
  return tf.sub(col(rate.map((r) => Math.log(r))), tf.mul(col(rate), u3));
}
/** log χ²(u; k) = log Gamma(u; k/2, 1/2). */
function logChi2(u3: Tensor, df: readonly number[]): Tensor {
  return logGamma(u3, df.map((k) => k / 2), df.map(() => 0.5));
}

/** `u = 0.99·sigmoid(x) + 0.001` (gamma, exponential, hybrid). */
const squash99 = (x: Tensor): Tensor => tf.add(tf.mul(tf.sigmoid(x), 0.99), 0.001);
/** `u = sigmoid(x) + 0.001` (chi2: tinyBIG uses no 0.99 factor here). */
const squashChi2 = (x: Tensor): Tensor => tf.add(tf.sigmoid(x), 0.001);

function distribution(className: string, options: BaseExpansionOptions, K: number, f: (x3: Tensor) => Tensor): Transformation {
  const o = BASE_EXPANSION_OPTIONS.named(className).parse(options);
  return defineExpansion(className, o, {
    own: {},
    calculateD: (m) => K * m,
    kappa: (x) => {
      const [b, m] = x.shape as [number, number];
      return tf.reshape(f(tf.reshape(x, [b, 1, m])), [b, K * m]);
    },
  });
}

const NORMAL = { mu: [0, 1, -1, 0, 1, -1], sigma: [1, 1, 1, 0.1, 0.1, 0.1] };
const CAUCHY = { loc: [0, 0, 1, 1, -1, -1], scale: [1, 0.5, 1, 0.5, 1, 0.5] };
const LAPLACE = { loc: [0, 0, 1, 1, -1, -1], scale: [1, 2, 1, 2, 1, 2] };
const GAMMA = { alpha: [0.5, 0.5, 1, 1, 2, 2], rate: [1, 2, 1, 2, 1, 2] };
const EXPONENTIAL = [0.5, 0.75, 1, 2, 3, 5];
const CHI2 = [1, 2];

/** tinyBIG `naive_normal_expansion`: `log N(x; 0, 1)`, `D = m`. */
export const naiveNormalExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('naive_normal_expansion', o, 1, (x) => logNormal(x, [0], [1]));
/**
 * tinyBIG `normal_expansion`: `log N(x; μ, σ)` for (μ, σ) = (0,1), (1,1), (−1,1), (0,0.1), (1,0.1), (−1,0.1)
 * (σ is the standard deviation), blocks of m columns, `D = 6m`.
 */
export const normalExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('normal_expansion', o, 6, (x) => logNormal(x, NORMAL.mu, NORMAL.sigma));
/** tinyBIG `naive_cauchy_expansion`: `log Cauchy(x; 0, 1) = −log π − log(1 + x²)`, `D = m`. */
export const naiveCauchyExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('naive_cauchy_expansion', o, 1, (x) => logCauchy(x, [0], [1]));
/** tinyBIG `cauchy_expansion`: `log Cauchy(x; loc, scale)`, (0,1), (0,0.5), (1,1), (1,0.5), (−1,1), (−1,0.5), `D = 6m`. */
export const cauchyExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('cauchy_expansion', o, 6, (x) => logCauchy(x, CAUCHY.loc, CAUCHY.scale));
/** tinyBIG `naive_laplace_expansion`: `log Laplace(x; 0, 1) = −log 2 − |x|`, `D = m`. */
export const naiveLaplaceExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('naive_laplace_expansion', o, 1, (x) => logLaplace(x, [0], [1]));
/** tinyBIG `laplace_expansion`: `log Laplace(x; loc, scale)`, (0,1), (0,2), (1,1), (1,2), (−1,1), (−1,2), `D = 6m`. */
export const laplaceExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('laplace_expansion', o, 6, (x) => logLaplace(x, LAPLACE.loc, LAPLACE.scale));
/**
 * tinyBIG `naive_gamma_expansion`: `log Gamma(u; 0.5, 1)` at `u = 0.99·sigmoid(x) + 0.001`
 * (the squashing maps every real x into the support), `D = m`.
 */
export const naiveGammaExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('naive_gamma_expansion', o, 1, (x) => logGamma(squash99(x), [0.5], [1]));
/** tinyBIG `gamma_expansion`: `log Gamma(u; α, rate)`, (0.5,1), (0.5,2), (1,1), (1,2), (2,1), (2,2) at `u = 0.99·sigmoid(x)+0.001`, `D = 6m`. */
export const gammaExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('gamma_expansion', o, 6, (x) => logGamma(squash99(x), GAMMA.alpha, GAMMA.rate));
/** tinyBIG `naive_exponential_expansion`: `log Exp(u; 0.5)` at `u = 0.99·sigmoid(x)+0.001`, `D = m`. */
export const naiveExponentialExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('naive_exponential_expansion', o, 1, (x) => logExponential(squash99(x), [0.5]));
/** tinyBIG `exponential_expansion`: `log Exp(u; λ)`, λ = 0.5, 0.75, 1, 2, 3, 5 at `u = 0.99·sigmoid(x)+0.001`, `D = 6m`. */
export const exponentialExpansion = (o: BaseExpansionOptions = {}): Transformation => distribution('exponential_expansion', o, 6, (x) => logExponential(squash99(x), EXPONENTIAL));
/** tinyBIG `naive_chi2_expansion`: `log χ²(u; 1)` at `u = sigmoid(x) + 0.001` (no 0.99 factor, as tinyBIG), `D = m`. */
export const naiveChi2Expansion = (o: BaseExpansionOptions = {}): Transformation => distribution('naive_chi2_expansion', o, 1, (x) => logChi2(squashChi2(x), [1]));
/** tinyBIG `chi2_expansion`: `log χ²(u; k)`, k = 1, 2 at `u = sigmoid(x) + 0.001`, `D = 2m`. */
export const chi2Expansion = (o: BaseExpansionOptions = {}): Transformation => distribution('chi2_expansion', o, 2, (x) => logChi2(squashChi2(x), CHI2));
/**
 * tinyBIG `hybrid_probabilistic_expansion`: `[log N(x;0,1), log Cauchy(x;0,1), log χ²(u;1),
 * log Gamma(u;0.5,1), log Laplace(x;0,1), log Exp(u;1)]` with `u = 0.99·sigmoid(x)+0.001`, `D = 6m`.
 */
export const hybridProbabilisticExpansion = (o: BaseExpansionOptions = {}): Transformation =>
  distribution('hybrid_probabilistic_expansion', o, 6, (x) => {
    const u = squash99(x);
    return tf.concat([logNormal(x, [0], [1]), logCauchy(x, [0], [1]), logChi2(u, [1]), logGamma(u, [0.5], [1]), logLaplace(x, [0], [1]), logExponential(u, [1])], 1);
  });
