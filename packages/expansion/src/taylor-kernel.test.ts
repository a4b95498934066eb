import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { taylorExpansion } from './polynomial.js';
import { TAYLOR2_GRAD_KERNEL, TAYLOR2_KERNEL, TAYLOR2_KERNEL_MAX, taylor2GradInto } from './taylor-kernel.js';
import { withFast } from './test-utils.js';

/** Values, the gradient of a weighted sum of κ(x) (so dy is not all ones), and the kernels of both. */
async function evaluate(xv: number[], b: number, fast: boolean) {
  return withFast(fast, async () => {
    const m = xv.length / b;
    const f = taylorExpansion({ d: 2 });
    const x = tf.tensor2d(xv, [b, m]);
    const r = tf.randomUniform([b, m + m * m], -1, 1, 'float32', 11);
    const loss = (u: tf.Tensor) => tf.sum(tf.mul(f.forward(u), r));
    const prof = await tf.profile(() => { const g = tf.grad(loss)(x); g.dispose(); });
    const y = f.forward(x);
    const g = tf.grad(loss)(x);
    const out = { y: Array.from(y.dataSync()), g: Array.from(g.dataSync()), kernels: prof.kernels.map((k) => k.name) };
    tf.dispose([x, r, y, g]);
    return out;
  });
}

const inputs = (n: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(((i * 0.6180339887) % 1) * 4 - 2));

describe('the one-kernel order-2 Taylor expansion against the pad/outer-product path', () => {
  afterEach(async () => { if (tf.getBackend() !== 'wasm') await setupBackend({ backend: 'wasm' }); });

  for (const backend of ['wasm', 'cpu'] as const) {
    for (const [b, m] of [[100, 2], [3, 5], [1, 1], [7, 11]] as const) {
      it(`${backend}: b=${b}, m=${m}: the same values bit for bit, the same input gradient (float32), one kernel each way, no leaks`, async () => {
        await setupBackend({ backend });
        const xv = inputs(b * m);
        const before = tf.memory().numTensors;
        const plain = await evaluate(xv, b, false);
        const fast = await evaluate(xv, b, true);
        expect(tf.memory().numTensors).toBe(before);
        expect(fast.y).toEqual(plain.y);
        for (let i = 0; i < plain.g.length; i++) expect(Math.abs(fast.g[i] - plain.g[i]), `gradient ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(plain.g[i]));
        expect(fast.kernels.filter((k) => k === TAYLOR2_KERNEL)).toHaveLength(1);
        expect(fast.kernels.filter((k) => k === TAYLOR2_GRAD_KERNEL)).toHaveLength(1);
        expect(plain.kernels).not.toContain(TAYLOR2_KERNEL);
        expect(fast.kernels.length).toBeLessThan(plain.kernels.length);
      });
    }
  }

  it('the gradient formula against hand-computed values: dx_j = dy_j + Σ_k (dy_jk + dy_kj)·x_k', () => {
    // m = 2, x = (2, 3), dy = [1, 10, | 100, 1000, 10000, 100000] for [x1, x2, x1x1, x1x2, x2x1, x2x2]
    const dx = new Float32Array(2);
    taylor2GradInto(Float32Array.from([2, 3]), Float32Array.from([1, 10, 100, 1000, 10000, 100000]), 2, dx);
    // dx1 = 1 + (100 + 100)·2 + (1000 + 10000)·3; dx2 = 10 + (10000 + 1000)·2 + (100000 + 100000)·3
    expect(Array.from(dx)).toEqual([1 + 400 + 33000, 10 + 22000 + 600000]);
  });

  it('large expansions keep the SIMD path, and NaN inputs give NaN values', async () => {
    const m = Math.ceil(Math.sqrt(TAYLOR2_KERNEL_MAX)); // b·(m + m²) > the limit at b = 1
    const big = await evaluate(inputs(m), 1, true);
    expect(big.kernels).not.toContain(TAYLOR2_KERNEL);
    const nan = await evaluate([0.5, Number.NaN], 1, true);
    expect(nan.y[0]).toBe(0.5);
    expect(Number.isNaN(nan.y[1]) && Number.isNaN(nan.y[3]) && Number.isNaN(nan.y[5])).toBe(true);
    expect(nan.y[2]).toBe(0.25);
  });
});
