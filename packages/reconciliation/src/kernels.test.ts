import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  columnSum,
  cutToeplitz,
  dualLphmReconciliation,
  identityReconciliation,
  layerNormProduct,
  lorrReconciliation,
  taylor2Grid,
  taylor2ToeplitzSums,
  tileRows,
} from './index.js';
import { FUSED_CHUNK_ROWS } from './common.js';
import { expectClose, fakeTaylor2, rand, uniform } from './test-utils.js';

/** κ(x) = [x, vec(x⊗x)] built explicitly (the materialised reference). */
function kappaOf(x: Tensor): Tensor {
  const [b, m] = x.shape as [number, number];
  return tf.concat([x, tf.reshape(tf.mul(tf.reshape(x, [b, m, 1]), tf.reshape(x, [b, 1, m])), [b, m * m])], 1);
}

/** Values and gradients (w.r.t. both inputs) of `fast(a, x)` against `plain(a, x)`. */
function compare2(fast: (a: Tensor, x: Tensor) => Tensor, plain: (a: Tensor, x: Tensor) => Tensor, a: Tensor, x: Tensor, tol: number, what: string): void {
  const y1 = fast(a, x);
  const y2 = plain(a, x);
  expectClose(y1, y2, tol, `${what} values`);
  const dy = rand(y2.shape as number[], 99);
  const loss = (f: typeof fast) => (p: Tensor, q: Tensor) => tf.sum(tf.mul(f(p, q), dy));
  const g1 = tf.grads(loss(fast))([a, x]);
  const g2 = tf.grads(loss(plain))([a, x]);
  g1.forEach((g, i) => expectClose(g, g2[i], tol, `${what} gradient ${i}`));
  tf.dispose([y1, y2, dy, ...g1, ...g2]);
}

