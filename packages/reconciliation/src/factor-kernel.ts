import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { registerJsKernel, runJsKernel } from './js-kernel.js';

/** Kernel name of the dual-LPHM factors (forward). */
export const DUAL_FACTORS_KERNEL = 'RpnDualLphmFactors';
/** Kernel name of their gradient. */
export const DUAL_FACTORS_GRAD_KERNEL = 'RpnDualLphmFactorsGrad';

/** Offsets of P [p, r], Q [r, q], S [s, r], T [r, t] in w. */
function offsets(a: Record<string, number>): [number, number, number] {
  const o1 = a.p * a.r;
  const o2 = o1 + a.r * a.q;
  return [o1, o2, o2 + a.s * a.r];
}

/** `out[i·c + j] = Σ_k w[u + i·r + k]·w[v + k·c + j]` (rows × c, inner r). */
function product(w: Float32Array, u: number, v: number, rows: number, r: number, c: number, out: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < c; j++) {
      let acc = 0;
      for (let k = 0; k < r; k++) acc += w[u + i * r + k] * w[v + k * c + j];
      out[i * c + j] = acc;
    }
  }
}

/** Gradients of {@link product} from `d` (rows × c): into dw at u (d·Rᵀ) and at v (Lᵀ·d). */
function productGrad(w: Float32Array, d: Float32Array, u: number, v: number, rows: number, r: number, c: number, dw: Float32Array): void {
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < r; k++) {
      let acc = 0;
      for (let j = 0; j < c; j++) acc += d[i * c + j] * w[v + k * c + j];
      dw[u + i * r + k] = acc;
    }
  }
  for (let k = 0; k < r; k++) {
    for (let j = 0; j < c; j++) {
      let acc = 0;
      for (let i = 0; i < rows; i++) acc += w[u + i * r + k] * d[i * c + j];
      dw[v + k * c + j] = acc;
    }
  }
}

function register(): void {
  registerJsKernel(DUAL_FACTORS_KERNEL, ['w'], (_s, a) => [[a.p * a.q], [a.s * a.t]], ([w], [A, B], a) => {
    const [o1, o2, o3] = offsets(a);
    product(w, 0, o1, a.p, a.r, a.q, A);
    product(w, o2, o3, a.s, a.r, a.t, B);
  });
  registerJsKernel(DUAL_FACTORS_GRAD_KERNEL, ['dA', 'dB', 'w'], (s) => [s[2]], ([dA, dB, w], [dw], a) => {
    const [o1, o2, o3] = offsets(a);
    productGrad(w, dA, 0, o1, a.p, a.r, a.q, dw);
    productGrad(w, dB, o2, o3, a.s, a.r, a.t, dw);
  });
  tf.registerGradient({
    kernelName: DUAL_FACTORS_KERNEL,
    inputsToSave: ['w'],
    gradFunc: (dy, saved, attrs) => {
      const [dA, dB] = dy as Tensor[];
      const [dw] = runJsKernel(DUAL_FACTORS_GRAD_KERNEL, { dA, dB, w: saved[0] }, attrs as unknown as Record<string, number>);
      return { w: () => dw };
    },
  });
}

let ready = false;

/**
 * tinyBIG's dual_lphm factors from the flat parameters w (`[l]` or `[1, l]`, l = r(p + q + s + t)):
 * `A = vec(P·Q)` (`[pq]`), `B = vec(S·T)` (`[st]`) with P `[p, r]`, Q `[r, q]`, S `[s, r]`, T `[r, t]`
 * consecutive in w, as one JS kernel (float64 sums) whose gradient is one kernel too
 * (`dP = dA·Qᵀ`, `dQ = Pᵀ·dA`, `dS = dB·Tᵀ`, `dT = Sᵀ·dB`, written into one dw of w's shape).
 */
export function dualLphmFactorsKernel(w: Tensor, p: number, q: number, s: number, t: number, r: number): [Tensor, Tensor] {
  if (!ready) { register(); ready = true; }
  const [A, B] = runJsKernel(DUAL_FACTORS_KERNEL, { w }, { p, q, s, t, r });
  return [A, B];
}
