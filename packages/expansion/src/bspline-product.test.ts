import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { bsplineExpansion } from './recursive.js';
import { BSPLINE_BASIS_GRAD_KERNEL } from './bspline-kernel.js';
import { BSPLINE_PRODUCT_GRAD_W_KERNEL, BSPLINE_PRODUCT_KERNEL, bsplineIdentityProduct } from './bspline-product.js';
import { withFast } from './test-utils.js';


interface Case { lo: number; hi: number; t: number; d: number; b: number; m: number; n: number }

/** Inputs over the support and beyond (including outside the grid), seeded. */
function inputs(c: Case): tf.Tensor2D {
  const h = (c.hi - c.lo) / c.t;
  return tf.tidy(() => tf.add(tf.mul(tf.randomUniform([c.b, c.m], 0, 1, 'float32', 11), (c.hi - c.lo) + (2 * c.d + 2) * h), c.lo - (c.d + 1) * h)) as tf.Tensor2D;
}

/** y = κ(x)·Wᵀ and the gradients of Σ y⊙R in x and w: the fused product (fast) or the plain path (κ built by the closed form, W = reshape(w)). */
async function evaluate(c: Case, fast: boolean) {
  return withFast(fast, async () => {
    const K = c.t + c.d;
    const D = c.m * K;
    const f = bsplineExpansion({ gridRange: [c.lo, c.hi], t: c.t, d: c.d });
    const grid = { lo: c.lo, h: (c.hi - c.lo) / c.t, t: c.t, d: c.d };
    const x = inputs(c);
    const w = tf.randomNormal([c.n * D], 0, 1, 'float32', 12);
    const R = tf.randomUniform([c.b, c.n], -1, 1, 'float32', 13);
    const product = (xx: tf.Tensor, ww: tf.Tensor): tf.Tensor => {
      if (fast) {
        const y = bsplineIdentityProduct(xx, ww, c.n, grid);
        if (!y) throw new Error('fused product unavailable');
        return y;
      }
      return tf.matMul(f.forward(xx), tf.transpose(tf.reshape(ww, [c.n, D])));
    };
    const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(product(xx, ww), R));
    const prof = await tf.profile(() => { tf.dispose(tf.grads(loss)([x, w])); });
    const y = tf.tidy(() => product(x, w));
    const [gx, gw] = tf.grads(loss)([x, w]);
    const out = { y: Array.from(y.dataSync()), gx: Array.from(gx.dataSync()), gw: Array.from(gw.dataSync()), gwShape: gw.shape, kernels: prof.kernels.map((k) => k.name), h: grid.h };
    tf.dispose([x, w, R, y, gx, gw]);
    return out;
  });
}

function expectClose(got: number[], want: number[], atol: number, rtol: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${what} ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(atol + rtol * Math.abs(want[i]));
}

const CASES: Case[] = [
  { lo: -1, hi: 1, t: 5, d: 3, b: 6, m: 9, n: 10 }, // config D's grid; n = 8 + 2 (a block of 8 rows and the rest); b·m = 54 (windows 4 at a time and a tail of 2)
  { lo: -1, hi: 1, t: 5, d: 3, b: 3, m: 201, n: 17 }, // inputs in chunks 98 + 98 + 5; rows 8 + 8 + 1
  { lo: -1, hi: 1, t: 5, d: 3, b: 3, m: 5, n: 3 }, // rows one at a time only
  { lo: -3, hi: 2, t: 3, d: 2, b: 4, m: 7, n: 8 },
  { lo: 0, hi: 1, t: 4, d: 1, b: 5, m: 6, n: 5 },
  { lo: -1, hi: 1, t: 1, d: 3, b: 4, m: 4, n: 4 }, // K = 4: every window is the whole block
  { lo: 10, hi: 20, t: 7, d: 3, b: 2, m: 3, n: 6 }, // m < 4: the windows one input at a time only
  { lo: -2, hi: 1, t: 6, d: 2, b: 5, m: 7, n: 9 },
];

