import * as tf from '@tensorflow/tfjs-core';
import { registerJsKernel, runJsKernel } from '@rpn/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Kernel name of the Toeplitz path's block reduction (forward). */
export const BLOCK_REDUCE_KERNEL = 'RpnBlockReduce';
/** Kernel name of its gradient. */
export const BLOCK_REDUCE_GRAD_KERNEL = 'RpnBlockReduceGrad';

function register(): void {
  // H [m+1, b], X [m, b], P [G, b] → Y [G, b]; x̃ row a is 1 for a = 0, else X row a−1
  registerJsKernel(BLOCK_REDUCE_KERNEL, ['H', 'X', 'P'], (s) => [s[2]], ([H, X, P], [Y], { m, s }) => {
    const G = m / s;
    const b = P.length / G;
    const xt = (a: number, c: number): number => (a === 0 ? 1 : X[(a - 1) * b + c]);
    for (let k = 0; k < G; k++) {
      for (let c = 0; c < b; c++) {
        let acc = 0;
        for (let i = 0; i < s; i++) { const a = k * s + i; acc += xt(a, c) * H[a * b + c]; }
        if (k === G - 1) acc += xt(m, c) * H[m * b + c];
        acc -= xt(k * s, c) * P[k * b + c];
        if (k + 1 < G) acc += xt((k + 1) * s, c) * P[(k + 1) * b + c];
        Y[k * b + c] = acc;
      }
    }
  });
  registerJsKernel(BLOCK_REDUCE_GRAD_KERNEL, ['dY', 'H', 'X', 'P'], (s) => [s[1], s[2], s[3]], ([dY, H, X, P], [dH, dX, dP], { m, s }) => {
    const G = m / s;
    const b = P.length / G;
    for (let a = 0; a <= m; a++) {
      const k = a === m ? G - 1 : Math.floor(a / s);
      for (let c = 0; c < b; c++) {
        const d = dY[k * b + c];
        dH[a * b + c] = a === 0 ? d : d * X[(a - 1) * b + c];
        if (a > 0) dX[(a - 1) * b + c] = d * H[a * b + c];
      }
    }
    for (let k = 0; k < G; k++) {
      const a = k * s;
      for (let c = 0; c < b; c++) {
        const dPp = (k >= 1 ? dY[(k - 1) * b + c] : 0) - dY[k * b + c];
        dP[k * b + c] = a === 0 ? dPp : dPp * X[(a - 1) * b + c];
        if (a > 0) dX[(a - 1) * b + c] += dPp * P[k * b + c];
      }
    }
  });
  tf.registerGradient({
    kernelName: BLOCK_REDUCE_KERNEL,
    inputsToSave: ['H', 'X', 'P'],
    gradFunc: (dy, saved, attrs) => {
      const [H, X, P] = saved;
      const [dH, dX, dP] = runJsKernel(BLOCK_REDUCE_GRAD_KERNEL, { dY: dy as Tensor, H, X, P }, attrs as unknown as Record<string, number>);
      return { H: () => dH, X: () => dX, P: () => dP };
    },
  });
}

let ready = false;

/**
 * The block reduction of the Toeplitz path (`blockReduce`) as one JS kernel with a one-kernel
 * gradient: from `Hᵀ` (`[m+1, b]`), `xᵀ` (`[m, b]`) and the cut pieces `Pᵀ` (`[G, b]`, G = m/s ≥ 2),
 * `Y_k = Σ_{i<s} x̃_{ks+i}H_{ks+i} (+ x̃_m H_m for k = G−1) − x̃_{ks}P_k + x̃_{(k+1)s}P_{k+1}`, x̃ = [1, x].
 */
export function blockReduceKernel(HT: Tensor, xT: Tensor, PT: Tensor, m: number, s: number): Tensor {
  if (!ready) { register(); ready = true; }
  return runJsKernel(BLOCK_REDUCE_KERNEL, { H: HT, X: xT, P: PT }, { m, s })[0];
}
