import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, ValueError, createRegistry, describeOptions, type Reconciliation, type RpnError } from '@rpn/core';
import {
  constantEyeReconciliation,
  constantReconciliation,
  dualLphmReconciliation,
  duplicatedDiagonalPaddingReconciliation,
  duplicatedPaddingReconciliation,
  findCloseFactors,
  hmReconciliation,
  hypernetReconciliation,
  identityReconciliation,
  lorrReconciliation,
  lphmReconciliation,
  maskingReconciliation,
  oneReconciliation,
  randomMatrixAdaptionReconciliation,
  randomMatrixHypernetReconciliation,
  reconciliationEntries,
  zeroReconciliation,
} from './index.js';
import { expectClose, fakeTaylor2, rand, uniform } from './test-utils.js';

const registry = createRegistry(reconciliationEntries);

interface Case { readonly label: string; readonly f: Reconciliation; readonly n: number; readonly D: number }

/** (n, D) chosen to hit every structured branch: L | D, D | L, neither; n < D and n > D. */
const cases: Case[] = [
  { label: 'constant c=0.5', f: constantReconciliation({ c: 0.5 }), n: 3, D: 8 },
  { label: 'zero', f: zeroReconciliation(), n: 3, D: 8 },
  { label: 'one', f: oneReconciliation(), n: 3, D: 8 },
  { label: 'eye n<D', f: constantEyeReconciliation(), n: 3, D: 8 },
  { label: 'eye n>D', f: constantEyeReconciliation(), n: 6, D: 4 },
  { label: 'identity', f: identityReconciliation(), n: 3, D: 8 },
  { label: 'masking', f: maskingReconciliation({ p: 0.5 }), n: 3, D: 8 },
  { label: 'dup padding L|D', f: duplicatedPaddingReconciliation({ p: 2, q: 3 }), n: 4, D: 6 },
  { label: 'dup padding D|L', f: duplicatedPaddingReconciliation({ p: 1, q: 1 }), n: 4, D: 6 },
  { label: 'dup padding neither', f: duplicatedPaddingReconciliation({ p: 2, q: 2 }), n: 4, D: 6 },
  { label: 'dup diagonal', f: duplicatedDiagonalPaddingReconciliation({ p: 2 }), n: 4, D: 6 },
  { label: 'lorr', f: lorrReconciliation({ r: 2 }), n: 3, D: 12 },
  { label: 'lorr r=1', f: lorrReconciliation({ r: 1 }), n: 3, D: 12 },
  { label: 'hm default p,q', f: hmReconciliation(), n: 4, D: 9 },
  { label: 'hm D|L', f: hmReconciliation({ p: 1, q: 2 }), n: 4, D: 6 },
  { label: 'lphm', f: lphmReconciliation({ p: 2, q: 3, r: 1 }), n: 4, D: 6 },
  { label: 'dual_lphm', f: dualLphmReconciliation({ p: 2, q: 3, r: 2 }), n: 4, D: 6 },
  { label: 'dual_lphm neither', f: dualLphmReconciliation({ p: 2, q: 2, r: 2 }), n: 4, D: 6 },
  { label: 'random_matrix_adaption', f: randomMatrixAdaptionReconciliation({ r: 2 }), n: 3, D: 8 },
  { label: 'random_matrix_hypernet', f: randomMatrixHypernetReconciliation({ r: 2, l: 5, hiddenDim: 3 }), n: 3, D: 8 },
  { label: 'hypernet', f: hypernetReconciliation({ l: 4, hiddenDim: 5 }), n: 3, D: 8 },
];

function wFor(f: Reconciliation, n: number, D: number, seed = 7): Tensor | null {
  const l = f.calculateL(n, D);
  return l === 0 ? null : rand([1, l], seed);
}

/** Values and gradients (w.r.t. w and the input) of `fast` and of the materialised `plain`. */
function compareWithGrads(fast: (w: Tensor | null, z: Tensor) => Tensor, plain: (w: Tensor | null, z: Tensor) => Tensor, w: Tensor | null, z: Tensor, tol: number, what: string): void {
  const y1 = fast(w, z);
  const y2 = plain(w, z);
  expectClose(y1, y2, tol, `${what} values`);
  const dy = rand(y2.shape as number[], 99);
  const loss = (f: typeof fast) => (...args: Tensor[]) => tf.sum(tf.mul(f(w ? args[0] : null, w ? args[1] : args[0]), dy));
  const inputs = w ? [w, z] : [z];
  const g1 = tf.grads(loss(fast))(inputs);
  const g2 = tf.grads(loss(plain))(inputs);
  g1.forEach((g, i) => expectClose(g, g2[i], tol, `${what} gradient ${i}`));
  tf.dispose([y1, y2, dy, ...g1, ...g2]);
}

