import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { LORR_PRODUCT_KERNEL, lorrProductKernel } from './lorr-kernel.js';
import { lorrReconciliation } from './lowrank.js';
import { expectClose, rand } from './test-utils.js';

/** (κ·Bᵀ)·Aᵀ in tfjs ops. */
function plain(kappa: Tensor, w: Tensor, n: number, r: number): Tensor {
  const D = kappa.shape[1] as number;
  const A = tf.reshape(tf.slice(w, [0], [r * n]), [n, r]);
  const B = tf.reshape(tf.slice(w, [r * n], [r * D]), [r, D]);
  return tf.matMul(tf.matMul(kappa, tf.transpose(B)), tf.transpose(A));
}

describe.each(['wasm', 'cpu'])('the small lorr product as one JS kernel (%s)', (backend) => {
  afterAll(async () => { await setupBackend({ backend: 'wasm' }); });

  // (b, D, n, r): config C's layers are (100, 22, 2, 1) and (100, 22, 1, 1)
  it.each([[100, 22, 2, 1], [100, 22, 1, 1], [7, 5, 3, 2], [1, 9, 4, 3]])('b=%i D=%i n=%i r=%i: values and gradients equal the tfjs-op path', async (b, D, n, r) => {
    await setupBackend({ backend });
    const kappa = rand([b, D], 3 + D), w = rand([r * (n + D)], 4 + n), dy = rand([b, n], 5);
    const loss = (f: typeof plain) => (k: Tensor, v: Tensor) => tf.sum(tf.mul(f(k, v, n, r), dy));
    tf.tidy(() => {
      expectClose(lorrProductKernel(kappa, w, n, r), plain(kappa, w, n, r), 1e-5, 'values');
      const g1 = tf.grads(loss(lorrProductKernel))([kappa, w]);
      const g2 = tf.grads(loss(plain))([kappa, w]);
      g1.forEach((g, i) => expectClose(g, g2[i], 1e-5, `gradient ${i}`));
    });
    tf.dispose([kappa, w, dy]);
  });

  it('lorr.product takes it for small products only (RPN_FAST_PATHS=0: the tfjs ops), with no tensor left behind', async () => {
    await setupBackend({ backend });
    const f = lorrReconciliation({ r: 1 });
    const names = async (b: number, D: number) => {
      const k = rand([b, D], 1), w = rand([1, f.calculateL(2, D)], 2);
      const before = tf.memory().numTensors;
      const prof = await tf.profile(() => { const g = tf.grads((kv: Tensor, wv: Tensor) => tf.sum(f.product!(kv, wv, 2)))([k, w]); tf.dispose(g); });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([k, w]);
      return prof.kernels.map((x) => x.name);
    };
    expect(await names(100, 22)).toContain(LORR_PRODUCT_KERNEL);
    expect(await names(100, 1000)).not.toContain(LORR_PRODUCT_KERNEL);
    const prev = process.env.RPN_FAST_PATHS;
    process.env.RPN_FAST_PATHS = '0';
    try { expect(await names(100, 22)).not.toContain(LORR_PRODUCT_KERNEL); } finally { if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev; }
  });
});
