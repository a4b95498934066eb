import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Transformation } from '@rpn/core';
import { BASE_EXPANSION_OPTIONS, defineExpansion } from './common.js';
import type { BaseExpansionOptions } from './common.js';

function threeBlocks(className: string, options: BaseExpansionOptions, f: (x: Tensor) => [Tensor, Tensor, Tensor]): Transformation {
  const o = BASE_EXPANSION_OPTIONS.named(className).parse(options);
  return defineExpansion(className, o, { own: {}, calculateD: (m) => 3 * m, kappa: (x) => tf.concat(f(x), 1) });
}

/** tinyBIG `hyperbolic_expansion`: `[sinh x, cosh x, tanh x]` (blocks of m columns), `D = 3m`. */
export function hyperbolicExpansion(options: BaseExpansionOptions = {}): Transformation {
  return threeBlocks('hyperbolic_expansion', options, (x) => [tf.sinh(x), tf.cosh(x), tf.tanh(x)]);
}

/**
 * tinyBIG `arc_hyperbolic_expansion`: with `s = sigmoid(x)` (which keeps every input inside the
 * domains), `[asinh s, acosh(s + 1.01), atanh(0.99·s)]`, `D = 3m`.
 */
export function arcHyperbolicExpansion(options: BaseExpansionOptions = {}): Transformation {
  return threeBlocks('arc_hyperbolic_expansion', options, (x) => {
    const s = tf.sigmoid(x);
    return [tf.asinh(s), tf.acosh(tf.add(s, 1.01)), tf.atanh(tf.mul(s, 0.99))];
  });
}

/** tinyBIG `trigonometric_expansion`: `[sin x, cos x, tan x]`, `D = 3m`. */
export function trigonometricExpansion(options: BaseExpansionOptions = {}): Transformation {
  return threeBlocks('trigonometric_expansion', options, (x) => [tf.sin(x), tf.cos(x), tf.tan(x)]);
}

/**
 * tinyBIG `arc_trigonometric_expansion`: with `s = sigmoid(x)` (domain squashing as tinyBIG does),
 * `[asin(0.99·s), acos(0.99·s), atan s]`, `D = 3m`.
 */
export function arcTrigonometricExpansion(options: BaseExpansionOptions = {}): Transformation {
  return threeBlocks('arc_trigonometric_expansion', options, (x) => {
    const s = tf.sigmoid(x);
    const s99 = tf.mul(s, 0.99);
    return [tf.asin(s99), tf.acos(s99), tf.atan(s)];
  });
}
