import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError, defineOptions, int, num, type OptionsOf, type Reconciliation } from '@rpn/core';
import { BASE_RECONCILIATION_OPTIONS, RECONCILIATION_BASE, assertDivides, defineReconciliation, mmT, mmTBig, reshapeUnsaved, taylor2Grid } from './common.js';
import type { ReconciliationOptions } from './common.js';
import { outerProduct, outerPsi, outerTaylor2 } from './outer.js';

export type { ReconciliationOptions } from './common.js';

/** Options of {@link constantReconciliation}. */
export const CONSTANT_RECONCILIATION_OPTIONS = defineOptions('constant_reconciliation', { c: num({ default: 1, doc: 'the constant' }) }, RECONCILIATION_BASE);
/** Options of {@link constantReconciliation}. */
export type ConstantReconciliationOptions = OptionsOf<typeof CONSTANT_RECONCILIATION_OPTIONS>;

function constantLike(className: string, o: { name?: string; enableBias: boolean }, c: number, withC: boolean, defaultName: string): Reconciliation {
  const name = o.name ?? defaultName;
  const enableBias = o.enableBias;
  return defineReconciliation({
    className,
    name,
    own: { ...(withC ? { c } : {}), enableBias },
    requireParameters: false,
    enableBias,
    structure: { type: 'constant', c },
    calculateL: () => 0,
    psi: (_w, n, D) => tf.fill([n, D], c),
    // κ·(c·1)ᵀ = c·(κ·1) repeated n times (written as a product so gradients reach κ).
    product: (kappa, _w, n) => tf.mul(tf.sum(kappa, 1, true), tf.fill([1, n], c)),
    taylor2: (x, _w, n, info, rowSum) => {
      const s1 = tf.sum(x, 1, true);
      const total = tf.add(s1, tf.square(s1)); // Σκ = S1 + S1²
      return { out: tf.mul(total, tf.fill([1, n], c)), rowSum: rowSum ? tf.fill([n], c * info.D) : undefined };
    },
  });
}

/** `constant_reconciliation`: W = c·1_{n×D}, l = 0. */
export function constantReconciliation(options: ConstantReconciliationOptions = {}): Reconciliation {
  const o = CONSTANT_RECONCILIATION_OPTIONS.parse(options);
  return constantLike('constant_reconciliation', o, o.c, true, 'constant_c_reconciliation');
}

/** `zero_reconciliation`: W = 0, l = 0. */
export function zeroReconciliation(options: ReconciliationOptions = {}): Reconciliation {
  return constantLike('zero_reconciliation', BASE_RECONCILIATION_OPTIONS.named('zero_reconciliation').parse(options), 0, false, 'zero_reconciliation');
}

/** `one_reconciliation`: W = 1, l = 0. */
export function oneReconciliation(options: ReconciliationOptions = {}): Reconciliation {
  return constantLike('one_reconciliation', BASE_RECONCILIATION_OPTIONS.named('one_reconciliation').parse(options), 1, false, 'one_reconciliation');
}

/** `constant_eye_reconciliation`: W = I_{n×D} (`torch.eye(n, D)`), l = 0. */
export function constantEyeReconciliation(options: ReconciliationOptions = {}): Reconciliation {
  const className = 'constant_eye_reconciliation';
  const { name = className, enableBias } = BASE_RECONCILIATION_OPTIONS.named(className).parse(options);
  return defineReconciliation({
    className,
    name,
    own: { enableBias },
    requireParameters: false,
    enableBias,
    structure: { type: 'constant_eye' },
    calculateL: () => 0,
    psi: (_w, n, D) => tf.eye(n, D),
    // κ·Iᵀ = the first min(n, D) columns of κ, zero-padded to n.
    product: (kappa, _w, n, D) => {
      const k = Math.min(n, D);
      const head = k === D ? kappa : tf.slice(kappa, [0, 0], [-1, k]);
      return k === n ? head : tf.pad(head, [[0, 0], [0, n - k]]);
    },
  });
}

