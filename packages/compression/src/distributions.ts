import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { UnknownNameError, ValueError, readEnvelope, optionsFromParameters } from '@rpn/core';
import type { Params } from '@rpn/core';

/** A univariate distribution with torch's `log_prob` (element-wise, differentiable where torch's is). */
export interface Distribution {
  /** torch class path, e.g. `torch.distributions.normal.Normal`. */
  readonly functionClass: string;
  /** torch constructor parameters (snake_case). */
  readonly parameters: Readonly<Record<string, number>>;
  logProb(x: Tensor): Tensor;
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9; ~1e−15 relative). */
export function lgamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  z -= 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function positive(v: number, argument: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new ValueError('distribution parameter must be positive', { argument, expected: 'a finite number > 0', received: String(v) });
  return v;
}
function finite(v: unknown, argument: string, fallback: number): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new ValueError('invalid distribution parameter', { argument, expected: 'a finite number', received: JSON.stringify(v) });
  return x;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** torch `Uniform(low, high)`: `−log(high − low)` inside `[low, high)`, `−∞` outside (mask built from values, not on the tape). */
export function uniform(low = 0, high = 1): Distribution {
  if (!(high > low)) throw new ValueError('uniform needs low < high', { argument: 'high', expected: `> ${low}`, received: String(high) });
  return Object.freeze({
    functionClass: 'torch.distributions.uniform.Uniform',
    parameters: Object.freeze({ low, high }),
    logProb: (x: Tensor) => tf.tidy(() => {
      const v = x.dataSync();
      const mask = Float32Array.from(v, (e) => (e >= low && e < high ? 0 : -Infinity));
      return tf.add(tf.mul(x, 0), tf.add(tf.tensor(mask, x.shape), -Math.log(high - low)));
    }),
  });
}

/** torch `Normal(loc, scale)`: `−(x−μ)²/(2σ²) − log σ − ½ log 2π`. */
export function normal(loc = 0, scale = 1): Distribution {
  positive(scale, 'std');
  return Object.freeze({
    functionClass: 'torch.distributions.normal.Normal',
    parameters: Object.freeze({ loc, scale }),
    logProb: (x: Tensor) => tf.tidy(() => tf.sub(tf.div(tf.square(tf.sub(x, loc)), -2 * scale * scale), Math.log(scale) + LOG_SQRT_2PI)),
  });
}

/** torch `Cauchy(loc, scale)`: `−log π − log s − log(1 + ((x−loc)/s)²)`. */
export function cauchy(loc = 0, scale = 1): Distribution {
  positive(scale, 'scale');
  return Object.freeze({
    functionClass: 'torch.distributions.cauchy.Cauchy',
    parameters: Object.freeze({ loc, scale }),
    logProb: (x: Tensor) => tf.tidy(() => tf.sub(tf.neg(tf.log1p(tf.square(tf.div(tf.sub(x, loc), scale)))), Math.log(Math.PI) + Math.log(scale))),
  });
}

/** torch `Gamma(concentration, rate)`: `α log β + (α−1) log x − βx − lnΓ(α)`. */
export function gamma(concentration = 1, rate = 1, functionClass = 'torch.distributions.gamma.Gamma', parameters?: Record<string, number>): Distribution {
  positive(concentration, 'concentration');
  positive(rate, 'rate');
  const c = concentration * Math.log(rate) - lgamma(concentration);
  return Object.freeze({
    functionClass,
    parameters: Object.freeze(parameters ?? { concentration, rate }),
    logProb: (x: Tensor) => tf.tidy(() => tf.add(tf.sub(tf.mul(tf.log(x), concentration - 1), tf.mul(x, rate)), c)),
  });
}

/** torch `Chi2(df)` = `Gamma(df/2, 1/2)`. */
export function chi2(df = 1): Distribution {
  positive(df, 'df');
  return gamma(df / 2, 0.5, 'torch.distributions.chi2.Chi2', { df });
}

/** torch `Exponential(rate)`: `log λ − λx`. */
export function exponential(rate = 1): Distribution {
  positive(rate, 'rate');
  return Object.freeze({
    functionClass: 'torch.distributions.exponential.Exponential',
    parameters: Object.freeze({ rate }),
    logProb: (x: Tensor) => tf.tidy(() => tf.sub(Math.log(rate), tf.mul(x, rate))),
  });
}

/** torch `Laplace(loc, scale)`: `−log(2s) − |x−loc|/s`. */
export function laplace(loc = 0, scale = 1): Distribution {
  positive(scale, 'scale');
  return Object.freeze({
    functionClass: 'torch.distributions.laplace.Laplace',
    parameters: Object.freeze({ loc, scale }),
    logProb: (x: Tensor) => tf.tidy(() => tf.sub(tf.neg(tf.div(tf.abs(tf.sub(x, loc)), scale)), Math.log(2 * scale))),
  });
}

const DISTRIBUTIONS: Record<string, (p: Params) => Distribution> = {
  Uniform: (p) => uniform(finite(p.low, 'low', 0), finite(p.high, 'high', 1)),
  Normal: (p) => normal(finite(p.loc, 'loc', 0), finite(p.scale, 'scale', 1)),
  Cauchy: (p) => cauchy(finite(p.loc, 'loc', 0), finite(p.scale, 'scale', 1)),
  Chi2: (p) => chi2(finite(p.df, 'df', 1)),
  Exponential: (p) => exponential(finite(p.rate, 'rate', 1)),
  Gamma: (p) => gamma(finite(p.concentration, 'concentration', 1), finite(p.rate, 'rate', 1)),
  Laplace: (p) => laplace(finite(p.loc, 'loc', 0), finite(p.scale, 'scale', 1)),
};

/** Builds a distribution from `{function_class: 'torch.distributions.normal.Normal', function_parameters: {loc, scale}}`. */
export function distributionFromConfig(config: unknown): Distribution {
  const env = readEnvelope(config, 'distribution_function_configs');
  const last = env.className.slice(env.className.lastIndexOf('.') + 1);
  const make = DISTRIBUTIONS[last];
  if (!make) throw new UnknownNameError(env.className, Object.keys(DISTRIBUTIONS).map((k) => `torch.distributions.${k.toLowerCase()}.${k}`), 'distribution');
  const p = optionsFromParameters(env.parameters);
  return make(p);
}

/** The `{function_class, function_parameters}` config of a distribution. */
export function distributionToConfig(d: Distribution): { function_class: string; function_parameters: Record<string, number> } {
  return { function_class: d.functionClass, function_parameters: { ...d.parameters } };
}

/** Standard r-variate normal log density of the rows' last axis: `−½‖v‖² − (r/2) log 2π` (`[..., r] → [...]`). */
export function standardMvnLogProb(v: Tensor): Tensor {
  const r = v.shape[v.rank - 1];
  return tf.tidy(() => tf.sub(tf.mul(tf.sum(tf.square(v), -1), -0.5), r * LOG_SQRT_2PI));
}
