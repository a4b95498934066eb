import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  createRegistry, defineEntry, functionConfig, makeTransformation,
  type Reconciliation, type Remainder, type Transformation, type Registry,
} from '@rpn/core';
import { modelEntries } from './index.js';

/** A small test expansion: κ(x) = [x, x²] (D = 2m). */
export function squareExpansion(o: { name?: string } = {}): Transformation {
  return makeTransformation({
    kind: 'expansion', className: 'square_expansion', module: 'test.expansion', options: {}, name: o.name,
    calculateD: (m) => 2 * m,
    kappa: (x) => tf.concat([x, tf.square(x)], 1),
    structure: { type: 'square' },
  });
}

/** Identity expansion (D = m). */
export function identityExpansion(): Transformation {
  return makeTransformation({ kind: 'expansion', className: 'identity_expansion', module: 'test.expansion', options: {}, calculateD: (m) => m, kappa: (x) => tf.clone(x) });
}

/**
 * A low-rank test reconciliation: w = [A (n×r) | B (D×r)] flattened, W = A·Bᵀ, with a structured
 * `product` κ·Wᵀ = (κ·B)·Aᵀ and, for the square expansion, a `productFromInput`.
 */
export function lowRankTestReconciliation(o: { r?: number; enableBias?: boolean; fused?: boolean } = {}): Reconciliation {
  const r = o.r ?? 2;
  const split = (w: Tensor, n: number, D: number): [Tensor, Tensor] => {
    const flat = tf.reshape(w, [-1]);
    return [tf.reshape(tf.slice(flat, [0], [n * r]), [n, r]), tf.reshape(tf.slice(flat, [n * r], [D * r]), [D, r])];
  };
  const f: Reconciliation = {
    name: 'lowrank_test_reconciliation', kind: 'reconciliation', className: 'lowrank_test_reconciliation',
    requireParameters: true, enableBias: o.enableBias ?? false,
    calculateL: (n, D) => r * (n + D),
    forward(w, n, D) {
      return tf.tidy(() => {
        const [A, B] = split(w!, n, D);
        return tf.matMul(A, tf.transpose(B));
      });
    },
    product(kappa, w, n) {
      return tf.tidy(() => {
        const D = kappa.shape[1] as number;
        const [A, B] = split(w!, n, D);
        return tf.matMul(tf.matMul(kappa, B), tf.transpose(A));
      });
    },
    ...(o.fused ? {
      productFromInput(x: Tensor, expansion: Transformation, w: Tensor | null, n: number): Tensor | null {
        if (expansion.structure?.type !== 'square') return null;
        return tf.tidy(() => {
          const m = x.shape[1] as number;
          const [A, B] = split(w!, n, 2 * m);
          const B1 = tf.slice(B, [0, 0], [m, r]);
          const B2 = tf.slice(B, [m, 0], [m, r]);
          return tf.matMul(tf.add(tf.matMul(x, B1), tf.matMul(tf.square(x), B2)), tf.transpose(A));
        });
      },
    } : {}),
    toConfig: () => functionConfig('test.reconciliation.lowrank_test_reconciliation', { r, enableBias: o.enableBias }),
  };
  return Object.freeze(f);
}

/** Identity reconciliation: W = reshape(w, [n, D]). */
export function identityTestReconciliation(o: { enableBias?: boolean } = {}): Reconciliation {
  return Object.freeze({
    name: 'identity_reconciliation', kind: 'reconciliation' as const, className: 'identity_reconciliation', requireParameters: true, enableBias: o.enableBias ?? false,
    calculateL: (n: number, D: number) => n * D,
    forward: (w: Tensor | null, n: number, D: number) => tf.reshape(w!, [n, D]),
    toConfig: () => functionConfig('test.reconciliation.identity_reconciliation', { enableBias: o.enableBias }),
  });
}

/** Linear remainder x·Wᵀ + b. */
export function linearTestRemainder(o: { enableBias?: boolean } = {}): Remainder {
  return Object.freeze({
    name: 'linear_remainder', kind: 'remainder' as const, className: 'linear_remainder', requireParameters: true, enableBias: o.enableBias ?? false,
    forward: (x: Tensor | null, w: Tensor | null, b: Tensor | null) => tf.tidy(() => {
      const y = tf.matMul(x!, tf.transpose(w!));
      return b ? tf.add(y, b) : y;
    }),
    toConfig: () => functionConfig('test.remainder.linear_remainder', { enableBias: o.enableBias }),
  });
}

/** Zero remainder. */
export function zeroTestRemainder(): Remainder {
  return Object.freeze({
    name: 'zero_remainder', kind: 'remainder' as const, className: 'zero_remainder', requireParameters: false, enableBias: false, isZero: true,
    forward: (_x: Tensor | null, _w: Tensor | null, _b: Tensor | null, _m: number, n: number) => tf.zeros([n]),
    toConfig: () => functionConfig('test.remainder.zero_remainder', {}),
  });
}

/** A registry of the test functions plus every model-core entry. */
export function testRegistry(): Registry {
  return createRegistry(
    [
      defineEntry('expansion', 'square_expansion', (o) => squareExpansion(o as { name?: string }), { module: 'test.expansion' }),
      defineEntry('expansion', 'identity_expansion', () => identityExpansion(), { module: 'test.expansion' }),
      defineEntry('reconciliation', 'lowrank_test_reconciliation', (o) => lowRankTestReconciliation(o as { r?: number }), { module: 'test.reconciliation' }),
      defineEntry('reconciliation', 'identity_reconciliation', (o) => identityTestReconciliation(o as { enableBias?: boolean }), { module: 'test.reconciliation' }),
      defineEntry('remainder', 'linear_remainder', (o) => linearTestRemainder(o as { enableBias?: boolean }), { module: 'test.remainder' }),
      defineEntry('remainder', 'zero_remainder', () => zeroTestRemainder(), { module: 'test.remainder' }),
    ],
    modelEntries,
  );
}

/** A deterministic input `[b, m]` in [−1, 1). */
export function input(b: number, m: number, seed = 7): Tensor {
  return tf.randomUniform([b, m], -1, 1, 'float32', seed);
}

/** Max |a − b|. */
export function maxDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