describe('findCloseFactors', () => {
  it('is the largest divisor ≤ √n', () => {
    expect([1, 4, 6, 7, 9, 12, 64, 784, 4160].map(findCloseFactors)).toEqual([1, 2, 2, 1, 3, 3, 8, 28, 64]);
  });
});

describe.each(cases)('$label', ({ f, n, D }) => {
  it('has W of shape [n, D] and round-trips through its config', () => {
    const w = wFor(f, n, D);
    const W = f.forward(w, n, D);
    expect(W.shape).toEqual([n, D]);
    const g = registry.build<Reconciliation>(f.toConfig(), 'reconciliation');
    expect(g.calculateL(n, D)).toBe(f.calculateL(n, D));
    const W2 = g.forward(w, n, D);
    expectClose(W2, W, 0, 'rebuilt W');
    expect(JSON.parse(JSON.stringify(g.toConfig()))).toEqual(JSON.parse(JSON.stringify(f.toConfig())));
    tf.dispose([w, W, W2].filter((t): t is Tensor => t != null));
  });

  it('accepts w as [l] and rejects a wrong length with a ShapeError', () => {
    const l = f.calculateL(n, D);
    if (l === 0) {
      expect(() => f.forward(tf.zeros([1, 3]), n, D)).toThrow(ShapeError);
      return;
    }
    const w1 = rand([l], 3);
    const W = f.forward(w1, n, D);
    expect(W.shape).toEqual([n, D]);
    const bad = tf.zeros([1, l + 1]);
    expect(() => f.forward(bad, n, D)).toThrow(ShapeError);
    expect(() => f.forward(null, n, D)).toThrow(ShapeError);
    tf.dispose([w1, W, bad]);
  });

  it('structured product equals κ·ψ(w)ᵀ in values and gradients, without leaks', () => {
    if (!f.product) return;
    const w = wFor(f, n, D);
    const kappa = rand([5, D], 11);
    compareWithGrads((ww, k) => f.product!(k, ww, n), (ww, k) => tf.matMul(k, tf.transpose(f.forward(ww, n, D))), w, kappa, 1e-5, 'product');
    const before = tf.memory().numTensors;
    f.product(kappa, w, n).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, kappa].filter((t): t is Tensor => t != null));
  });

  it.each(['none', 'layer_norm'] as const)('fused order-2 Taylor path (%s) equals the materialised path', (post) => {
    const m = [2, 3, 5, 6, 7].find((mm) => mm * (mm + 1) === D);
    if (!m) return; // D is not an order-2 Taylor width
    const exp = fakeTaylor2(post);
    const w = wFor(f, n, D);
    const x = rand([4, m], 5);
    compareWithGrads((ww, xx) => f.productFromInput!(xx, exp, ww, n)!, (ww, xx) => tf.matMul(exp.forward(xx), tf.transpose(f.forward(ww, n, D))), w, x, 1e-4, `fused ${post}`);
    const before = tf.memory().numTensors;
    f.productFromInput!(x, exp, w, n)!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x].filter((t): t is Tensor => t != null));
  });
});

