import * as tf from '@tensorflow/tfjs-core';
import { registerJsKernel, runJsKernel } from '@rpn/core';
import type { Tensor } from '@tensorflow/tfjs-core';

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

/** Σ of A's rows viewed `[n, G]` (G = pq/n) into `out`, and ΣB as the return value. */
function rowTotals(A: Float32Array, B: Float32Array, n: number, out: Float64Array): number {
  const G = A.length / n;
  for (let i = 0; i < n; i++) { let acc = 0; for (let u = 0; u < G; u++) acc += A[i * G + u]; out[i] = acc; }
  let sb = 0;
  for (let v = 0; v < B.length; v++) sb += B[v];
  return sb;
}

function register(): void {
  // attribute n > 0: a third output, rowSum = (Σ_u Â[i, u])·ΣB with Â = reshape(A, [n, pq/n]) (W·1 of W = outer(A, B) as [n, D]); n = 0: [1], zero
  registerJsKernel(DUAL_FACTORS_KERNEL, ['w'], (_s, a) => [[a.p * a.q], [a.s * a.t], [a.n > 0 ? a.n : 1]], ([w], [A, B, R], a) => {
    const [o1, o2, o3] = offsets(a);
    product(w, 0, o1, a.p, a.r, a.q, A);
    product(w, o2, o3, a.s, a.r, a.t, B);
    if (a.n > 0) {
      const rows = new Float64Array(a.n);
      const sb = rowTotals(A, B, a.n, rows);
      for (let i = 0; i < a.n; i++) R[i] = rows[i] * sb;
    } else R[0] = 0;
  });
  registerJsKernel(DUAL_FACTORS_GRAD_KERNEL, ['dA', 'dB', 'dR', 'w'], (s) => [s[3]], ([dA0, dB0, dR, w], [dw], a) => {
    const [o1, o2, o3] = offsets(a);
    let dA = dA0;
    let dB = dB0;
    if (a.n > 0) {
      // rowSum_i = rows_i·ΣB: dA[i, u] += dR_i·ΣB, dB[v] += Σ_i dR_i·rows_i
      const A = new Float32Array(a.p * a.q);
      const B = new Float32Array(a.s * a.t);
      product(w, 0, o1, a.p, a.r, a.q, A);
      product(w, o2, o3, a.s, a.r, a.t, B);
      const rows = new Float64Array(a.n);
      const sb = rowTotals(A, B, a.n, rows);
      const G = A.length / a.n;
      dA = Float32Array.from(dA0);
      dB = Float32Array.from(dB0);
      let db = 0;
      for (let i = 0; i < a.n; i++) { db += dR[i] * rows[i]; for (let u = 0; u < G; u++) dA[i * G + u] += dR[i] * sb; }
      for (let v = 0; v < dB.length; v++) dB[v] += db;
    }
    productGrad(w, dA, 0, o1, a.p, a.r, a.q, dw);
    productGrad(w, dB, o2, o3, a.s, a.r, a.t, dw);
  });
  tf.registerGradient({
    kernelName: DUAL_FACTORS_KERNEL,
    inputsToSave: ['w'],
    gradFunc: (dy, saved, attrs) => {
      const [dA, dB, dR] = dy as Tensor[];
      const [dw] = runJsKernel(DUAL_FACTORS_GRAD_KERNEL, { dA, dB, dR, w: saved[0] }, attrs as unknown as Record<string, number>);
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
 * With `n` (n | pq) it also gives the row sums `W·1 = (Σ_u Â[i, u])·ΣB` (Â = reshape(A, [n, pq/n]))
 * that the layer-norm fast path needs, else `undefined`.
 */
export function dualLphmFactorsKernel(w: Tensor, p: number, q: number, s: number, t: number, r: number, n = 0): [Tensor, Tensor, Tensor | undefined] {
  if (!ready) { register(); ready = true; }
  if (n > 0 && (p * q) % n !== 0) n = 0;
  const [A, B, R] = runJsKernel(DUAL_FACTORS_KERNEL, { w }, { p, q, s, t, r, n });
  return [A, B, n > 0 ? R : undefined];
}
