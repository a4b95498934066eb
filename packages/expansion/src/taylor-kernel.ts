import * as tf from '@tensorflow/tfjs-core';
import { jsKernelsAvailable, registerJsKernel, runJsKernel } from '@rpn/core';

/** Kernel name of the order-2 Taylor expansion `x [b, m] → [x, x⊗x] [b, m + m²]` (wasm and cpu backends). */
export const TAYLOR2_KERNEL = 'RpnTaylor2';
/** Kernel name of its input gradient `(x [b, m], dy [b, m + m²]) → dx [b, m]`. */
export const TAYLOR2_GRAD_KERNEL = 'RpnTaylor2Grad';

/**
 * Output sizes `b·(m + m²)` up to which {@link taylor2Kernel} runs as one JS kernel. The JS loop does
 * b·m² products; past this, tfjs's SIMD multiply of the pad/outer-product path is faster (the big
 * Taylor layers of the MNIST configs never build κ at all: their reconciliations contract x directly).
 */
export const TAYLOR2_KERNEL_MAX = 65_536;

/** `out[r] = [x_r, vec(x_r ⊗ x_r)]`, the order-2 block row-major (j1 slowest), each product rounded to float32 once. */
export function taylor2Into(x: Float32Array, m: number, out: Float32Array): void {
  const b = x.length / m;
  const D = m + m * m;
  for (let r = 0; r < b; r++) {
    const xo = r * m;
    const o = r * D;
    for (let j = 0; j < m; j++) out[o + j] = x[xo + j];
    let k = o + m;
    for (let j1 = 0; j1 < m; j1++) {
      const a = x[xo + j1];
      for (let j2 = 0; j2 < m; j2++) out[k++] = a * x[xo + j2];
    }
  }
}

/**
 * `dx[r, j] = dy[r, j] + Σ_k dy[r, m + j·m + k]·x[r, k] + Σ_i dy[r, m + i·m + j]·x[r, i]`: the input
 * gradient of {@link taylor2Into}, summed in float64 and rounded once.
 */
export function taylor2GradInto(x: Float32Array, dy: Float32Array, m: number, dx: Float32Array): void {
  const b = x.length / m;
  const D = m + m * m;
  for (let r = 0; r < b; r++) {
    const xo = r * m;
    const o = r * D;
    for (let j = 0; j < m; j++) {
      let s = dy[o + j];
      const row = o + m + j * m;
      for (let k = 0; k < m; k++) s += dy[row + k] * x[xo + k] + dy[o + m + k * m + j] * x[xo + k];
      dx[xo + j] = s;
    }
  }
}

/** True when {@link taylor2Kernel} runs: fast paths on, a wasm or cpu backend, a float32 [b, m] input, b·(m + m²) ≤ {@link TAYLOR2_KERNEL_MAX}. */
export function taylor2KernelAvailable(x: tf.Tensor): boolean {
  if (!jsKernelsAvailable(x) || x.rank !== 2) return false;
  const [b, m] = x.shape as [number, number];
  return b * (m + m * m) <= TAYLOR2_KERNEL_MAX;
}

/**
 * tinyBIG `taylor_expansion` with d = 2, `κ(x) = [x, x⊗x]`, as one kernel, with its input gradient
 * (`dx_j = dy_j + Σ_k (dy_{jk} + dy_{kj})·x_k`) as a second kernel, run only when x needs a gradient.
 * The values are those of the pad/outer-product path bit for bit (each product of two float32 values
 * rounded once); the gradient differs from it only in the order of its sums.
 */
export function taylor2Kernel(x: tf.Tensor): tf.Tensor {
  registerJsKernel(TAYLOR2_KERNEL, ['x'], ([[b]], { m }) => [[b, m + m * m]], ([xv], [out], { m }) => taylor2Into(xv, m, out));
  registerJsKernel(TAYLOR2_GRAD_KERNEL, ['x', 'dy'], ([xs]) => [xs], ([xv, dy], [dx], { m }) => taylor2GradInto(xv, dy, m, dx));
  const attrs = { m: x.shape[1] as number };
  const f = tf.customGrad(((xx: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xx]);
    return {
      value: runJsKernel(TAYLOR2_KERNEL, { x: xx }, attrs)[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runJsKernel(TAYLOR2_GRAD_KERNEL, { x: saved[0], dy }, attrs)[0],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as tf.Tensor;
}