describe('fused order-2 Taylor paths on Taylor widths', () => {
  // D = m(m+1): m = 6 → 42, m = 8 → 72; shapes hit L | D with cut grid rows, D | L and neither.
  const fused: Case[] = [
    { label: 'dual_lphm L|D (cut rows)', f: dualLphmReconciliation({ p: 2, q: 6, r: 2 }), n: 4, D: 42 },
    { label: 'dual_lphm L|D, L < m', f: dualLphmReconciliation({ p: 4, q: 21, r: 2 }), n: 4, D: 42 },
    { label: 'dual_lphm (8, m, r) as in the MNIST model', f: dualLphmReconciliation({ p: 2, q: 8, r: 3 }), n: 8, D: 72 },
    { label: 'dual_lphm neither (item 5)', f: dualLphmReconciliation({ p: 2, q: 8, r: 3 }), n: 10, D: 72 },
    { label: 'lphm', f: lphmReconciliation({ p: 3, q: 7, r: 2 }), n: 6, D: 42 },
    { label: 'hm D|L', f: hmReconciliation({ p: 1, q: 1 }), n: 3, D: 42 },
    { label: 'hm default', f: hmReconciliation(), n: 6, D: 42 },
    { label: 'lorr', f: lorrReconciliation({ r: 3 }), n: 5, D: 42 },
    { label: 'identity', f: identityReconciliation(), n: 5, D: 42 },
    { label: 'duplicated padding', f: duplicatedPaddingReconciliation({ p: 2, q: 6 }), n: 4, D: 42 },
    { label: 'constant', f: constantReconciliation({ c: 0.3 }), n: 4, D: 42 },
    { label: 'random matrix adaption (W built)', f: randomMatrixAdaptionReconciliation({ r: 2 }), n: 4, D: 42 },
  ];
  describe.each(fused)('$label', ({ f, n, D }) => {
    it.each(['none', 'layer_norm'] as const)('%s: values and gradients', (post) => {
      const m = Math.round((Math.sqrt(1 + 4 * D) - 1) / 2);
      const exp = fakeTaylor2(post);
      const w = wFor(f, n, D, 17);
      const x = rand([6, m], 23);
      compareWithGrads((ww, xx) => f.productFromInput!(xx, exp, ww, n)!, (ww, xx) => tf.matMul(exp.forward(xx), tf.transpose(f.forward(ww, n, D))), w, x, 1e-4, `fused ${post}`);
      tf.dispose([w, x].filter((t): t is Tensor => t != null));
    });
  });

  it('returns null for expansions it does not recognise', () => {
    const f = dualLphmReconciliation({ p: 2, q: 6, r: 2 });
    const w = wFor(f, 4, 42)!;
    const x = rand([2, 6], 1);
    const other = { ...fakeTaylor2('none'), structure: { type: 'taylor', d: 3, pre: false, post: 'none' } };
    const pre = { ...fakeTaylor2('none'), structure: { type: 'taylor', d: 2, pre: true, post: 'none' } };
    const aff = { ...fakeTaylor2('none'), structure: { type: 'taylor', d: 2, pre: false, post: 'other' } };
    for (const e of [other, pre, aff]) expect(f.productFromInput!(x, e, w, 4)).toBeNull();
    tf.dispose([w, x]);
  });
});

describe('large layer against a float64 reference', () => {
  it('dual_lphm (8, 64, 5) on a 64-wide input with layer norm (D = 4160)', () => {
    const m = 64;
    const n = 64;
    const D = m * (m + 1);
    const f = dualLphmReconciliation({ p: 8, q: 64, r: 5 });
    const l = f.calculateL(n, D);
    const wv = uniform(l, 31, -0.5, 0.5);
    const b = 3;
    const xv = uniform(b * m, 37, -2, 2);
    // float64 reference: W from the formulas, κ, layer norm, κ·Wᵀ
    const r = 5, p = 8, q = 64, s = n / p, t = D / q;
    let o = 0;
    const take = (rows: number, cols: number) => { const a = wv.slice(o, o + rows * cols); o += rows * cols; return a; };
    const P = take(p, r), Q = take(r, q), S = take(s, r), T = take(r, t);
    const A: number[] = []; for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) { let a = 0; for (let k = 0; k < r; k++) a += P[i * r + k] * Q[k * q + j]; A.push(a); }
    const B: number[] = []; for (let i = 0; i < s; i++) for (let j = 0; j < t; j++) { let a = 0; for (let k = 0; k < r; k++) a += S[i * r + k] * T[k * t + j]; B.push(a); }
    const L = B.length;
    const ref: number[] = [];
    for (let bi = 0; bi < b; bi++) {
      const x = xv.slice(bi * m, (bi + 1) * m);
      const kap: number[] = [...x]; for (let a = 0; a < m; a++) for (let j = 0; j < m; j++) kap.push(x[a] * x[j]);
      const mu = kap.reduce((u, v) => u + v, 0) / D;
      const vr = kap.reduce((u, v) => u + (v - mu) ** 2, 0) / D;
      const kn = kap.map((v) => (v - mu) / Math.sqrt(vr + 1e-5));
      for (let i = 0; i < n; i++) { let acc = 0; for (let j = 0; j < D; j++) { const k = i * D + j; acc += kn[j] * A[Math.floor(k / L)] * B[k % L]; } ref.push(acc); }
    }
    const w = tf.tensor2d(wv, [1, l]);
    const x = tf.tensor2d(xv, [b, m]);
    const y = f.productFromInput!(x, fakeTaylor2('layer_norm'), w, n)!;
    expectClose(y, ref, 2e-5, 'fused vs float64');
    tf.dispose([w, x, y]);
  });
});

describe('identity product orientation', () => {
  it('(W·κᵀ)ᵀ for b < n and κ·Wᵀ for b ≥ n agree with κ·Wᵀ in values and gradients, without leaks', () => {
    const f = identityReconciliation();
    const n = 6;
    const D = 10;
    for (const [b, shape] of [[1, [n * D]], [4, [1, n * D]], [6, [n * D]], [9, [1, n * D]]] as const) {
      const w = rand([...shape], 5 + b);
      const kappa = rand([b, D], 17 + b);
      compareWithGrads((ww, k) => f.product!(k, ww, n), (ww, k) => tf.matMul(k, tf.transpose(tf.reshape(ww!, [n, D]))), w, kappa, 1e-5, `b=${b}`);
      const before = tf.memory().numTensors;
      f.product!(kappa, w, n).dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([w, kappa]);
    }
  });
});