describe('the fused B-spline × identity product against the plain κ(x)·Wᵀ', () => {
  afterEach(async () => { if (tf.getBackend() !== 'wasm') await setupBackend({ backend: 'wasm' }); });

  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(CASES)(`${backend}: t=$t d=$d b=$b m=$m n=$n: values and gradients (x and w) agree, no leaks`, async (c) => {
      await setupBackend({ backend });
      const before = tf.memory().numTensors;
      const plain = await evaluate(c, false);
      const fast = await evaluate(c, true);
      expect(tf.memory().numTensors).toBe(before);
      // float32 tolerances of the golden README (forward 1e-5 + 1e-6, gradients 1e-4 + 1e-5), scaled by the sums' size
      const scale = Math.sqrt(c.m * 4);
      expectClose(fast.y, plain.y, 1e-6 * scale, 1e-5, 'y');
      expectClose(fast.gw, plain.gw, 1e-5 * scale, 1e-4, 'dw');
      if (c.d > 1) expectClose(fast.gx, plain.gx, (1e-5 * scale) / fast.h, 1e-4, 'dx');
      expect(fast.gwShape).toEqual([c.n * c.m * (c.t + c.d)]);
      expect(fast.kernels).toContain(BSPLINE_PRODUCT_KERNEL);
      expect(fast.kernels).toContain(BSPLINE_PRODUCT_GRAD_W_KERNEL);
      expect(plain.kernels).not.toContain(BSPLINE_PRODUCT_KERNEL);
    });
  }

  it('d = 1: the input gradient agrees off the knots (the slope jumps there)', async () => {
    const c = CASES[3];
    const plain = await evaluate(c, false);
    const fast = await evaluate(c, true);
    // random inputs hit a knot with probability 0; both sides take the same half-open convention anyway
    expectClose(fast.gx, plain.gx, 1e-5 * Math.sqrt(c.m * 4) / fast.h, 1e-4, 'dx');
  });

  it('computes no input gradient (no dy·W, no basis derivative) when only w needs one, as in a first layer', async () => {
    const c = CASES[0];
    const grid = { lo: c.lo, h: (c.hi - c.lo) / c.t, t: c.t, d: c.d };
    const x = inputs(c);
    const w = tf.variable(tf.randomNormal([c.n * c.m * 8], 0, 1, 'float32', 2));
    const prof = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(bsplineIdentityProduct(x, w, c.n, grid)!) as tf.Scalar, [w]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = prof.kernels.map((k) => k.name);
    expect(names).toContain(BSPLINE_PRODUCT_GRAD_W_KERNEL);
    expect(names).not.toContain(BSPLINE_BASIS_GRAD_KERNEL);
    expect(names).not.toContain('BatchMatMul');
    tf.dispose([x, w]);
  });

  it('the windows are no kernel output: the product has one output, and its gradient owes the windows nothing', async () => {
    const c = CASES[0];
    const grid = { lo: c.lo, h: (c.hi - c.lo) / c.t, t: c.t, d: c.d };
    const x = tf.variable(inputs(c));
    const w = tf.variable(tf.randomNormal([c.n * c.m * 8], 0, 1, 'float32', 2));
    const before = tf.memory().numTensors;
    const prof = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(bsplineIdentityProduct(x, w, c.n, grid)!) as tf.Scalar, [x, w]);
      expect(Object.keys(grads).sort()).toEqual([x.name, w.name].sort());
      tf.dispose([value, ...Object.values(grads)]);
    });
    const product = prof.kernels.filter((k) => k.name === BSPLINE_PRODUCT_KERNEL);
    expect(product).toHaveLength(1);
    expect(product[0].outputShapes).toEqual([[c.b, c.n]]);
    expect(product[0].inputShapes).toEqual([[c.b, c.m], [c.n * c.m * 8], [c.b, 5 * c.m]]);
    expect(prof.kernels.find((k) => k.name === BSPLINE_PRODUCT_GRAD_W_KERNEL)!.inputShapes).toEqual([[c.b, c.n], [c.b, 5 * c.m]]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: every sample's term is in dW (scaling one sample's dy changes dW beyond the tolerances) and in its own dx only`, async () => {
      await setupBackend({ backend });
      const c = CASES[0];
      const grid = { lo: c.lo, h: (c.hi - c.lo) / c.t, t: c.t, d: c.d };
      const x = inputs(c);
      const w = tf.randomNormal([c.n * c.m * 8], 0, 1, 'float32', 12);
      const R = tf.randomUniform([c.b, c.n], -1, 1, 'float32', 13);
      const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(bsplineIdentityProduct(xx, ww, c.n, grid)!, R));
      const [gx, gw] = tf.grads(loss)([x, w]);
      // one sample's dy scaled: the weight gradient must change where that sample's windows are, and nowhere else
      const scaleRow0 = tf.tensor2d(Array.from({ length: c.b }, (_, r) => [r === 0 ? 3 : 1]));
      const R2 = tf.mul(R, scaleRow0);
      const loss2 = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(bsplineIdentityProduct(xx, ww, c.n, grid)!, R2));
      const [gx2, gw2] = tf.grads(loss2)([x, w]);
      const dgw = tf.tidy(() => tf.max(tf.abs(tf.sub(gw2, gw))).dataSync()[0]);
      expect(dgw).toBeGreaterThan(1e-5 * Math.sqrt(c.m * 4) + 1e-4 * tf.tidy(() => tf.max(tf.abs(gw)).dataSync()[0]));
      const dgx0 = tf.tidy(() => tf.max(tf.abs(tf.slice(tf.sub(gx2, gx), [0, 0], [1, c.m]))).dataSync()[0]);
      expect(dgx0).toBeGreaterThan(1e-3);
      const dgx = tf.tidy(() => tf.max(tf.abs(tf.slice(tf.sub(gx2, gx), [1, 0], [c.b - 1, c.m]))).dataSync()[0]);
      expect(dgx).toBe(0); // the other samples' input gradients are untouched
      tf.dispose([x, w, R, R2, scaleRow0, gx, gw, gx2, gw2]);
    });
  }

  it('NaN inputs give NaN outputs (not silent zeros)', () => {
    const x = tf.tensor2d([[0.5, Number.NaN]]);
    const w = tf.ones([2 * 2 * 8]);
    const y = bsplineIdentityProduct(x, w, 2, { lo: -1, h: 0.4, t: 5, d: 3 })!;
    expect(Array.from(y.dataSync()).every(Number.isNaN)).toBe(true);
    tf.dispose([x, w, y]);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: windows 4 at a time: NaN rows give NaN, ±∞ and inputs outside the grid give zero bases`, async () => {
      await setupBackend({ backend });
      const g = { lo: -1, h: 0.4, t: 5, d: 3 };
      // m = 6, b = 3: the windows go 4 at a time (18 = 4·4 + 2), with NaN, ±∞ and far inputs in the vector lanes
      const x = tf.tensor2d([[0.3, Number.NaN, -0.7, 0.1, 0.9, -0.2], [Infinity, 0.5, -Infinity, 0.25, -5, 7], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]);
      const xFar = tf.tensor2d([[0.3, 0, -0.7, 0.1, 0.9, -0.2], [1e6, 0.5, -1e6, 0.25, -5, 7], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]);
      const w = tf.randomNormal([4 * 6 * 8], 0, 1, 'float32', 5);
      const y = bsplineIdentityProduct(x, w, 4, g)!;
      const yFar = bsplineIdentityProduct(xFar, w, 4, g)!;
      const [v, vf] = [Array.from(y.dataSync()), Array.from(yFar.dataSync())];
      expect(v.slice(0, 4).every(Number.isNaN)).toBe(true);
      expect(v.slice(4)).toEqual(vf.slice(4));
      tf.dispose([x, xFar, w, y, yFar]);
    });
  }

  it('is not taken (null) for d > 3, for t + d < 4, or with RPN_FAST_PATHS=0', async () => {
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, 3]);
    tf.tidy(() => {
      expect(bsplineIdentityProduct(x, tf.zeros([2 * 3 * 9]), 2, { lo: -1, h: 0.4, t: 5, d: 4 })).toBeNull();
      expect(bsplineIdentityProduct(x, tf.zeros([2 * 3 * 3]), 2, { lo: -1, h: 1, t: 2, d: 1 })).toBeNull();
    });
    const w = tf.zeros([2 * 3 * 8]);
    await withFast(false, () => expect(bsplineIdentityProduct(x, w, 2, { lo: -1, h: 0.4, t: 5, d: 3 })).toBeNull());
    tf.dispose([x, w]);
    expect(tf.memory().numTensors).toBe(before);
  });

});
