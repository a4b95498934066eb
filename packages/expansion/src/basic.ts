import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, any, defineOptions, formatShape, num } from '@rpn/core';
import type { OptionsOf, Params, Transformation } from '@rpn/core';
import { BASE_EXPANSION_OPTIONS, TRANSFORMATION_BASE, constTensor, defineTransformation, EXPANSION_MODULE, matrixOption } from './common.js';
import type { BaseExpansionOptions } from './common.js';

/** The family a basic transformation is registered in, and its tinyBIG name and module. */
export type TransformationKind = 'expansion' | 'compression';

/**
 * Identity transformation `κ(x) = x`, `D = m`, for either family (tinyBIG
 * `identity_expansion` / `identity_compression`). Exposes `structure: {type: 'identity'}`.
 *
 * @param kind `'expansion'` or `'compression'`.
 * @param className tinyBIG class name (e.g. `identity_compression`).
 * @param module tinyBIG module (e.g. `tinybig.compression`).
 * @param options camelCase options (name, pre/post-processing).
 */
export function identityTransformation(kind: TransformationKind, className: string, module: string, options: Params = {}): Transformation {
  const o = BASE_EXPANSION_OPTIONS.named(className).parse(options);
  return defineTransformation(kind, className, module, o, {
    own: {},
    calculateD: (m) => m,
    kappa: (x) => x,
    structure: Object.freeze({ type: 'identity' }),
  });
}

/** The clamp tinyBIG applies before 1/x: |x| ≤ 1e−6 is moved to ±1e−6. */
export const RECIPROCAL_EPS = 1e-6;

/**
 * Reciprocal transformation (tinyBIG `reciprocal_expansion` / `reciprocal_compression`):
 * `κ(x) = 1/x̃`, `D = m`, with `x̃ = 1e−6` for `0 ≤ x ≤ 1e−6`, `x̃ = −1e−6` for `−1e−6 ≤ x < 0`,
 * else `x̃ = x`. Unlike tinyBIG, the caller's tensor is **not** clamped in place.
 * The clamp is built from `step` masks so gradients flow (zero inside the clamp band).
 */
export function reciprocalTransformation(kind: TransformationKind, className: string, module: string, options: Params = {}): Transformation {
  const o = BASE_EXPANSION_OPTIONS.named(className).parse(options);
  return defineTransformation(kind, className, module, o, {
    own: {},
    calculateD: (m) => m,
    kappa: (x) => {
      // small = 1 where |x| ≤ eps; neg = 1 where x < 0.
      const small = tf.sub(1, tf.step(tf.sub(tf.abs(x), RECIPROCAL_EPS)));
      const neg = tf.step(tf.neg(x));
      const clampValue = tf.mul(tf.sub(1, tf.mul(neg, 2)), RECIPROCAL_EPS);
      const xc = tf.add(tf.mul(x, tf.sub(1, small)), tf.mul(small, clampValue));
      return tf.reciprocal(xc);
    },
  });
}

/** Options of the linear transformation. */
export const LINEAR_OPTIONS = defineOptions('linear_expansion', {
  c: num({ doc: "scalar factor: κ(x) = c·x (used when given and non-zero, as tinyBIG's `if c`)" }),
  preC: any<number[][] | Tensor>({ configKey: 'pre_C', doc: '[b, b] matrix: κ(x) = pre_C·x (mixes instances; the batch size must be b)' }),
  postC: any<number[][] | Tensor>({ configKey: 'post_C', doc: '[m, m] matrix: κ(x) = x·post_C' }),
}, TRANSFORMATION_BASE);
/** Options of the linear transformation. */
export type LinearOptions = OptionsOf<typeof LINEAR_OPTIONS>;

/**
 * Linear transformation (tinyBIG `linear_expansion` / `linear_compression`), `D = m`:
 * `κ(x) = c·x` if `c` (non-zero) is given; else `pre_C · x` if `pre_C` (`[b, b]`); else
 * `x · post_C` if `post_C` (`[m, m]`); else `x`.
 */
export function linearTransformation(kind: TransformationKind, className: string, module: string, options: Params = {}): Transformation {
  const o = LINEAR_OPTIONS.named(className).parse(options);
  const c = o.c;
  const preC = matrixOption(o.preC, 'pre_C');
  const postC = matrixOption(o.postC, 'post_C');
  if (preC && preC.length !== preC[0].length) throw new ValueError('pre_C must be square', { argument: 'pre_C', expected: 'a [b, b] matrix', received: `[${preC.length}, ${preC[0].length}]` });
  if (postC && postC.length !== postC[0].length) throw new ValueError('post_C must be square', { argument: 'post_C', expected: 'an [m, m] matrix', received: `[${postC.length}, ${postC[0].length}]` });
  const useC = typeof c === 'number' && c !== 0;
  return defineTransformation(kind, className, module, o, {
    own: { c: c ?? undefined, preC, postC },
    schema: LINEAR_OPTIONS,
    calculateD: (m) => m,
    kappa: (x) => {
      if (useC) return tf.mul(x, c as number);
      if (preC) {
        if (preC.length !== x.shape[0]) throw new ShapeError('pre_C does not fit the batch', { argument: 'x', expected: `batch size ${preC.length} (pre_C is [${preC.length}, ${preC.length}])`, received: `shape ${formatShape(x.shape)}` });
        return tf.matMul(constTensor(preC), x);
      }
      if (postC) {
        if (postC.length !== x.shape[1]) throw new ShapeError('post_C does not fit the input width', { argument: 'x', expected: `width ${postC.length} (post_C is [${postC.length}, ${postC.length}])`, received: `shape ${formatShape(x.shape)}` });
        return tf.matMul(x, constTensor(postC));
      }
      return x;
    },
  });
}

/** tinyBIG `identity_expansion`: `κ(x) = x`, `D = m`. */
export function identityExpansion(options: BaseExpansionOptions = {}): Transformation {
  return identityTransformation('expansion', 'identity_expansion', EXPANSION_MODULE, options as Params);
}

/** tinyBIG `reciprocal_expansion`: `κ(x) = 1/x` after the ±1e−6 clamp (no in-place mutation), `D = m`. */
export function reciprocalExpansion(options: BaseExpansionOptions = {}): Transformation {
  return reciprocalTransformation('expansion', 'reciprocal_expansion', EXPANSION_MODULE, options as Params);
}

/** tinyBIG `linear_expansion`: `c·x`, `pre_C·x` or `x·post_C`, `D = m`. */
export function linearExpansion(options: LinearOptions = {}): Transformation {
  return linearTransformation('expansion', 'linear_expansion', EXPANSION_MODULE, options as Params);
}
