import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, any, defineOptions, int, num } from '@rpn/core';
import type { OptionsOf, Params, Transformation, ValuesOf } from '@rpn/core';
import { TRANSFORMATION_BASE, defineExpansion, geq, lgamma, lt, taylorBlocks, taylorD } from './common.js';

/** Options shared by the discrete wavelet expansions (tinyBIG's discrete_wavelet checks a ≥ 1 and b ≥ 0; its default a = 1 is allowed). */
export const WAVELET_FIELDS = Object.freeze({
  ...TRANSFORMATION_BASE,
  d: int({ default: 1, min: 1, doc: 'order of the Taylor-style products of the wavelet features' }),
  s: int({ default: 1, min: 1, doc: 'number of scales s' }),
  t: int({ default: 1, min: 1, doc: 'number of translations t' }),
  a: num({ default: 1, min: 1, expected: 'a number ≥ 1 (the scale base a of a^s)', doc: 'scale base a' }),
  b: num({ default: 1, min: 0, expected: 'a number ≥ 0 (the translation step b)', doc: 'translation step b' }),
});
/** Options shared by the discrete wavelet expansions. */
export const WAVELET_OPTIONS = defineOptions('harr_wavelet_expansion', WAVELET_FIELDS);
/** Options shared by the discrete wavelet expansions. */
export type WaveletOptions = OptionsOf<typeof WAVELET_OPTIONS>;

/** A mother wavelet ψ applied element-wise to τ `[b, m, s·t]`. */
export type MotherWavelet = (tau: Tensor) => Tensor;

/**
 * The discrete wavelet base (tinyBIG `discrete_wavelet_expansion`): for s' in 0..s−1 and t' in
 * 0..t−1 (s' slowest) `ψ_{s',t'}(x) = a^(−s'/2)·ψ(x/a^s' − t'·b)`, feature-major
 * `W[:, j·(s·t) + s'·t + t']`; with d > 1 the Taylor-style products of W's columns up to order d
 * are appended: `D = Σ_{i=1..d} (m·s·t)^i`. All (s', t') pairs are one broadcast.
 */
export function discreteWaveletTransformation(className: string, options: ValuesOf<typeof WAVELET_OPTIONS>, psi: MotherWavelet, extraOwn: Params = {}): Transformation {
  const { d, s, t, a, b } = options;
  const st = s * t;
  const inv: number[] = [];
  const shift: number[] = [];
  const amp: number[] = [];
  for (let i = 0; i < s; i++) for (let j = 0; j < t; j++) { inv.push(a ** -i); shift.push(j * b); amp.push(a ** (-i / 2)); }
  return defineExpansion(className, options, {
    own: { d, s, t, a, b, ...extraOwn },
    calculateD: (m) => taylorD(m * st, d),
    kappa: (x) => {
      const [bs, m] = x.shape as [number, number];
      const tau = tf.sub(tf.mul(tf.reshape(x, [bs, m, 1]), tf.tensor(inv, [1, 1, st])), tf.tensor(shift, [1, 1, st]));
      const w = tf.reshape(tf.mul(psi(tau), tf.tensor(amp, [1, 1, st])), [bs, m * st]);
      return taylorBlocks(w, d);
    },
  });
}

/** Haar ψ: 1 on [0, 0.5), −1 on [0.5, 1), 0 elsewhere. */
export const harrPsi: MotherWavelet = (tau) => tf.sub(tf.mul(geq(tau, 0), lt(tau, 0.5)), tf.mul(geq(tau, 0.5), lt(tau, 1)));

/**
 * Beta ψ: `τ^(α−1)(1−τ)^(β−1)/B(α, β)`. As tinyBIG: if any τ of one (s', t') slice `[b, m]` lies
 * outside [0, 1], sigmoid is applied to all of that slice first (all-or-nothing squashing; the
 * decision is a tensor mask, so no data is read back).
 */
export function betaPsi(alpha: number, beta: number): MotherWavelet {
  const logB = lgamma(alpha) + lgamma(beta) - lgamma(alpha + beta);
  return (tau) => {
    const outside = tf.minimum(tf.max(tf.add(tf.step(tf.neg(tau)), tf.step(tf.sub(tau, 1))), [0, 1], true), 1);
    const u = tf.add(tf.mul(outside, tf.sigmoid(tau)), tf.mul(tf.sub(1, outside), tau));
    return tf.mul(tf.mul(tf.pow(u, alpha - 1), tf.pow(tf.sub(1, u), beta - 1)), Math.exp(-logB));
  };
}

