import * as tf from '@tensorflow/tfjs-core';
import type { Reconciliation } from '@rpn/core';
import { GoldenMismatch, decodeParams, expectClose, jsonNumbers, toNested, toTensor } from '../types.js';
import type { FamilyAdapter, GoldenCase, JsonTensor } from '../types.js';

/** A fixed pseudo-random κ (`[b, D]`, values in [−1, 1)) to check `product` against the golden W. */
function probeKappa(b: number, D: number): number[] {
  let s = 12345;
  const out: number[] = [];
  for (let i = 0; i < b * D; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out.push(((s >>> 8) / 16777216) * 2 - 1);
  }
  return out;
}

/**
 * Golden adapter for reconciliation.json: builds the class from the case's params (frozen random
 * state from `aux` as `frozen_state`), checks `calculateL(n, D)` and `W = forward(w, n, D)`, and,
 * when the function has a structured `product`, checks `κ·Wᵀ` against κ times the golden W
 * (computed here in float64).
 */
export const reconciliationAdapter: FamilyAdapter = {
  family: 'reconciliation',
  run(c: GoldenCase, env) {
    const params: Record<string, unknown> = { ...decodeParams(c.params ?? {}, c) };
    if (c.aux && Object.keys(c.aux).length) {
      const state: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.aux as Record<string, JsonTensor>)) state[k] = toNested(v);
      params.frozen_state = state;
    }
    const f = env.registry.build<Reconciliation>({ function_class: c.class, function_parameters: params }, 'reconciliation');
    const n = c.n as number;
    const D = c.D as number;
    const l = f.calculateL(n, D);
    if (l !== c.l) throw new GoldenMismatch(`calculateL(${n}, ${D}) = ${l}, expected ${c.l}`);
    if (f.requireParameters !== (c.require_parameters ?? true)) throw new GoldenMismatch(`requireParameters = ${f.requireParameters}, expected ${c.require_parameters}`);
    const w = c.w ? toTensor(c.w) : null;
    const tensors: tf.Tensor[] = w ? [w] : [];
    try {
      const W = f.forward(w, n, D);
      tensors.push(W);
      expectClose('W', W, null, c.output, c);
      if (f.product) {
        const b = 3;
        const kappa = probeKappa(b, D);
        const Wexp = jsonNumbers(c.output);
        const data: number[] = [];
        for (let i = 0; i < b; i++) for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let k = 0; k < D; k++) acc += kappa[i * D + k] * Wexp[j * D + k];
          data.push(acc);
        }
        const k = tf.tensor2d(kappa, [b, D]);
        tensors.push(k);
        const y = f.product(k, w, n);
        tensors.push(y);
        expectClose('product κ·Wᵀ', y, null, { shape: [b, n], dtype: 'float64', data }, c);
      }
    } finally {
      tensors.forEach((t) => t.dispose());
    }
  },
};