describe('Toeplitz block sums (L = s(m+1), s | m)', () => {
  // (m, s): G = m/s blocks of B; G = 1 has no cut rows, s = 1 cuts every row.
  it.each([[6, 1], [6, 2], [6, 3], [6, 6], [8, 4], [12, 3], [5, 5], [10, 2]])('m = %i, s = %i: Y = reshape(κ, [bG, L])·B in values and gradients', (m, s) => {
    const L = s * (m + 1);
    const D = m * (m + 1);
    const G = D / L;
    const b = 3;
    const B = rand([L], 41 + m + s);
    const x = rand([b, m], 43 + m * s);
    const plain = (Bv: Tensor, xv: Tensor) => tf.reshape(tf.matMul(tf.reshape(kappaOf(xv), [b * G, L]), tf.reshape(Bv, [L, 1])), [b, G]);
    compare2((Bv, xv) => tf.transpose(taylor2ToeplitzSums(xv, Bv, L, m)), plain, B, x, 1e-5, `m=${m} s=${s}`);
    tf.dispose([B, x]);
  });

  it('cut Toeplitz rows are B[L − ks + j] for j < ks (built without gather)', () => {
    const m = 8, s = 2, L = s * (m + 1), G = m / s;
    const Bv = uniform(L, 5);
    const B = tf.tensor1d(Bv);
    const Tc = cutToeplitz(B, L, m, s);
    const want: number[] = [];
    for (let k = 0; k < G; k++) for (let j = 0; j < m; j++) want.push(j < k * s ? Math.fround(Bv[L - k * s + j]) : 0);
    expect(Tc.shape).toEqual([G, m]);
    expectClose(Tc, want, 0, 'Tc');
    tf.dispose([B, Tc]);
  });

  it('tileRows and columnSum: values and the column-sum gradient', () => {
    const v = rand([7], 3);
    const t = tileRows(v, 5);
    expectClose(t, tf.tile(tf.reshape(v, [1, 7]), [5, 1]), 0, 'tile');
    const dy = rand([5, 7], 4);
    const g = tf.grad((a: Tensor) => tf.sum(tf.mul(tileRows(a, 5), dy)))(v);
    expectClose(g, tf.sum(dy, 0), 1e-6, 'tile gradient');
    expectClose(columnSum(tf.reshape(v, [1, 7])), v, 0, 'one row');
    tf.dispose([v, t, dy, g]);
  });

  it('the first MNIST layer (784 → 64, dual_lphm (8, 784, 5), layer norm) against float64', () => {
    const m = 784, n = 64, p = 8, q = 784, r = 5;
    const D = m * (m + 1);
    const f = dualLphmReconciliation({ p, q, r });
    const l = f.calculateL(n, D);
    const wv = uniform(l, 61, -0.5, 0.5);
    const b = 2;
    const xv = uniform(b * m, 67, -2, 2);
    const s = n / p, t = D / q;
    let o = 0;
    const take = (rows: number, cols: number) => { const a = wv.slice(o, o + rows * cols); o += rows * cols; return a; };
    const P = take(p, r), Q = take(r, q), S = take(s, r), T = take(r, t);
    const A = new Float64Array(p * q);
    for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) for (let k = 0; k < r; k++) A[i * q + j] += P[i * r + k] * Q[k * q + j];
    const B = new Float64Array(s * t);
    for (let i = 0; i < s; i++) for (let j = 0; j < t; j++) for (let k = 0; k < r; k++) B[i * t + j] += S[i * r + k] * T[k * t + j];
    const L = B.length;
    const ref: number[] = [];
    for (let bi = 0; bi < b; bi++) {
      const x = xv.slice(bi * m, (bi + 1) * m);
      const kap = new Float64Array(D);
      for (let j = 0; j < m; j++) kap[j] = x[j];
      for (let a = 0; a < m; a++) for (let j = 0; j < m; j++) kap[m + a * m + j] = x[a] * x[j];
      let mu = 0; for (let j = 0; j < D; j++) mu += kap[j]; mu /= D;
      let vr = 0; for (let j = 0; j < D; j++) vr += (kap[j] - mu) ** 2; vr /= D;
      const sd = Math.sqrt(vr + 1e-5);
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) { const k = i * D + j; acc += ((kap[j] - mu) / sd) * A[Math.floor(k / L)] * B[k % L]; }
        ref.push(acc);
      }
    }
    const w = tf.tensor2d(wv, [1, l]);
    const x = tf.tensor2d(xv, [b, m]);
    const y = f.productFromInput!(x, fakeTaylor2('layer_norm'), w, n)!;
    expectClose(y, ref, 2e-5, 'fused vs float64');
    tf.dispose([w, x, y]);
  });
});

describe('grid contraction with the row sum on the same matMul', () => {
  it.each([false, true])('rowSum = %s: out = κ·Fᵀ and F·1 in values and gradients', (withSum) => {
    const m = 5, k = 4, D = m * (m + 1), b = 3;
    const F = rand([k, D], 71);
    const x = rand([b, m], 73);
    const fast = (Fv: Tensor, xv: Tensor) => {
      const r = taylor2Grid(xv, Fv, k, m, withSum);
      return withSum ? tf.concat([r.out, tf.reshape(r.rowSum!, [1, k])], 0) : r.out;
    };
    const plain = (Fv: Tensor, xv: Tensor) => {
      const out = tf.matMul(kappaOf(xv), tf.transpose(Fv));
      return withSum ? tf.concat([out, tf.reshape(tf.sum(Fv, 1), [1, k])], 0) : out;
    };
    compare2(fast, plain, F, x, 1e-5, 'grid');
    tf.dispose([F, x]);
  });
});

