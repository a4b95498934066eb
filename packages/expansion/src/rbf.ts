import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError } from '@rpn/core';
import type { Params, Transformation } from '@rpn/core';
import { checkKeys, defineExpansion, intOption, numOption, rangeOption } from './common.js';
import type { BaseExpansionOptions } from './common.js';

/** Options of the RBF expansions. */
export interface RbfOptions extends BaseExpansionOptions {
  /** `[lo, hi]` of the centres (default `[-1, 1]`). */
  readonly baseRange?: readonly [number, number];
  /** Number of centres k (default 10). */
  readonly numInterval?: number;
  /** Shape parameter ε (default 1). */
  readonly epsilon?: number;
  /** Explicit centres (overrides baseRange/numInterval), as tinyBIG's `base`. */
  readonly base?: readonly number[];
}

function linspace(lo: number, hi: number, k: number): number[] {
  if (k === 1) return [lo];
  return Array.from({ length: k }, (_, i) => lo + ((hi - lo) * i) / (k - 1));
}

function rbf(className: string, options: RbfOptions, phi: (r2: Tensor) => Tensor): Transformation {
  const o = options as Params;
  checkKeys(o, ['baseRange', 'numInterval', 'epsilon', 'base'], className);
  const baseRange = rangeOption(o, 'baseRange', [-1, 1]);
  const numInterval = intOption(o, 'numInterval', 10);
  const epsilon = numOption(o, 'epsilon', 1);
  let base: number[];
  if (o.base != null) {
    if (!Array.isArray(o.base) || o.base.length === 0 || !o.base.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ValueError('invalid RBF centres', { argument: 'base', expected: 'a non-empty list of finite numbers', received: JSON.stringify(o.base) });
    }
    base = o.base as number[];
  } else base = linspace(baseRange[0], baseRange[1], numInterval);
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