/** Shannon ψ: `(sin 2πτ − sin πτ)/(πτ)` (NaN at τ = 0, as tinyBIG). */
export const shannonPsi: MotherWavelet = (tau) => tf.div(tf.sub(tf.sin(tf.mul(tau, 2 * Math.PI)), tf.sin(tf.mul(tau, Math.PI))), tf.mul(tau, Math.PI));

/** Ricker ψ: `2(1 − (τ/σ)²)/(√(3σ)·π^¼)·exp(−τ²/(2σ²))` (tinyBIG's √(3σ)). */
export function rickerPsi(sigma: number): MotherWavelet {
  const c = 2 / (Math.sqrt(3 * sigma) * Math.PI ** 0.25);
  return (tau) => tf.mul(tf.mul(tf.sub(1, tf.square(tf.div(tau, sigma))), c), tf.exp(tf.div(tf.square(tau), -2 * sigma * sigma)));
}

/** Difference of Gaussians ψ: `N(τ; 0, σ1) − N(τ; 0, σ2)` (densities). */
export function dogPsi(sigma1: number, sigma2: number): MotherWavelet {
  const pdf = (tau: Tensor, s: number): Tensor => tf.mul(tf.exp(tf.div(tf.square(tau), -2 * s * s)), 1 / (s * Math.sqrt(2 * Math.PI)));
  return (tau) => tf.sub(pdf(tau, sigma1), pdf(tau, sigma2));
}

/** Meyer ψ value at τ = 0. */
export const MEYER_AT_ZERO = 2 / 3 + 4 / (3 * Math.PI);

/**
 * Meyer ψ: `(sin(2πτ/3) + (4/3)τ·cos(4πτ/3)) / (πτ − (16π/9)τ³)`, and `2/3 + 4/(3π)` at τ = 0
 * (poles at τ = ±0.75, as tinyBIG). τ = 0 is replaced before the division so gradients stay finite.
 */
export const meyerPsi: MotherWavelet = (tau) => {
  const zero = tf.sub(1, tf.step(tf.abs(tau)));
  const ts = tf.add(tau, zero);
  const num = tf.add(tf.sin(tf.mul(ts, (2 * Math.PI) / 3)), tf.mul(tf.mul(ts, 4 / 3), tf.cos(tf.mul(ts, (4 * Math.PI) / 3))));
  const den = tf.sub(tf.mul(ts, Math.PI), tf.mul(tf.mul(ts, tf.square(ts)), (16 * Math.PI) / 9));
  return tf.add(tf.mul(tf.div(num, den), tf.sub(1, zero)), tf.mul(zero, MEYER_AT_ZERO));
};

/** tinyBIG `harr_wavelet_expansion` (Haar): ψ = 1 on [0, 0.5), −1 on [0.5, 1), else 0; `D = Σ (m·s·t)^i`. */
export function harrWaveletExpansion(options: WaveletOptions = {}): Transformation {
  return discreteWaveletTransformation('harr_wavelet_expansion', WAVELET_OPTIONS.parse(options), harrPsi);
}

/** Options of {@link betaWaveletExpansion} (tinyBIG's beta_wavelet raises ValueError unless alpha ≥ 1 and beta ≥ 1). */
export const BETA_WAVELET_OPTIONS = defineOptions('beta_wavelet_expansion', { alpha: num({ default: 1, min: 1, expected: 'a number ≥ 1', doc: 'α' }), beta: num({ default: 1, min: 1, expected: 'a number ≥ 1', doc: 'β' }) }, WAVELET_FIELDS);
/** Options of {@link betaWaveletExpansion}. */
export type BetaWaveletOptions = OptionsOf<typeof BETA_WAVELET_OPTIONS>;
/** tinyBIG `beta_wavelet_expansion`: ψ = `τ^(α−1)(1−τ)^(β−1)/B(α,β)` with tinyBIG's all-or-nothing sigmoid squashing. */
export function betaWaveletExpansion(options: BetaWaveletOptions = {}): Transformation {
  const o = BETA_WAVELET_OPTIONS.parse(options);
  const { alpha, beta } = o;
  return discreteWaveletTransformation('beta_wavelet_expansion', o, betaPsi(alpha, beta), { alpha, beta });
}

/** tinyBIG `shannon_wavelet_expansion`: ψ = `(sin 2πτ − sin πτ)/(πτ)`. */
export function shannonWaveletExpansion(options: WaveletOptions = {}): Transformation {
  return discreteWaveletTransformation('shannon_wavelet_expansion', WAVELET_OPTIONS.named('shannon_wavelet_expansion').parse(options), shannonPsi);
}

