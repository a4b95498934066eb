import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineOptions, int, list, num } from '@rpn/core';
import type { OptionsOf, Transformation } from '@rpn/core';
import { TRANSFORMATION_BASE, defineExpansion, range } from './common.js';

/** Options of the RBF expansions. */
export const RBF_OPTIONS = defineOptions('gaussian_rbf_expansion', {
  baseRange: range([-1, 1], '[lo, hi] of the centres'),
  numInterval: int({ default: 10, min: 1, doc: 'number of centres k' }),
  epsilon: num({ default: 1, doc: 'shape parameter ε' }),
  base: list(num(), { minLength: 1, doc: "explicit centres (override base_range/num_interval), tinyBIG's base" }),
}, TRANSFORMATION_BASE);
/** Options of the RBF expansions. */
export type RbfOptions = OptionsOf<typeof RBF_OPTIONS>;

function linspace(lo: number, hi: number, k: number): number[] {
  if (k === 1) return [lo];
  return Array.from({ length: k }, (_, i) => lo + ((hi - lo) * i) / (k - 1));
}

function rbf(className: string, options: RbfOptions, phi: (r2: Tensor) => Tensor): Transformation {
  const o = RBF_OPTIONS.named(className).parse(options);
  const { baseRange, numInterval, epsilon } = o;
  const base = o.base ?? linspace(baseRange[0]!, baseRange[1]!, numInterval);
  const k = base.length;
  return defineExpansion(className, o, {
    own: { baseRange, numInterval, epsilon, base: o.base == null ? undefined : base },
    calculateD: (m) => m * k,
    kappa: (x) => {
      const [b, m] = x.shape as [number, number];
      const diff = tf.mul(tf.sub(tf.reshape(x, [b, m, 1]), tf.tensor(base, [1, 1, k])), epsilon);
      return tf.reshape(phi(tf.square(diff)), [b, m * k]);
    },
  });
}

/**
 * tinyBIG `gaussian_rbf_expansion`: centres `c = linspace(lo, hi, k)`, feature-major
 * `out[:, j·k + i] = exp(−((x_j − c_i)·ε)²)`, `D = m·k`.
 */
export function gaussianRbfExpansion(options: RbfOptions = {}): Transformation {
  return rbf('gaussian_rbf_expansion', options, (r2) => tf.exp(tf.neg(r2)));
}

/** tinyBIG `inverse_quadratic_rbf_expansion`: `out[:, j·k + i] = 1 / (1 + ((x_j − c_i)·ε)²)`, `D = m·k`. */
export function inverseQuadraticRbfExpansion(options: RbfOptions = {}): Transformation {
  return rbf('inverse_quadratic_rbf_expansion', options, (r2) => tf.reciprocal(tf.add(r2, 1)));
}
