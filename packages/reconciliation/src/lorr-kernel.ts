import * as tf from '@tensorflow/tfjs-core';
import { registerJsKernel, runJsKernel } from '@rpn/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Kernel name of the small low-rank product (forward). */
export const LORR_PRODUCT_KERNEL = 'RpnLorrProduct';
/** Kernel name of its gradient. */
export const LORR_PRODUCT_GRAD_KERNEL = 'RpnLorrProductGrad';

/**
 * Largest `b·D·r` (multiply-adds of κ·Bᵀ) the JS kernel takes. Its forward and backward do about
 * 4·b·D·r scalar multiply-adds, against ~12 tfjs kernels of dispatch (~10–40 µs each) for the
 * plain ops; above this the SIMD matMuls win (set from the scalar rate of ~1 GFLOP/s: 4·65,536
 * multiply-adds ≈ 0.3 ms, the dispatch cost of about a dozen kernels).
 */
export const LORR_KERNEL_MAX_WORK = 65_536;

/** Z = κ·Bᵀ (`[b, r]`), B = w[rn:] viewed `[r, D]`. */
function lowRank(k: Float32Array, w: Float32Array, b: number, D: number, n: number, r: number, Z: Float64Array): void {
  const o = r * n;
  for (let i = 0; i < b; i++) {
    for (let q = 0; q < r; q++) {
      let acc = 0;
      for (let j = 0; j < D; j++) acc += k[i * D + j] * w[o + q * D + j];
      Z[i * r + q] = acc;
    }
  }
}

function register(): void {
  registerJsKernel(LORR_PRODUCT_KERNEL, ['kappa', 'w'], (s, a) => [[s[0][0], a.n]], ([k, w], [y], { n, r }) => {
    const D = (w.length - r * n) / r;
    const b = k.length / D;
    const Z = new Float64Array(b * r);
    lowRank(k, w, b, D, n, r, Z);
    for (let i = 0; i < b; i++) {
      for (let c = 0; c < n; c++) {
        let acc = 0;
        for (let q = 0; q < r; q++) acc += Z[i * r + q] * w[c * r + q];
        y[i * n + c] = acc;
      }
    }
  });
  registerJsKernel(LORR_PRODUCT_GRAD_KERNEL, ['dy', 'kappa', 'w'], (s) => [s[1], s[2]], ([dy, k, w], [dk, dw], { n, r }) => {
    const D = (w.length - r * n) / r;
    const b = k.length / D;
    const o = r * n;
    const Z = new Float64Array(b * r);
    lowRank(k, w, b, D, n, r, Z);
    const dZ = new Float64Array(b * r); // dy·A
    for (let i = 0; i < b; i++) for (let q = 0; q < r; q++) { let acc = 0; for (let c = 0; c < n; c++) acc += dy[i * n + c] * w[c * r + q]; dZ[i * r + q] = acc; }
    for (let c = 0; c < n; c++) for (let q = 0; q < r; q++) { let acc = 0; for (let i = 0; i < b; i++) acc += dy[i * n + c] * Z[i * r + q]; dw[c * r + q] = acc; } // dA = dyᵀ·Z
    for (let q = 0; q < r; q++) for (let j = 0; j < D; j++) { let acc = 0; for (let i = 0; i < b; i++) acc += dZ[i * r + q] * k[i * D + j]; dw[o + q * D + j] = acc; } // dB = dZᵀ·κ
    for (let i = 0; i < b; i++) for (let j = 0; j < D; j++) { let acc = 0; for (let q = 0; q < r; q++) acc += dZ[i * r + q] * w[o + q * D + j]; dk[i * D + j] = acc; } // dκ = dZ·B
  });
  tf.registerGradient({
    kernelName: LORR_PRODUCT_KERNEL,
    inputsToSave: ['kappa', 'w'],
    gradFunc: (dy, saved, attrs) => {
      const [dk, dw] = runJsKernel(LORR_PRODUCT_GRAD_KERNEL, { dy: dy as Tensor, kappa: saved[0], w: saved[1] }, attrs as unknown as Record<string, number>);
      return { kappa: () => dk, w: () => dw };
    },
  });
}

let ready = false;

/**
 * lorr's structured product `κ·(A·B)ᵀ = (κ·Bᵀ)·Aᵀ` (A = w[:rn] as `[n, r]`, B = w[rn:] as `[r, D]`,
 * tinyBIG's lorr_reconciliation) as one JS kernel with a one-kernel gradient, for small products
 * (b·D·r ≤ {@link LORR_KERNEL_MAX_WORK}); float64 sums. κ `[b, D]`, w of l = r(n + D) elements.
 */
export function lorrProductKernel(kappa: Tensor, w: Tensor, n: number, r: number): Tensor {
  if (!ready) { register(); ready = true; }
  return runJsKernel(LORR_PRODUCT_KERNEL, { kappa, w }, { n, r })[0];
}