/** Options of {@link rickerWaveletExpansion} (tinyBIG rejects sigma < 0; sigma = 0 divides by zero (τ/σ), so it is rejected too). */
export const RICKER_WAVELET_OPTIONS = defineOptions('ricker_wavelet_expansion', { sigma: num({ default: 1, min: 0, exclusiveMin: true, expected: 'a number > 0', doc: 'σ' }) }, WAVELET_FIELDS);
/** Options of {@link rickerWaveletExpansion}. */
export type RickerWaveletOptions = OptionsOf<typeof RICKER_WAVELET_OPTIONS>;
/** tinyBIG `ricker_wavelet_expansion`: ψ = `2(1−(τ/σ)²)/(√(3σ)π^¼)·exp(−τ²/(2σ²))`. */
export function rickerWaveletExpansion(options: RickerWaveletOptions = {}): Transformation {
  const o = RICKER_WAVELET_OPTIONS.parse(options);
  const { sigma } = o;
  return discreteWaveletTransformation('ricker_wavelet_expansion', o, rickerPsi(sigma), { sigma });
}

/** Options of {@link dogWaveletExpansion} (tinyBIG rejects sigma_1, sigma_2 < 0; 0 divides by zero in the densities, so it is rejected too). */
export const DOG_WAVELET_OPTIONS = defineOptions('dog_wavelet_expansion', {
  sigma1: num({ default: 1, min: 0, exclusiveMin: true, expected: 'a number > 0', doc: 'σ1' }),
  sigma2: num({ default: 2, min: 0, exclusiveMin: true, expected: 'a number > 0', doc: 'σ2' }),
}, WAVELET_FIELDS);
/** Options of {@link dogWaveletExpansion}. */
export type DogWaveletOptions = OptionsOf<typeof DOG_WAVELET_OPTIONS>;
/** tinyBIG `dog_wavelet_expansion`: ψ = `N(τ; 0, σ1) − N(τ; 0, σ2)`. */
export function dogWaveletExpansion(options: DogWaveletOptions = {}): Transformation {
  const o = DOG_WAVELET_OPTIONS.parse(options);
  const { sigma1, sigma2 } = o;
  return discreteWaveletTransformation('dog_wavelet_expansion', o, dogPsi(sigma1, sigma2), { sigma1, sigma2 });
}

/** tinyBIG `meyer_wavelet_expansion`: ψ = `(sin(2πτ/3) + (4/3)τcos(4πτ/3))/(πτ − (16π/9)τ³)`, ψ(0) = 2/3 + 4/(3π). */
export function meyerWaveletExpansion(options: WaveletOptions = {}): Transformation {
  return discreteWaveletTransformation('meyer_wavelet_expansion', WAVELET_OPTIONS.named('meyer_wavelet_expansion').parse(options), meyerPsi);
}

/** Options of {@link discreteWaveletExpansion}: the base needs a mother wavelet. */
export const DISCRETE_WAVELET_OPTIONS = defineOptions('discrete_wavelet_expansion', {
  wavelet: any<MotherWavelet | 'harr' | 'shannon' | 'meyer' | 'ricker' | 'dog' | 'beta'>({ doc: 'the mother wavelet: a function of τ, or the name of a built-in one (harr, shannon, meyer, ricker, dog, beta with their defaults)' }),
}, WAVELET_FIELDS);
/** Options of {@link discreteWaveletExpansion}. */
export type DiscreteWaveletOptions = OptionsOf<typeof DISCRETE_WAVELET_OPTIONS>;

/**
 * tinyBIG `discrete_wavelet_expansion` (not exported there; the abstract base, which fails with
 * an AssertionError without a wavelet). Here a mother wavelet can be supplied (`wavelet`);
 * without one it throws a {@link ConfigError}.
 */
export function discreteWaveletExpansion(options: DiscreteWaveletOptions = {}): Transformation {
  const o = DISCRETE_WAVELET_OPTIONS.parse(options);
  const w = o.wavelet;
  const named: Record<string, MotherWavelet> = { harr: harrPsi, shannon: shannonPsi, meyer: meyerPsi, ricker: rickerPsi(1), dog: dogPsi(1, 2), beta: betaPsi(1, 1) };
  const psi = typeof w === 'function' ? (w as MotherWavelet) : typeof w === 'string' ? named[w] : undefined;
  if (!psi) throw new ConfigError('discrete_wavelet_expansion needs a mother wavelet', { argument: 'wavelet', expected: `a function of τ or one of ${Object.keys(named).join(', ')}`, received: JSON.stringify(w ?? null) });
  return discreteWaveletTransformation('discrete_wavelet_expansion', o, psi, typeof w === 'string' ? { wavelet: w } : {});
}
