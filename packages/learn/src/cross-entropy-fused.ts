import * as tf from '@tensorflow/tfjs-core';
import { ValueError, jsKernelsAvailable, registerJsKernel, runJsKernel } from '@rpn/core';

/** Kernel name of the fused cross-entropy `(s [b, c], y [b]) → loss []` (wasm and cpu backends). */
export const FUSED_CROSS_ENTROPY_KERNEL = 'RpnCrossEntropy';
/** Kernel name of its gradient `(s, y, dy []) → ds [b, c]`. */
export const FUSED_CROSS_ENTROPY_GRAD_KERNEL = 'RpnCrossEntropyGrad';

interface CeAttrs { ls: number; mean: boolean }

/** Each target as a class index in [0, c), or a typed error naming the target (torch raises too). */
function classOf(y: ArrayLike<number>, r: number, c: number): number {
  const k = y[r];
  if (!Number.isInteger(k) || k < 0 || k >= c) {
    throw new ValueError('CrossEntropyLoss: a target is not a class index', { argument: `targets[${r}]`, expected: `an integer from 0 to ${c - 1}`, received: String(k) });
  }
  return k;
}

/**
 * `Σ_r ℓ_r` (÷ b for the mean), `ℓ_r = −((1 − ls)·log p_r[y_r] + (ls/c)·Σ_j log p_r[j])`, with
 * `log p = s − max − log Σ exp(s − max)` per row, in float64.
 */
export function crossEntropyValue(s: Float32Array, y: ArrayLike<number>, c: number, a: CeAttrs): number {
  const b = y.length;
  let total = 0;
  for (let r = 0; r < b; r++) {
    const o = r * c;
    let mx = -Infinity;
    for (let j = 0; j < c; j++) if (s[o + j] > mx) mx = s[o + j];
    let se = 0;
    let sum = 0;
    for (let j = 0; j < c; j++) { se += Math.exp(s[o + j] - mx); sum += s[o + j]; }
    const lse = mx + Math.log(se);
    const k = classOf(y, r, c);
    total -= (1 - a.ls) * (s[o + k] - lse) + (a.ls / c) * (sum - c * lse);
  }
  return a.mean ? total / b : total;
}

/** `ds[r, j] = dy·(softmax(s_r)_j − t_rj)` (÷ b for the mean), `t = (1 − ls)·onehot(y) + ls/c`, in float64. */
export function crossEntropyGradInto(s: Float32Array, y: ArrayLike<number>, dy: number, c: number, a: CeAttrs, ds: Float32Array): void {
  const b = y.length;
  const scale = a.mean ? dy / b : dy;
  for (let r = 0; r < b; r++) {
    const o = r * c;
    let mx = -Infinity;
    for (let j = 0; j < c; j++) if (s[o + j] > mx) mx = s[o + j];
    let se = 0;
    for (let j = 0; j < c; j++) se += Math.exp(s[o + j] - mx);
    const k = classOf(y, r, c);
    for (let j = 0; j < c; j++) ds[o + j] = scale * (Math.exp(s[o + j] - mx) / se - (a.ls / c) - (j === k ? 1 - a.ls : 0));
  }
}

/**
 * True when {@link fusedCrossEntropy} runs: fast paths on (not `RPN_FAST_PATHS=0`), a wasm or cpu
 * backend, float32 scores [b, c] and class indices [b] (int32 or float32).
 */
export function fusedCrossEntropyAvailable(s: tf.Tensor, y: tf.Tensor): boolean {
  return jsKernelsAvailable(s) && s.rank === 2 && y.rank === 1 && y.shape[0] === s.shape[0] && (y.dtype === 'int32' || y.dtype === 'float32');
}

/**
 * torch `CrossEntropyLoss` (class indices, mean or sum, label smoothing `ls`) as one kernel, with
 * its gradient `dy·(softmax(s) − t)` (÷ b for the mean) as a second one: tfjs's log-softmax,
 * one-hot, product and reductions took about 35 kernels per training step. Computed in float64 and
 * rounded once. A target outside [0, c) is a ValueError (the one-hot path gave that row a loss of 0).
 */
export function fusedCrossEntropy(s: tf.Tensor, y: tf.Tensor, ls: number, mean: boolean): tf.Scalar {
  // the JS kernels read float32: class indices are exact in it
  registerJsKernel(FUSED_CROSS_ENTROPY_KERNEL, ['s', 'y'], () => [[]], ([sv, yv], [out], a) => { out[0] = crossEntropyValue(sv, yv, a.c, ceAttrs(a)); });
  registerJsKernel(FUSED_CROSS_ENTROPY_GRAD_KERNEL, ['s', 'y', 'dy'], ([ss]) => [ss], ([sv, yv, dy], [ds], a) => crossEntropyGradInto(sv, yv, dy[0], a.c, ceAttrs(a), ds));
  const attrs = { ls, mean: mean ? 1 : 0, c: s.shape[1] as number };
  const yf = y.dtype === 'float32' ? y : tf.cast(y, 'float32');
  const f = tf.customGrad(((ss: tf.Tensor, save: tf.GradSaveFunc) => {
    save([ss, yf]);
    return {
      value: runJsKernel(FUSED_CROSS_ENTROPY_KERNEL, { s: ss, y: yf }, attrs)[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => runJsKernel(FUSED_CROSS_ENTROPY_GRAD_KERNEL, { s: saved[0], y: saved[1], dy }, attrs)[0],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(s) as tf.Scalar;
}

const ceAttrs = (a: Record<string, number>): CeAttrs => ({ ls: a.ls, mean: a.mean === 1 });
