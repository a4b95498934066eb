import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { cutToeplitz, cutToeplitzOps } from './taylor.js';
import { CUT_TOEPLITZ_KERNEL, cutToeplitzKernel } from './cut-kernel.js';
import { expectClose, rand } from './test-utils.js';

describe.each(['wasm', 'cpu'])('the cut Toeplitz matrix as one JS kernel (%s)', (backend) => {
  afterAll(async () => { await setupBackend({ backend: 'wasm' }); });

  // (m, s): L = s(m+1); the MNIST layers are (784, 8) and (64, 8)
  it.each([[6, 1], [6, 2], [8, 4], [12, 3], [784, 8], [64, 8]])('m=%i s=%i: values and gradients equal the tfjs-op path', async (m, s) => {
    await setupBackend({ backend });
    const L = s * (m + 1);
    const B = rand([L], 3 + m + s), dy = rand([m / s, m], 4 + m);
    const loss = (f: typeof cutToeplitzOps) => (v: Tensor) => tf.sum(tf.mul(f(v, L, m, s), dy));
    tf.tidy(() => {
      expectClose(cutToeplitzKernel(B, L, m, s), cutToeplitzOps(B, L, m, s), 0, 'values');
      expectClose(tf.grad(loss(cutToeplitzKernel))(B), tf.grad(loss(cutToeplitzOps))(B), 1e-6, 'gradient');
    });
    tf.dispose([B, dy]);
  });

  it('cutToeplitz runs it here (RPN_FAST_PATHS=0: the tfjs ops) and leaves no tensor behind', async () => {
    await setupBackend({ backend });
    const B = rand([14], 1);
    const before = tf.memory().numTensors;
    const names = async () => (await tf.profile(() => { const g = tf.grad((v: Tensor) => tf.sum(cutToeplitz(v, 14, 6, 2)))(B); g.dispose(); })).kernels.map((k) => k.name);
    expect(await names()).toContain(CUT_TOEPLITZ_KERNEL);
    expect(tf.memory().numTensors).toBe(before);
    const prev = process.env.RPN_FAST_PATHS;
    process.env.RPN_FAST_PATHS = '0';
    try { expect(await names()).not.toContain(CUT_TOEPLITZ_KERNEL); } finally { if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev; }
    B.dispose();
  });
});
