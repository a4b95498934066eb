import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { bsplineExpansion } from './recursive.js';
import { BSPLINE_BASIS_GRAD_KERNEL, BSPLINE_BASIS_KERNEL } from './bspline-kernel.js';
import { withFast } from './test-utils.js';


/** Values, the gradient of a weighted sum, and the kernels of the forward and the gradient. */
async function evaluate(settings: { lo: number; hi: number; t: number; d: number }, xv: number[], b: number, fast: boolean) {
  return withFast(fast, async () => {
    const { lo, hi, t, d } = settings;
    const m = xv.length / b;
    const f = bsplineExpansion({ gridRange: [lo, hi], t, d });
    const x = tf.tensor2d(xv, [b, m]);
    const r = tf.randomUniform([b, m * (t + d)], -1, 1, 'float32', 7);
    const loss = (u: tf.Tensor) => tf.sum(tf.mul(f.forward(u), r));
    const prof = await tf.profile(() => { const g = tf.grad(loss)(x); g.dispose(); });
    const y = f.forward(x);
    const g = tf.grad(loss)(x);
    const out = { y: Array.from(y.dataSync()), g: Array.from(g.dataSync()), kernels: prof.kernels.map((k) => k.name) };
    tf.dispose([x, r, y, g]);
    return out;
  });
}

/** Points spread over the support and beyond (a golden-ratio sequence), the knots, the grid's ends, and ±∞. */
function points(lo: number, hi: number, t: number, d: number, count: number): number[] {
  const h = (hi - lo) / t;
  const pts: number[] = [];
  for (let i = 0; i < count; i++) pts.push(lo - (d + 1.5) * h + ((hi - lo) + (2 * d + 3) * h) * ((i * 0.6180339887) % 1));
  for (let i = 0; i <= t + 2 * d; i++) pts.push((i - d) * h + lo);
  pts.push(Infinity, -Infinity);
  if (pts.length % 2) pts.push(lo);
  return pts;
}

const SETTINGS = [
  { lo: -1, hi: 1, t: 5, d: 3 }, { lo: -3, hi: 2, t: 3, d: 2 }, { lo: 0, hi: 1, t: 4, d: 1 },
  { lo: -2, hi: 2, t: 3, d: 4 }, { lo: -1, hi: 1, t: 2, d: 5 }, { lo: 10, hi: 20, t: 7, d: 3 },
];

describe('the one-kernel B-spline basis against the closed form (the plain path)', () => {
  afterEach(async () => { if (tf.getBackend() !== 'wasm') await setupBackend({ backend: 'wasm' }); });

  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(SETTINGS)(`${backend}: t=$t d=$d on [$lo, $hi]: values and input gradients agree, one kernel each way, no leaks`, async (s) => {
      await setupBackend({ backend });
      const pts = points(s.lo, s.hi, s.t, s.d, 58);
      const b = 2;
      const before = tf.memory().numTensors;
      const plain = await evaluate(s, pts, b, false);
      const fast = await evaluate(s, pts, b, true);
      expect(tf.memory().numTensors).toBe(before);
      // float32 tolerances as the golden README: |a − b| ≤ atol + rtol·|b|
      for (let i = 0; i < plain.y.length; i++) expect(Math.abs(fast.y[i] - plain.y[i]), `value ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(plain.y[i]));
      const h = (s.hi - s.lo) / s.t;
      const knots = new Set(Array.from({ length: s.t + 2 * s.d + 1 }, (_, i) => Math.fround((i - s.d) * h + s.lo)));
      const xs = Float32Array.from(pts);
      for (let i = 0; i < plain.g.length; i++) {
        // d = 1 slopes jump at knots and either side's slope is a subgradient: compare off the knots only
        if (s.d === 1 && knots.has(xs[i])) continue;
        expect(Math.abs(fast.g[i] - plain.g[i]), `gradient ${i} (x = ${xs[i]})`).toBeLessThanOrEqual((1e-5 + 1e-4 * Math.abs(plain.g[i])) / h);
      }
      expect(fast.kernels.filter((k) => k === BSPLINE_BASIS_KERNEL)).toHaveLength(1);
      expect(fast.kernels.filter((k) => k === BSPLINE_BASIS_GRAD_KERNEL)).toHaveLength(1);
      expect(plain.kernels).not.toContain(BSPLINE_BASIS_KERNEL);
      expect(fast.kernels.length).toBeLessThan(plain.kernels.length / 2);
    });
  }

  it('a NaN input gives NaN bases and a NaN gradient (not silent zeros)', async () => {
    const s = { lo: -1, hi: 1, t: 5, d: 3 };
    const fast = await evaluate(s, [0.3, Number.NaN], 1, true);
    expect(fast.y.slice(8).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(fast.g[1])).toBe(true);
    expect(fast.y.slice(0, 8).some((v) => v > 0)).toBe(true);
  });

  it('does not run the gradient kernel when the input needs no gradient (a first layer)', async () => {
    const f = bsplineExpansion({ t: 5, d: 3 });
    const x = tf.randomUniform([4, 6], -1, 1, 'float32', 3);
    const w = tf.variable(tf.randomNormal([6 * 8, 2], 0, 1, 'float32', 4));
    const prof = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.matMul(f.forward(x), w)) as tf.Scalar, [w]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = prof.kernels.map((k) => k.name);
    expect(names).toContain(BSPLINE_BASIS_KERNEL);
    expect(names).not.toContain(BSPLINE_BASIS_GRAD_KERNEL);
    tf.dispose([x, w]);
  });
});
