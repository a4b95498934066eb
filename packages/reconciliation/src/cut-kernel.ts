import * as tf from '@tensorflow/tfjs-core';
import { registerJsKernel, runJsKernel } from '@rpn/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Kernel name of the cut Toeplitz matrix of the Toeplitz path (forward). */
export const CUT_TOEPLITZ_KERNEL = 'RpnCutToeplitz';
/** Kernel name of its gradient. */
export const CUT_TOEPLITZ_GRAD_KERNEL = 'RpnCutToeplitzGrad';

function register(): void {
  // B [L] → Tc [G, m], G = m/s: Tc[k, j] = B[L − ks + j] for j < ks, else 0
  registerJsKernel(CUT_TOEPLITZ_KERNEL, ['B'], (_s, a) => [[a.m / a.s, a.m]], ([B], [T], { L, m, s }) => {
    const G = m / s;
    for (let k = 0; k < G; k++) for (let j = 0; j < m; j++) T[k * m + j] = j < k * s ? B[L - k * s + j] : 0;
  });
  registerJsKernel(CUT_TOEPLITZ_GRAD_KERNEL, ['dy', 'B'], (sh) => [sh[1]], ([dy], [dB], { L, m, s }) => {
    const G = m / s;
    dB.fill(0);
    for (let k = 0; k < G; k++) for (let j = 0; j < k * s; j++) dB[L - k * s + j] += dy[k * m + j];
  });
  tf.registerGradient({
    kernelName: CUT_TOEPLITZ_KERNEL,
    inputsToSave: ['B'],
    gradFunc: (dy, saved, attrs) => {
      const [dB] = runJsKernel(CUT_TOEPLITZ_GRAD_KERNEL, { dy: dy as Tensor, B: saved[0] }, attrs as unknown as Record<string, number>);
      return { B: () => dB };
    },
  });
}

let ready = false;

/**
 * The cut Toeplitz matrix of the Toeplitz path (`cutToeplitz`) as one JS kernel with a one-kernel
 * gradient: Tc (`[G, m]`, G = m/s), row k = `B[L − ks + j]` for j < ks, else 0; the gradient adds
 * each `dTc[k, j]` (j < ks) back to `B[L − ks + j]`. B of L elements.
 */
export function cutToeplitzKernel(B: Tensor, L: number, m: number, s: number): Tensor {
  if (!ready) { register(); ready = true; }
  return runJsKernel(CUT_TOEPLITZ_KERNEL, { B }, { L, m, s })[0];
}
