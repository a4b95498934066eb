import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, chainLayout, flatLayout, gridLayout, type HeadKernel, type KernelParameters, type Layout } from '@rpn/core';
import { rpnHead } from '../head.js';
import { rpnLayer } from '../layer.js';
import { rpnModel } from '../model.js';
import { FUSED_PRODUCTS, findFusedProduct, type FusedProduct } from './fused.js';
import { rpnKernel, type KernelRequest } from './rpn.js';
import { input, linearTestRemainder, lowRankTestReconciliation, maxDiff, squareExpansion } from '../test-utils.js';

const gradsOf = (head: ReturnType<typeof rpnHead>, x: tf.Tensor): number[][] => {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(head.forward(x))) as tf.Scalar, head.trainableVariables());
  const out = Object.values(grads).map((g) => Array.from(g.dataSync()));
  value.dispose();
  tf.dispose(Object.values(grads));
  return out;
};

describe('fused products are looked up by structure', () => {
  it('an exact reconciliation entry wins over `*`; unknown expansions have none', () => {
    const exact: FusedProduct = { expansion: 'square', reconciliation: 'lowrank_test', product: () => null };
    const any: FusedProduct = { expansion: 'square', reconciliation: '*', product: () => null };
    const psi = { ...lowRankTestReconciliation({ r: 2 }), structure: { type: 'lowrank_test' } };
    expect(findFusedProduct(squareExpansion(), psi, [any, exact])).toBe(exact);
    expect(findFusedProduct(squareExpansion(), lowRankTestReconciliation({ r: 2 }), [any, exact])).toBe(any);
    expect(findFusedProduct(squareExpansion(), psi, FUSED_PRODUCTS)).toBeUndefined();
    expect(FUSED_PRODUCTS.map((f) => `${f.expansion}|${f.reconciliation}`)).toContain('taylor|*');
  });

  it('a table entry is used by the RPN kernel and equals the plain path in values and gradients', () => {
    let calls = 0;
    const square: FusedProduct = {
      expansion: 'square',
      reconciliation: '*',
      product: (x, kappa, psi, w, n) => { calls++; return psi.productFromInput!(x, kappa, w, n); },
    };
    const x = input(5, 3);
    for (const C of [1, 3]) {
      const make = (kernel?: (r: KernelRequest) => HeadKernel, fastPaths = true) => rpnHead({ m: 3, n: 4, channelNum: C, expansion: squareExpansion(), reconciliation: lowRankTestReconciliation({ r: 2, enableBias: true, fused: true }), remainder: linearTestRemainder({ enableBias: true }), seed: 5, fastPaths, kernel });
      const fused = make((r) => rpnKernel(r, [square]));
      const plain = make(undefined, false);
      const before = calls;
      const a = fused.forward(x);
      expect(calls).toBe(before + C);
      const b = plain.forward(x);
      expect(maxDiff(a, b)).toBeLessThan(1e-5);
      const ga = gradsOf(fused, x);
      const gb = gradsOf(plain, x);
      ga.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - gb[i][j])).toBeLessThan(1e-4)));
      tf.dispose([a, b]);
      fused.dispose();
      plain.dispose();
    }
    x.dispose();
  });
});

/** A toy kernel over chains: each step's m features are summed and scaled by w (one weight per step). */
function stepSumKernel(L: number, m: number): (r: KernelRequest) => HeadKernel {
  return () => Object.freeze({
    kind: 'step_sum',
    inLayout: chainLayout(L, m),
    outLayout: chainLayout(L, 1),
    mPrime: m,
    D: m,
    l: L,
    lAttribute: 0,
    lInstance: 0,
    biasShape: [1],
    remainder: { m, n: 1, steps: L },
    forward(x: tf.Tensor, p: KernelParameters) {
      const b = x.shape[0] as number;
      const s = tf.sum(tf.reshape(x, [b, L, m]), 2);
      const out = tf.mul(s, p.wFlat()!);
      return p.b ? tf.add(out, p.b) : out;
    },
  });
}