describe('typed errors', () => {
  it('names the factor that does not divide', () => {
    expect(() => hmReconciliation({ p: 3 }).calculateL(4, 6)).toThrow(ValueError);
    expect(() => dualLphmReconciliation({ p: 2, q: 4 }).calculateL(4, 6)).toThrow(/q/);
    expect(() => duplicatedPaddingReconciliation({ p: 3 }).calculateL(4, 6)).toThrow(ValueError);
    expect(() => duplicatedDiagonalPaddingReconciliation({ p: 2, q: 3 })).toThrow(ValueError);
    expect(() => lorrReconciliation({ r: 0 })).toThrow(ValueError);
    expect(() => identityReconciliation().calculateL(0, 3)).toThrow(ValueError);
  });
  it('rejects unknown options and frozen state of the wrong shape', () => {
    expect(() => lorrReconciliation({ rank: 2 } as never)).toThrow(ValueError);
    const f = maskingReconciliation({ frozenState: { mask: [[1, 0], [0, 1]] } });
    expect(() => f.forward(tf.zeros([1, 6]), 2, 3)).toThrow(ShapeError);
  });
  it('a config\'s bad option is a ConfigError naming the tinyBIG key; in code a ValueError naming the option', () => {
    const reg = createRegistry(reconciliationEntries);
    const errorOf = (f: () => unknown): RpnError => { try { f(); } catch (e) { return e as RpnError; } throw new Error('no error'); };
    const cfg = errorOf(() => reg.build({ function_class: 'lorr_reconciliation', function_parameters: { r: 0, enable_bias: true } }));
    expect(cfg).toBeInstanceOf(ConfigError);
    expect(cfg.argument).toBe('r');
    const key = errorOf(() => reg.build({ function_class: 'lorr_reconciliation', function_parameters: { rank: 2 } }));
    expect(key).toBeInstanceOf(ConfigError);
    expect(key.expected).toContain('enable_bias');
    const code = errorOf(() => randomMatrixHypernetReconciliation({ hiddenDim: 0 }));
    expect(code).toBeInstanceOf(ValueError);
    expect(code.argument).toBe('hiddenDim');
  });
  it('a non-string name is an error (it silently fell back to the class name)', () => {
    expect(() => identityReconciliation({ name: 7 } as never)).toThrow(ValueError);
    expect(identityReconciliation({ name: 'w' }).name).toBe('w');
  });
  it('every entry declares its options (plain data for forms)', () => {
    for (const e of reconciliationEntries) {
      expect(e.options?.className, e.className).toBe(e.className);
      const d = describeOptions(e.options!);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
      expect(d.find((o) => o.key === 'enableBias')).toMatchObject({ configKey: 'enable_bias', type: 'boolean', default: false });
    }
  });
});

describe('frozen random state', () => {
  it('is drawn from the recorded seed: a rebuilt function gives the same W; another seed differs', () => {
    for (const make of [(s?: number) => maskingReconciliation({ seed: s }), (s?: number) => randomMatrixAdaptionReconciliation({ seed: s }), (s?: number) => hypernetReconciliation({ l: 4, hiddenDim: 3, seed: s }), (s?: number) => randomMatrixHypernetReconciliation({ l: 4, hiddenDim: 3, seed: s })]) {
      const f = make();
      const w = wFor(f, 3, 4)!;
      const cfg = f.toConfig();
      expect(typeof cfg.function_parameters!.seed).toBe('number');
      const W1 = f.forward(w, 3, 4);
      const W2 = registry.build<Reconciliation>(JSON.parse(JSON.stringify(cfg)), 'reconciliation').forward(w, 3, 4);
      const W3 = make(12345).forward(w, 3, 4);
      expectClose(W2, W1, 0);
      expect(Array.from(W3.dataSync())).not.toEqual(Array.from(W1.dataSync()));
      tf.dispose([w, W1, W2, W3]);
    }
  });
  it('can be given explicitly (tinyBIG names) and is written back to the config', () => {
    const A = [[1, 2], [3, 4]];
    const B = [[1, 0], [0, 1], [1, 1]];
    const f = randomMatrixAdaptionReconciliation({ r: 2, frozenState: { A, B } });
    expect(f.toConfig().function_parameters!.frozen_state).toEqual({ A, B });
    const w = tf.tensor1d([1, 1, 1, 1]);
    const W = f.forward(w, 2, 3);
    expectClose(W, [1, 2, 3, 3, 4, 7], 0);
    tf.dispose([w, W]);
  });
});
