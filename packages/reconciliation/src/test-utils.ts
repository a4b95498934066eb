import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Transformation } from '@rpn/core';
import { expect } from 'vitest';

/** Deterministic uniform values in [lo, hi). */
export function uniform(count: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out.push(lo + ((s >>> 0) / 4294967296) * (hi - lo));
  }
  return out;
}

export function rand(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  return tf.tensor(uniform(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
}

/** A stand-in order-2 Taylor expansion with the structure the expansion package publishes. */
export function fakeTaylor2(post: 'none' | 'layer_norm', eps = 1e-5): Transformation {
  return Object.freeze({
    name: 'taylor_expansion',
    kind: 'expansion' as const,
    className: 'taylor_expansion',
    structure: { type: 'taylor', d: 2, pre: false, post },
    calculateD: (m: number) => m + m * m,
    forward: (x: Tensor) =>
      tf.tidy(() => {
        const [b, m] = x.shape as [number, number];
        const k = tf.concat([x, tf.reshape(tf.mul(tf.reshape(x, [b, m, 1]), tf.reshape(x, [b, 1, m])), [b, m * m])], 1);
        if (post === 'none') return k;
        const { mean, variance } = tf.moments(k, 1, true);
        return tf.div(tf.sub(k, mean), tf.sqrt(tf.add(variance, eps)));
      }),
    toConfig: () => ({ function_class: 'tinybig.expansion.taylor_expansion', function_parameters: { d: 2 } }),
  });
}

/** Max |a − b| ≤ tol · max(1, max|b|). */
export function expectClose(a: Tensor | ArrayLike<number>, b: Tensor | ArrayLike<number>, tol = 1e-4, what = ''): void {
  const av = a instanceof tf.Tensor ? a.dataSync() : a;
  const bv = b instanceof tf.Tensor ? b.dataSync() : b;
  expect(av.length, `${what} length`).toBe(bv.length);
  let scale = 1;
  for (let i = 0; i < bv.length; i++) scale = Math.max(scale, Math.abs(bv[i]));
  let worst = 0;
  for (let i = 0; i < bv.length; i++) worst = Math.max(worst, Math.abs(av[i] - bv[i]));
  expect(worst / scale, `${what} max error ${worst} (scale ${scale})`).toBeLessThanOrEqual(tol);
}
