import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { mmT, taylor2Grid, type FusedResult, mm } from './common.js';
import { taylor2BlockSums, taylor2ToeplitzSums, type Taylor2Info } from './taylor.js';

/**
 * tinyBIG's "Kronecker" reconciliations as its code computes them:
 * `W = reshape(outer(A, B), [n, D])` with A of length P = p·q and B of length L = s·t
 * (`W_flat[k·L + v] = A[k]·B[v]`).
 */
export function outerPsi(A: Tensor, B: Tensor, n: number, D: number): Tensor {
  return tf.reshape(tf.mul(tf.reshape(A, [-1, 1]), tf.reshape(B, [1, -1])), [n, D]);
}

/**
 * `κ · Wᵀ` for `W = reshape(outer(A, B), [n, D])` without W:
 * - L divides D (G = D/L blocks of B per row): `W[i, uL + v] = Â[i, u]·B[v]` with
 *   `Â = reshape(A, [n, G])`, so `κ·Wᵀ = Y·Âᵀ`, `Y = reshape(κ, [b·G, L])·B` (cost b·D + b·G·n);
 * - D divides L (k = L/D rows of W per entry of A): `κ·Wᵀ = (κ·Fᵀ) ⊗ A` with `F = reshape(B, [k, D])`
 *   (cost b·D·k);
 * - otherwise W is built (the plain product).
 */
export function outerProduct(kappa: Tensor, A: Tensor, B: Tensor, n: number, D: number): Tensor {
  const b = kappa.shape[0];
  const P = A.size;
  const L = B.size;
  if (D % L === 0) {
    const G = D / L;
    const Y = tf.reshape(mm(tf.reshape(kappa, [b * G, L]), tf.reshape(B, [L, 1])), [b, G]);
    return mmT(Y, tf.reshape(A, [n, G]));
  }
  if (L % D === 0) {
    const k = L / D;
    const Z = mmT(kappa, tf.reshape(B, [k, D])); // [b, k]
    return tf.reshape(tf.mul(tf.reshape(Z, [b, 1, k]), tf.reshape(A, [1, P, 1])), [b, n]);
  }
  return mmT(kappa, outerPsi(A, B, n, D));
}

/**
 * The fused order-2 Taylor kernel for `W = reshape(outer(A, B), [n, D])` (fastpath-notes items
 * 1–4): neither κ nor W is built. Null when neither L | D nor D | L (the caller then contracts
 * a built W with x, item 5). `rowSums` (W·1, `[n]`), when given, is used instead of computing it.
 */
export function outerTaylor2(x: Tensor, A: Tensor, B: Tensor, n: number, info: Taylor2Info, rowSum: boolean, rowSums?: Tensor): FusedResult | null {
  const { m, D } = info;
  const b = x.shape[0];
  const P = A.size;
  const L = B.size;
  if (D % L === 0) {
    const G = D / L;
    const Ahat = tf.reshape(A, [n, G]);
    const rs = rowSum ? (rowSums ?? tf.mul(tf.sum(Ahat, 1), tf.sum(B))) : undefined;
    if (b === 1) {
      // one sample: κ(x) is as large as the tile N of the Toeplitz path (D floats) and needs a
      // handful of steps instead of ~30: Y = reshape(vec(x̃ ⊗ x), [G, L])·B (notes item 2)
      const xt = tf.concat([tf.ones([1, 1]), x], 1);
      const kap = tf.reshape(tf.mul(tf.reshape(xt, [m + 1, 1]), x), [G, L]);
      const Y = tf.reshape(mm(kap, tf.reshape(B, [L, 1])), [1, G]);
      return { out: mmT(Y, Ahat), rowSum: rs };
    }
    if (L % (m + 1) === 0) {
      // Toeplitz path: Yᵀ [G, b] straight into (Â·Yᵀ)ᵀ
      return { out: tf.transpose(mm(Ahat, taylor2ToeplitzSums(x, B, L, m))), rowSum: rs };
    }
    const Y = taylor2BlockSums(x, undefined, B, L, m);
    if (!Y) return null;
    return { out: mmT(Y, Ahat), rowSum: rs };
  }
  if (L % D === 0) {
    const k = L / D;
    const F = tf.reshape(B, [k, D]);
    const Z = taylor2Grid(x, F, k, m, rowSum);
    const out = tf.reshape(tf.mul(tf.reshape(Z.out, [b, 1, k]), tf.reshape(A, [1, P, 1])), [b, n]);
    return { out, rowSum: rowSum ? tf.reshape(tf.mul(tf.reshape(A, [P, 1]), tf.reshape(Z.rowSum!, [1, k])), [n]) : undefined };
  }
  return null;
}
