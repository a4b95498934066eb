import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { layerNormProduct, layerNormProductOps } from './taylor.js';
import { LN_PRODUCT_KERNEL, layerNormProductKernel } from './ln-kernel.js';
import { expectClose, rand } from './test-utils.js';

/** Values and gradients (x, out, rowSum) of the JS kernel against the tfjs-op path on random data. */
function compareKernel(b: number, m: number, n: number, zeroRow: boolean, seed: number): void {
  const D = m * (m + 1);
  const x = zeroRow ? tf.concat([rand([b - 1, m], seed), tf.zeros([1, m])], 0) : rand([b, m], seed);
  const out = rand([b, n], seed + 1, -3, 3);
  const rowSum = rand([n], seed + 2, -2, 2);
  const dy = rand([b, n], seed + 3);
  const loss = (f: typeof layerNormProductOps) => (a: Tensor, o: Tensor, r: Tensor) => tf.sum(tf.mul(f(a, o, r, D, 1e-5), dy));
  const y1 = layerNormProductKernel(x, out, rowSum, D, 1e-5);
  const y2 = layerNormProductOps(x, out, rowSum, D, 1e-5);
  expectClose(y1, y2, 1e-5, 'values');
  const g1 = tf.grads(loss(layerNormProductKernel))([x, out, rowSum]);
  const g2 = tf.grads(loss(layerNormProductOps))([x, out, rowSum]);
  g1.forEach((g, i) => { expect(g.shape).toEqual(g2[i].shape); expectClose(g, g2[i], 1e-5, `gradient ${['x', 'out', 'rowSum'][i]}`); });
  tf.dispose([x, out, rowSum, dy, y1, y2, ...g1, ...g2]);
}

describe.each(['wasm', 'cpu'])('the layer-norm product as one JS kernel (%s)', (backend) => {
  afterAll(async () => { await setupBackend({ backend: 'wasm' }); });

  it.each([[5, 4, 3, false], [4, 6, 7, true], [64, 64, 10, false], [3, 784, 8, false]])('b=%i m=%i n=%i (zero row %s): values and gradients equal the tfjs-op path', async (b, m, n, zeroRow) => {
    await setupBackend({ backend });
    compareKernel(b, m, n, zeroRow, 17 + b + m);
  });

  it('is what layerNormProduct runs here: one kernel forward, one backward, and no tensor left behind', async () => {
    await setupBackend({ backend });
    const x = rand([4, 5], 7), out = rand([4, 3], 8), r = rand([3], 9);
    const before = tf.memory().numTensors;
    const prof = await tf.profile(() => { const g = tf.grads((a: Tensor, o: Tensor, s: Tensor) => tf.sum(layerNormProduct(a, o, s, 30, 1e-5)))([x, out, r]); tf.dispose(g); });
    const names = prof.kernels.map((k) => k.name);
    expect(names.filter((k) => k === LN_PRODUCT_KERNEL)).toHaveLength(1);
    expect(names).toContain('RpnLnProductGrad');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, out, r]);
  });

  it('RPN_FAST_PATHS=0 takes the tfjs-op path (no JS kernel)', async () => {
    await setupBackend({ backend });
    const prev = process.env.RPN_FAST_PATHS;
    process.env.RPN_FAST_PATHS = '0';
    try {
      const x = rand([4, 5], 7), out = rand([4, 3], 8), r = rand([3], 9);
      const prof = await tf.profile(() => layerNormProduct(x, out, r, 30, 1e-5));
      expect(prof.kernels.map((k) => k.name)).not.toContain(LN_PRODUCT_KERNEL);
      tf.dispose([x, out, r, prof.result as Tensor]);
    } finally {
      if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev;
    }
  });
});
