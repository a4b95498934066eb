import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DUAL_FACTORS_KERNEL, dualLphmFactorsKernel } from './factor-kernel.js';
import { dualLphmReconciliation } from './lowrank.js';
import { expectClose, fakeTaylor2, rand } from './test-utils.js';

/** The factors in tfjs ops (split, reshape, matMul): A = vec(P·Q), B = vec(S·T). */
function plainFactors(w: Tensor, p: number, q: number, s: number, t: number, r: number): [Tensor, Tensor] {
  const [P, Q, S, T] = tf.split(tf.reshape(w, [-1]), [p * r, r * q, s * r, r * t]);
  return [tf.reshape(tf.matMul(tf.reshape(P, [p, r]), tf.reshape(Q, [r, q])), [-1]), tf.reshape(tf.matMul(tf.reshape(S, [s, r]), tf.reshape(T, [r, t])), [-1])];
}

describe.each(['wasm', 'cpu'])('dual_lphm factors as one JS kernel (%s)', (backend) => {
  afterAll(async () => { await setupBackend({ backend: 'wasm' }); });

  it.each([[2, 3, 4, 5, 1, false], [8, 784, 8, 785, 5, true], [2, 64, 5, 65, 5, false], [3, 2, 2, 7, 3, true]])('p=%i q=%i s=%i t=%i r=%i (w as [1, l]: %s): values and gradients equal the tfjs-op path', async (p, q, s, t, r, row) => {
    await setupBackend({ backend });
    const l = r * (p + q + s + t);
    const w = rand(row ? [1, l] : [l], 5 + p + q);
    const dA = rand([p * q], 6), dB = rand([s * t], 7);
    const [A1, B1] = dualLphmFactorsKernel(w, p, q, s, t, r);
    const [A2, B2] = plainFactors(w, p, q, s, t, r);
    expectClose(A1, A2, 1e-6, 'A');
    expectClose(B1, B2, 1e-6, 'B');
    const loss = (f: (v: Tensor, ...dims: number[]) => (Tensor | undefined)[], useB: boolean) => (v: Tensor) => { const [A, B] = f(v, p, q, s, t, r) as Tensor[]; const a = tf.sum(tf.mul(A, dA)); return useB ? tf.add(a, tf.sum(tf.mul(B, dB))) : a; };
    for (const useB of [true, false]) {
      const g1 = tf.grad(loss(dualLphmFactorsKernel, useB))(w);
      const g2 = tf.grad(loss(plainFactors, useB))(w);
      expect(g1.shape).toEqual(w.shape);
      expectClose(g1, g2, 1e-5, `gradient (B used: ${useB})`);
      tf.dispose([g1, g2]);
    }
    tf.dispose([w, dA, dB, A1, B1, A2, B2]);
  });

  it.each([[8, 784, 8, 785, 5, 64], [2, 8, 4, 9, 3, 8], [2, 6, 5, 7, 3, 3]])('p=%i q=%i s=%i t=%i r=%i with the row sums W·1 for n=%i: values and gradients equal the tfjs-op path', async (p, q, s, t, r, n) => {
    await setupBackend({ backend });
    const l = r * (p + q + s + t);
    const w = rand([1, l], 11 + n);
    const dA = rand([p * q], 12), dB = rand([s * t], 13), dR = rand([n], 14);
    const G = (p * q) / n;
    const withRows = (f: (v: Tensor) => Tensor[]) => (v: Tensor) => { const [A, B, R] = f(v); return tf.addN([tf.sum(tf.mul(A, dA)), tf.sum(tf.mul(B, dB)), tf.sum(tf.mul(R, dR))]); };
    const fast = (v: Tensor) => dualLphmFactorsKernel(v, p, q, s, t, r, n) as Tensor[];
    const ref = (v: Tensor) => { const [A, B] = plainFactors(v, p, q, s, t, r); return [A, B, tf.mul(tf.sum(tf.reshape(A, [n, G]), 1), tf.sum(B))]; };
    tf.tidy(() => {
      expectClose(fast(w)[2], ref(w)[2], 1e-5, 'row sums');
      expectClose(tf.grad(withRows(fast))(w), tf.grad(withRows(ref))(w), 1e-5, 'gradient');
    });
    tf.dispose([w, dA, dB, dR]);
  });

  // (p, q, m, n): L | D (Toeplitz path); L ∤ D and D ∤ L (W built by psiFast, then the grid contraction)
  it.each([[2, 8, 8, 8], [2, 6, 6, 10]])('the fused dual_lphm layer (p=%i q=%i m=%i n=%i) uses it and equals the plain W = ψ(w) product, leaving no tensor behind', async (p, q, m, n) => {
    await setupBackend({ backend });
    const f = dualLphmReconciliation({ p, q, r: 3 });
    const D = m * (m + 1);
    const w = rand([1, f.calculateL(n, D)], 31);
    const x = rand([5, m], 33);
    const exp = fakeTaylor2('layer_norm');
    const before = tf.memory().numTensors;
    const prof = await tf.profile(() => f.productFromInput!(x, exp, w, n)!);
    expect(prof.kernels.map((k) => k.name)).toContain(DUAL_FACTORS_KERNEL);
    const fastLoss = (wv: Tensor, xv: Tensor) => tf.sum(tf.square(f.productFromInput!(xv, exp, wv, n)!));
    const plainLoss = (wv: Tensor, xv: Tensor) => tf.sum(tf.square(tf.matMul(exp.forward(xv), tf.transpose(f.forward(wv, n, D)))));
    tf.tidy(() => {
      expectClose(prof.result as Tensor, tf.matMul(exp.forward(x), tf.transpose(f.forward(w, n, D))), 1e-4, 'values');
      const g1 = tf.grads(fastLoss)([w, x]);
      const g2 = tf.grads(plainLoss)([w, x]);
      g1.forEach((g, i) => expectClose(g, g2[i], 1e-4, `gradient ${i}`));
    });
    (prof.result as Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x]);
  });
});
