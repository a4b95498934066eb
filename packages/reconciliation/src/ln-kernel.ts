import * as tf from '@tensorflow/tfjs-core';
import { registerJsKernel, runJsKernel } from '@rpn/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Kernel name of the fused layer-norm product (forward). */
export const LN_PRODUCT_KERNEL = 'RpnLnProduct';
/** Kernel name of its gradient (dx, d out, d rowSum in one pass). */
export const LN_PRODUCT_GRAD_KERNEL = 'RpnLnProductGrad';

/**
 * Per row of x (`[b, m]`): S1 = Σx, S2 = Σx², μ = (S1 + S1²)/D, v = (S2 + S2²)/D − μ², σ = √(max(v, 0) + ε),
 * the closed-form statistics of κ(x) = [x, vec(x⊗x)]. Written to `st` as [S1, S2, μ, v, σ].
 */
function rowStats(x: Float32Array, row: number, m: number, D: number, eps: number, st: Float64Array): void {
  let s1 = 0;
  let s2 = 0;
  const o = row * m;
  for (let j = 0; j < m; j++) { const v = x[o + j]; s1 += v; s2 += v * v; }
  const mean = (s1 + s1 * s1) / D;
  const v = (s2 + s2 * s2) / D - mean * mean;
  st[0] = s1; st[1] = s2; st[2] = mean; st[3] = v; st[4] = Math.sqrt(Math.max(v, 0) + eps);
}

function register(): void {
  registerJsKernel(LN_PRODUCT_KERNEL, ['x', 'out', 'rowSum'], (s) => [s[1]], ([x, O, R], [y], { D, eps }) => {
    const n = R.length;
    const b = O.length / n;
    const m = x.length / b;
    const st = new Float64Array(5);
    for (let r = 0; r < b; r++) {
      rowStats(x, r, m, D, eps, st);
      const mean = st[2], std = st[4];
      for (let i = 0, o = r * n; i < n; i++) y[o + i] = (O[o + i] - mean * R[i]) / std;
    }
  });
  registerJsKernel(LN_PRODUCT_GRAD_KERNEL, ['dy', 'x', 'out', 'rowSum'], (s) => [s[1], s[2], s[3]], ([dy, x, O, R], [dx, dO, dR], { D, eps }) => {
    const n = R.length;
    const b = O.length / n;
    const m = x.length / b;
    const st = new Float64Array(5);
    const acc = new Float64Array(n);
    for (let r = 0; r < b; r++) {
      rowStats(x, r, m, D, eps, st);
      const [s1, s2, mean, v, std] = st;
      let dMean = 0;
      let dyY = 0;
      for (let i = 0, o = r * n; i < n; i++) {
        const g = dy[o + i] / std;
        dO[o + i] = g;
        acc[i] -= g * mean;
        dMean -= g * R[i];
        dyY += dy[o + i] * ((O[o + i] - mean * R[i]) / std);
      }
      const dStd = -dyY / std;
      const dVar = v > 0 ? dStd / (2 * std) : 0;
      const dS1 = ((dMean - 2 * mean * dVar) * (1 + 2 * s1)) / D;
      const dS2 = (dVar * (1 + 2 * s2)) / D;
      for (let j = 0, o = r * m; j < m; j++) dx[o + j] = dS1 + 2 * x[o + j] * dS2;
    }
    for (let i = 0; i < n; i++) dR[i] = acc[i];
  });
  tf.registerGradient({
    kernelName: LN_PRODUCT_KERNEL,
    inputsToSave: ['x', 'out', 'rowSum'],
    gradFunc: (dy, saved, attrs) => {
      const [x, out, rowSum] = saved;
      // one kernel for the three gradients, run here (each thunk runs in its own tidy)
      const [dx, dOut, dR] = runJsKernel(LN_PRODUCT_GRAD_KERNEL, { dy: dy as Tensor, x, out, rowSum }, attrs as unknown as Record<string, number>);
      return { x: () => dx, out: () => dOut, rowSum: () => dR };
    },
  });
}

let ready = false;

/**
 * `(out − μ·rowSumᵀ)/σ` (the layer-normalised product `LN(κ(x))·Wᵀ`, tinyBIG's taylor_expansion
 * with a no-affine LayerNorm followed by the reconciliation) as one JS kernel, with a one-kernel
 * gradient; μ, σ are the closed-form statistics of κ(x) (see `layerNormStats`). Float64 inside,
 * float32 out. x `[b, m]`, out `[b, n]`, rowSum `[n]` (any shape of n elements).
 */
export function layerNormProductKernel(x: Tensor, out: Tensor, rowSum: Tensor, D: number, eps: number): Tensor {
  if (!ready) { register(); ready = true; }
  return runJsKernel(LN_PRODUCT_KERNEL, { x, out, rowSum }, { D, eps })[0];
}