/** `identity_reconciliation`: W = reshape(w, [n, D]), l = n·D. */
export function identityReconciliation(options: ReconciliationOptions = {}): Reconciliation {
  const className = 'identity_reconciliation';
  const { name = className, enableBias } = BASE_RECONCILIATION_OPTIONS.named(className).parse(options);
  return defineReconciliation({
    className,
    name,
    own: { enableBias },
    requireParameters: true,
    enableBias,
    structure: { type: 'identity' },
    calculateL: (n, D) => n * D,
    psi: (w, n, D) => tf.reshape(w!, [n, D]),
    // κ·Wᵀ with explicit transposes, oriented by shape (wasm, W [64, 6272] and [10, 512]):
    // (W·κᵀ)ᵀ when b < n (b = 1: 1.0 ms against 7.8 ms forward), κ·Wᵀ otherwise (b = 1000:
    // 118 ms against 318 ms); equal at b = n = 64. W is an untaped view of w (a taped reshape
    // would save a copy of all n·D values for the backward pass).
    product: (kappa, w, n, D) => {
      const W = reshapeUnsaved(w!, [n, D]);
      return (kappa.shape[0] as number) < n ? mmTBig(kappa, W) : mmT(kappa, W);
    },
    taylor2: (x, w, n, info, rowSum) => {
      // H = x·Wgridᵀ as one matMul on W viewed [n(m+1), m], contracted with [1, x]; W·1 rides on
      // the same matMul (an extra column of ones): neither κ(x) (b × D) nor a reduction over W.
      return taylor2Grid(x, w!, n, info.m, rowSum);
    },
    taylor2KeepsShape: true,
  });
}

/** Options of the duplicated padding reconciliations. */
export const PADDING_RECONCILIATION_OPTIONS = defineOptions('duplicated_padding_reconciliation', {
  p: int({ default: 2, min: 1, doc: 'row duplication count; must divide n' }),
  q: int({ min: 1, doc: 'column duplication count (default p); must divide D' }),
}, RECONCILIATION_BASE);
/** Options of the duplicated padding reconciliations. */
export type PaddingReconciliationOptions = OptionsOf<typeof PADDING_RECONCILIATION_OPTIONS>;

/** Options shared by the two duplicated padding reconciliations: p, q (default p) and l = (n/p)·(D/q). */
function paddingSetup(className: string, options: PaddingReconciliationOptions) {
  const { name = className, enableBias, p, q = p } = PADDING_RECONCILIATION_OPTIONS.named(className).parse(options);
  const calculateL = (n: number, D: number): number => {
    assertDivides(p, 'p', n, 'n', className);
    assertDivides(q, 'q', D, 'D', className);
    return (n / p) * (D / q);
  };
  return { name, enableBias, p, q, calculateL };
}

/**
 * `duplicated_padding_reconciliation` (tinyBIG's code): `W = reshape(outer(1_{pq}, w), [n, D])`,
 * i.e. w (length s·t, s = n/p, t = D/q) tiled p·q times; l = s·t.
 */
export function duplicatedPaddingReconciliation(options: PaddingReconciliationOptions = {}): Reconciliation {
  const className = 'duplicated_padding_reconciliation';
  const { name, enableBias, p, q, calculateL } = paddingSetup(className, options);
  return defineReconciliation({
    className,
    name,
    own: { p, q, enableBias },
    requireParameters: true,
    enableBias,
    structure: { type: 'duplicated_padding', p, q },
    calculateL,
    psi: (w, n, D) => outerPsi(tf.ones([p * q]), w!, n, D),
    product: (kappa, w, n, D) => outerProduct(kappa, tf.ones([p * q]), w!, n, D),
    taylor2: (x, w, n, info, rowSum) => outerTaylor2(x, tf.ones([p * q]), w!, n, info, rowSum),
  });
}

/**
 * `duplicated_diagonal_padding_reconciliation`: the block diagonal `I_p ⊗ reshape(w, [s, t])`
 * (p copies of the s × t block on the diagonal; needs p = q), l = s·t. tinyBIG returns it as a
 * sparse COO matrix; here it is dense (the structured product never builds it).
 */
export function duplicatedDiagonalPaddingReconciliation(options: PaddingReconciliationOptions = {}): Reconciliation {
  const className = 'duplicated_diagonal_padding_reconciliation';
  const { name, enableBias, p, q, calculateL } = paddingSetup(className, options);
  if (p !== q) throw new ValueError(`${className} needs p = q`, { argument: 'q', expected: `q = p = ${p}`, received: String(q) });
  return defineReconciliation({
    className,
    name,
    own: { p, q, enableBias },
    requireParameters: true,
    enableBias,
    structure: { type: 'duplicated_diagonal_padding', p, q },
    calculateL,
    psi: (w, n, D) => {
      const s = n / p;
      const t = D / q;
      // [p, s, p, t] with block (a, a) = reshape(w, [s, t]): eye(p) ⊗ block, by broadcasting.
      const blocks = tf.mul(tf.reshape(tf.eye(p), [p, 1, p, 1]), tf.reshape(w!, [1, s, 1, t]));
      return tf.reshape(blocks, [n, D]);
    },
    // out[b, a·s + σ] = Σ_τ κ[b, a·t + τ]·w[σ, τ]: one small matMul on κ viewed as [b·p, t].
    product: (kappa, w, n, D) => {
      const b = kappa.shape[0];
      const s = n / p;
      const t = D / q;
      return tf.reshape(mmT(tf.reshape(kappa, [b * p, t]), tf.reshape(w!, [s, t])), [b, n]);
    },
  });
}
