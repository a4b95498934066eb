import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { blockReduce, blockReduceOps } from './taylor.js';
import { BLOCK_REDUCE_KERNEL, blockReduceKernel } from './block-kernel.js';
import { expectClose, rand } from './test-utils.js';

describe.each(['wasm', 'cpu'])('the Toeplitz block reduction as one JS kernel (%s)', (backend) => {
  afterAll(async () => { await setupBackend({ backend: 'wasm' }); });

  // (m, s, b): G = m/s ≥ 2; s = 1 cuts every row; the MNIST layers are (784, 8, 64) and (64, 8, 64)
  it.each([[6, 1, 3], [6, 2, 4], [6, 3, 1], [8, 4, 5], [12, 3, 2], [784, 8, 64], [64, 8, 64]])('m=%i s=%i b=%i: values and gradients equal the tfjs-op path', async (m, s, b) => {
    await setupBackend({ backend });
    const G = m / s;
    const H = rand([m + 1, b], 3 + m), X = rand([m, b], 4 + s), P = rand([G, b], 5 + b), dY = rand([G, b], 6);
    const loss = (f: typeof blockReduceOps) => (h: Tensor, x: Tensor, p: Tensor) => tf.sum(tf.mul(f(h, x, p, m, s), dY));
    tf.tidy(() => {
      expectClose(blockReduceKernel(H, X, P, m, s), blockReduceOps(H, X, P, m, s), 1e-6, 'values');
      const g1 = tf.grads(loss(blockReduceKernel))([H, X, P]);
      const g2 = tf.grads(loss(blockReduceOps))([H, X, P]);
      g1.forEach((g, i) => expectClose(g, g2[i], 1e-6, `gradient ${'HXP'[i]}`));
    });
    tf.dispose([H, X, P, dY]);
  });

  it('blockReduce runs it here (RPN_FAST_PATHS=0: the tfjs ops) and leaves no tensor behind', async () => {
    await setupBackend({ backend });
    const H = rand([7, 3], 1), X = rand([6, 3], 2), P = rand([3, 3], 3);
    const before = tf.memory().numTensors;
    const names = async () => (await tf.profile(() => { const g = tf.grads((h: Tensor, x: Tensor, p: Tensor) => tf.sum(blockReduce(h, x, p, 6, 2)))([H, X, P]); tf.dispose(g); })).kernels.map((k) => k.name);
    expect(await names()).toContain(BLOCK_REDUCE_KERNEL);
    expect(tf.memory().numTensors).toBe(before);
    const prev = process.env.RPN_FAST_PATHS;
    process.env.RPN_FAST_PATHS = '0';
    try { expect(await names()).not.toContain(BLOCK_REDUCE_KERNEL); } finally { if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev; }
    tf.dispose([H, X, P]);
  });
});