describe('the head assembler runs any kernel', () => {
  it('takes the kernel\'s layouts, parameter shapes and per-step remainder', () => {
    const L = 3;
    const m = 2;
    const head = rpnHead({ m: L * m, n: L, reconciliation: lowRankTestReconciliation({ r: 1, enableBias: true }), remainder: linearTestRemainder({ enableBias: false }), kernel: stepSumKernel(L, m), seed: 3 });
    expect(head.inLayout).toEqual(chainLayout(L, m));
    expect(head.outLayout).toEqual(chainLayout(L, 1));
    expect(head.kernel.kind).toBe('step_sum');
    const shapes = Object.fromEntries(head.namedParameters().map((p) => [p.name, p.variable.shape]));
    expect(shapes).toEqual({ w: [1, L], b: [1], w_remainder: [1, m] });
    const x = input(4, L * m);
    const before = tf.memory().numTensors;
    const y = head.forward(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    // expected by hand: y[b, t] = w[t]·Σ_j x[b, t, j] + bias + Σ_j x[b, t, j]·w_remainder[0, j]
    const [xs, w, bias, wr] = [x.arraySync() as number[][], (head.namedParameters()[0].variable.arraySync() as number[][])[0], (head.namedParameters()[1].variable.arraySync() as number[])[0], (head.namedParameters()[2].variable.arraySync() as number[][])[0]];
    const got = y.arraySync() as number[][];
    for (let i = 0; i < 4; i++) {
      for (let t = 0; t < L; t++) {
        const row = xs[i].slice(t * m, t * m + m);
        const want = w[t] * row.reduce((a, v) => a + v, 0) + bias + row.reduce((a, v, j) => a + v * wr[j], 0);
        expect(Math.abs(got[i][t] - want)).toBeLessThan(1e-5);
      }
    }
    expect(() => head.forward(tf.zeros([2, 5]))).toThrow(ShapeError);
    tf.dispose([x, y]);
    head.dispose();
  });

  it('layers and models check layouts, not only widths', () => {
    const psi = () => lowRankTestReconciliation({ r: 1 });
    const withLayouts = (inLayout: Layout, outLayout: Layout) => (r: KernelRequest): HeadKernel => ({ ...stepSumKernel(3, 2)(r), inLayout, outLayout });
    const a = rpnHead({ m: 6, n: 3, reconciliation: psi(), kernel: stepSumKernel(3, 2) });
    const b = rpnHead({ m: 6, n: 3, reconciliation: psi(), kernel: withLayouts(gridLayout(1, 3, 1, 2), chainLayout(3, 1)) });
    expect(() => rpnLayer({ m: 6, n: 3, heads: [a, b] })).toThrow(/one layout/);
    const l1 = rpnLayer({ m: 6, n: 3, heads: [a] });
    const flat = rpnLayer({ m: 3, n: 3, heads: [rpnHead({ m: 3, n: 3, expansion: squareExpansion(), reconciliation: psi() })] });
    const model = rpnModel({ layers: [l1, flat] }); // a flat reader takes a chain of its width
    expect(model.inLayout).toEqual(chainLayout(3, 2));
    expect(model.outLayout).toEqual(flatLayout(3));
    // a chain of 3 steps of 1 feature cannot feed a reader of 1 step of 3 features
    const c = rpnLayer({ m: 3, n: 3, heads: [rpnHead({ m: 3, n: 3, reconciliation: psi(), kernel: withLayouts(chainLayout(1, 3), chainLayout(3, 1)) })] });
    const l2 = rpnLayer({ m: 6, n: 3, heads: [rpnHead({ m: 6, n: 3, reconciliation: psi(), kernel: stepSumKernel(3, 2) })] });
    expect(() => rpnModel({ layers: [l2, c] })).toThrow(ConfigError);
    expect(() => rpnModel({ layers: [l2, c] })).toThrow(/layouts do not chain/);
    model.dispose();
    b.dispose();
    c.dispose();
    l2.dispose();
  });
});