describe('layer-norm product (closed-form statistics, custom gradient)', () => {
  it('equals LN(κ(x))·Wᵀ in values and gradients (x, out, rowSum), also for a zero-variance row', () => {
    const m = 4, n = 3, D = m * (m + 1);
    const W = rand([n, D], 81);
    const xs = tf.concat([rand([3, m], 83), tf.zeros([1, m])], 0); // last row: κ = 0, variance 0
    const exp = fakeTaylor2('layer_norm');
    const fast = (Wv: Tensor, xv: Tensor) => layerNormProduct(xv, tf.matMul(kappaOf(xv), tf.transpose(Wv)), tf.sum(Wv, 1), D, 1e-5);
    const plain = (Wv: Tensor, xv: Tensor) => tf.matMul(exp.forward(xv), tf.transpose(Wv));
    compare2(fast, plain, W, xs, 1e-4, 'layer norm');
    tf.dispose([W, xs]);
  });
});

describe('training steps do not leak', () => {
  const cases = [
    { label: 'dual_lphm, Toeplitz path', f: dualLphmReconciliation({ p: 2, q: 8, r: 3 }), n: 8, m: 8 },
    { label: 'dual_lphm, routed path', f: dualLphmReconciliation({ p: 4, q: 21, r: 2 }), n: 4, m: 6 },
    { label: 'identity, grid', f: identityReconciliation(), n: 5, m: 6 },
    { label: 'lorr, grid', f: lorrReconciliation({ r: 2 }), n: 5, m: 6 },
  ];
  it.each(cases)('$label: forward and gradient leave no tensors behind', ({ f, n, m }) => {
    const D = m * (m + 1);
    const w = tf.variable(rand([1, f.calculateL(n, D)], 91));
    const x = tf.variable(rand([4, m], 93));
    const exp = fakeTaylor2('layer_norm');
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(f.productFromInput!(x, exp, w, n)!)) as tf.Scalar, [w, x]);
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
    };
    step(); // no caches are kept; the warm-up only mirrors how the bench measures
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x]);
  });
});

describe('one sample (b = 1): outer products with L | D through κ viewed [G, L]', () => {
  const one = [
    { label: 'dual_lphm, Toeplitz shape', f: dualLphmReconciliation({ p: 2, q: 6, r: 2 }), n: 4, m: 6 },
    { label: 'dual_lphm, routed shape', f: dualLphmReconciliation({ p: 4, q: 21, r: 2 }), n: 4, m: 6 },
    { label: 'dual_lphm, G = 1', f: dualLphmReconciliation({ p: 1, q: 6, r: 2 }), n: 6, m: 6 },
  ];
  describe.each(one)('$label', ({ f, n, m }) => {
    it.each(['none', 'layer_norm'] as const)('%s: values and gradients equal the materialised path', (post) => {
      const D = m * (m + 1);
      const exp = fakeTaylor2(post);
      const w = rand([1, f.calculateL(n, D)], 101);
      const x = rand([1, m], 103);
      compare2((wv, xv) => f.productFromInput!(xv, exp, wv, n)!, (wv, xv) => tf.matMul(exp.forward(xv), tf.transpose(f.forward(wv, n, D))), w, x, 1e-4, `b=1 ${post}`);
      const before = tf.memory().numTensors;
      f.productFromInput!(x, exp, w, n)!.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([w, x]);
    });
  });
});

describe('large batches are computed in chunks', () => {
  it.each([
    { label: 'dual_lphm, Toeplitz', f: dualLphmReconciliation({ p: 2, q: 6, r: 2 }), n: 4 },
    { label: 'identity, grid', f: identityReconciliation(), n: 3 },
  ])('$label: b = chunk + 3 equals the materialised path in values and gradients', ({ f, n }) => {
    const m = 6, D = m * (m + 1);
    const exp = fakeTaylor2('layer_norm');
    const w = rand([1, f.calculateL(n, D)], 111);
    const x = rand([FUSED_CHUNK_ROWS + 3, m], 113);
    compare2((wv, xv) => f.productFromInput!(xv, exp, wv, n)!, (wv, xv) => tf.matMul(exp.forward(xv), tf.transpose(f.forward(wv, n, D))), w, x, 1e-4, 'chunked');
    const before = tf.memory().numTensors;
    f.productFromInput!(x, exp, w, n)!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x]);
  });
});
