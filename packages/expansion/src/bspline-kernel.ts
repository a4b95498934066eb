import * as tf from '@tensorflow/tfjs-core';
import { jsKernelsAvailable, registerJsKernel, runJsKernel } from '@rpn/core';

/** Kernel name of the B-spline basis `x [b, m] → κ [b, m·(t + d)]` (wasm and cpu backends). */
export const BSPLINE_BASIS_KERNEL = 'RpnBsplineBasis';
/** Kernel name of its input gradient `(x [b, m], dy [b, m·(t + d)]) → dx [b, m]`. */
export const BSPLINE_BASIS_GRAD_KERNEL = 'RpnBsplineBasisGrad';

/** The uniform grid of a B-spline expansion: knots `g_i = lo + (i − d)·h`, i = 0..t+2d, degree d ≥ 1. */
export interface BsplineGrid {
  readonly lo: number;
  readonly h: number;
  readonly t: number;
  readonly d: number;
}

/**
 * The d + 1 nonzero bases at one input, from its knot interval: with `u = (x − g_0)/h`,
 * `q = ⌊u⌋` (half-open `[g_q, g_{q+1})`) and `f = u − q`, the uniform Cox–de Boor triangle
 * `a_j^{(k)} = ((f + k − j)·a_{j−1}^{(k−1)} + (j + 1 − f)·a_j^{(k−1)})/k`, `a_0^{(0)} = 1`, gives
 * `B_{q−d+j}(x) = a_j^{(d)}`, and `dB_{q−d+j}/dx = (a_{j−1}^{(d−1)} − a_j^{(d−1)})/h`.
 * Writes `vals[0..d]` (and `slopes[0..d]` when given, in units of x), in double precision;
 * returns q, or −1 when x is outside `[g_0, g_{t+2d})` (all bases zero), or NaN for a NaN input.
 */
export function localBases(x: number, g: BsplineGrid, vals: Float64Array, slopes?: Float64Array): number {
  const u = (x - g.lo) / g.h + g.d;
  if (Number.isNaN(u)) return Number.NaN;
  if (!(u >= 0 && u < g.t + 2 * g.d)) return -1;
  const q = Math.floor(u);
  const f = u - q;
  const d = g.d;
  vals[0] = 1;
  for (let k = 1; k <= d; k++) {
    if (k === d && slopes) {
      for (let j = 0; j <= d; j++) slopes[j] = ((j > 0 ? vals[j - 1] : 0) - (j < d ? vals[j] : 0)) / g.h;
    }
    // in place, from the top: a_j^{(k)} needs a_{j−1}^{(k−1)} and a_j^{(k−1)}
    vals[k] = ((f + k - k) * vals[k - 1]) / k;
    for (let j = k - 1; j >= 1; j--) vals[j] = ((f + k - j) * vals[j - 1] + (j + 1 - f) * vals[j]) / k;
    vals[0] = ((1 - f) * vals[0]) / k;
  }
  return q;
}

/** `κ[r, j·K + i] = B_i(x[r, j])`, K = t + d (the zeros included): the forward pass on flat arrays. */
export function bsplineBasisInto(x: Float32Array, out: Float32Array, g: BsplineGrid): void {
  const K = g.t + g.d;
  const d = g.d;
  const vals = new Float64Array(d + 1);
  out.fill(0);
  for (let e = 0; e < x.length; e++) {
    const q = localBases(x[e], g, vals);
    const base = e * K;
    if (Number.isNaN(q)) {
      out.fill(Number.NaN, base, base + K);
      continue;
    }
    if (q < 0) continue;
    const i0 = q - d;
    const jFrom = Math.max(0, -i0);
    const jTo = Math.min(d, K - 1 - i0);
    for (let j = jFrom; j <= jTo; j++) out[base + i0 + j] = vals[j];
  }
}

/** `dx[r, j] = Σ_i dy[r, j·K + i]·B_i′(x[r, j])`: the input gradient on flat arrays. */
export function bsplineBasisGradInto(x: Float32Array, dy: Float32Array, dx: Float32Array, g: BsplineGrid): void {
  const K = g.t + g.d;
  const d = g.d;
  const vals = new Float64Array(d + 1);
  const slopes = new Float64Array(d + 1);
  for (let e = 0; e < x.length; e++) {
    const q = localBases(x[e], g, vals, slopes);
    if (Number.isNaN(q)) {
      dx[e] = Number.NaN;
      continue;
    }
    let s = 0;
    if (q >= 0) {
      const base = e * K;
      const i0 = q - d;
      const jFrom = Math.max(0, -i0);
      const jTo = Math.min(d, K - 1 - i0);
      for (let j = jFrom; j <= jTo; j++) s += dy[base + i0 + j] * slopes[j];
    }
    dx[e] = s;
  }
}


/** True when {@link bsplineBasis} runs as one kernel: fast paths on, a wasm or cpu backend, a float32 input, degree ≥ 1. */
export function bsplineKernelAvailable(x: tf.Tensor, d: number): boolean {
  return d >= 1 && jsKernelsAvailable(x);
}

/** Registers the basis kernel and its gradient as JS kernels (wasm and cpu), attributes = the grid. */
function register(): void {
  registerJsKernel(BSPLINE_BASIS_KERNEL, ['x'], ([[b, m]], g) => [[b, m * (g.t + g.d)]], ([x], [out], g) => bsplineBasisInto(x, out, g as unknown as BsplineGrid));
  registerJsKernel(BSPLINE_BASIS_GRAD_KERNEL, ['x', 'dy'], ([xs]) => [xs], ([x, dy], [dx], g) => bsplineBasisGradInto(x, dy, dx, g as unknown as BsplineGrid));
}

/**
 * tinyBIG `bspline_expansion`'s basis `κ(x)[r, j·K + i] = B_i(x[r, j])` (K = t + d, uniform knots)
 * as one kernel, with its input gradient `dx = Σ_i dy_i·B_i′(x)` as a second kernel (run only when
 * x needs a gradient). Each input computes its knot interval once and its d + 1 nonzero bases.
 */
export function bsplineBasis(x: tf.Tensor, g: BsplineGrid): tf.Tensor {
  register();
  const attrs = { lo: g.lo, h: g.h, t: g.t, d: g.d };
  const f = tf.customGrad(((xx: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xx]);
    return {
      value: runJsKernel(BSPLINE_BASIS_KERNEL, { x: xx }, attrs)[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runJsKernel(BSPLINE_BASIS_GRAD_KERNEL, { x: saved[0], dy }, attrs)[0],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as tf.Tensor;
}

/** `dx[r, j] = Σ_i dy[r, j·K + i]·B_i′(x[r, j])` as one kernel (the input gradient of {@link bsplineBasis} for a given dy). */
export function bsplineBasisGrad(x: tf.Tensor, dy: tf.Tensor, g: BsplineGrid): tf.Tensor {
  register();
  const attrs = { lo: g.lo, h: g.h, t: g.t, d: g.d };
  return runJsKernel(BSPLINE_BASIS_GRAD_KERNEL, { x, dy }, attrs)[0];
}
