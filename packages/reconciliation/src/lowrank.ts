import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineOptions, int, jsKernelsAvailable } from '@rpn/core';
import type { OptionsOf, Reconciliation } from '@rpn/core';
import { RECONCILIATION_BASE, assertDivides, defineReconciliation, mmT, taylor2Grid, mm } from './common.js';
import { outerProduct, outerPsi, outerTaylor2 } from './outer.js';
import { dualLphmFactorsKernel } from './factor-kernel.js';
import { LORR_KERNEL_MAX_WORK, lorrProductKernel } from './lorr-kernel.js';

/**
 * tinyBIG's `find_close_factors(n)`: the largest divisor of n that is ≤ √n (1 for primes).
 * hm/lphm/dual_lphm use it for p (of n) and q (of D) when they are not given.
 */
export function findCloseFactors(n: number): number {
  if (!Number.isInteger(n) || n < 1) return 1;
  for (let k = Math.floor(Math.sqrt(n)); k >= 1; k--) if (n % k === 0) return k;
  return 1;
}

const rank = int({ default: 2, min: 1, doc: 'rank r' });

/** Options of {@link lorrReconciliation}. */
export const LORR_RECONCILIATION_OPTIONS = defineOptions('lorr_reconciliation', { r: rank }, RECONCILIATION_BASE);
/** Options of {@link lorrReconciliation}. */
export type LorrReconciliationOptions = OptionsOf<typeof LORR_RECONCILIATION_OPTIONS>;

/** `lorr_reconciliation` (low rank): `A = reshape(w[:rn], [n, r])`, `B = reshape(w[rn:], [r, D])`, W = A·B; l = r(n + D). */
export function lorrReconciliation(options: LorrReconciliationOptions = {}): Reconciliation {
  const className = 'lorr_reconciliation';
  const { name = 'low_rank_reconciliation', enableBias, r } = LORR_RECONCILIATION_OPTIONS.parse(options);
  const split = (w: Tensor, n: number, D: number): [Tensor, Tensor] => [tf.reshape(tf.slice(w, [0], [r * n]), [n, r]), tf.reshape(tf.slice(w, [r * n], [r * D]), [r, D])];
  return defineReconciliation({
    className,
    name,
    own: { r, enableBias },
    requireParameters: true,
    enableBias,
    structure: { type: 'lorr', r },
    calculateL: (n, D) => r * (n + D),
    psi: (w, n, D) => {
      const [A, B] = split(w!, n, D);
      return mm(A, B);
    },
    // κ·(A·B)ᵀ = (κ·Bᵀ)·Aᵀ: b·D·r + b·r·n; small products as one JS kernel (wasm, cpu)
    product: (kappa, w, n, D) => {
      if ((kappa.shape[0] as number) * D * r <= LORR_KERNEL_MAX_WORK && jsKernelsAvailable(kappa, w!)) return lorrProductKernel(kappa, w!, n, r);
      const [A, B] = split(w!, n, D);
      return mmT(mmT(kappa, B), A);
    },
    taylor2: (x, w, n, info, rowSum) => {
      const [A, B] = split(w!, n, info.D);
      const Z = taylor2Grid(x, B, r, info.m, rowSum); // κ·Bᵀ: [b, r], and B·1
      return { out: mmT(Z.out, A), rowSum: rowSum ? tf.reshape(mm(A, tf.reshape(Z.rowSum!, [r, 1])), [n]) : undefined };
    },
  });
}

const pq = {
  p: int({ min: 1, nullable: true, doc: 'divisor of n (default find_close_factors(n))' }),
  q: int({ min: 1, nullable: true, doc: 'divisor of D (default find_close_factors(D))' }),
};
/** Options of the hm reconciliation. */
export const HM_RECONCILIATION_OPTIONS = defineOptions('hm_reconciliation', pq, RECONCILIATION_BASE);
/** Options of lphm / dual_lphm. */
export const LPHM_RECONCILIATION_OPTIONS = defineOptions('lphm_reconciliation', { ...pq, r: rank }, RECONCILIATION_BASE);
/** Options of the hm / lphm / dual_lphm reconciliations. */
export type HmReconciliationOptions = OptionsOf<typeof HM_RECONCILIATION_OPTIONS>;
/** Options of lphm / dual_lphm. */
export type LphmReconciliationOptions = OptionsOf<typeof LPHM_RECONCILIATION_OPTIONS>;

interface Pq {
  readonly p: number;
  readonly q: number;
  readonly s: number;
  readonly t: number;
}

function resolvePq(className: string, p0: number | undefined, q0: number | undefined, n: number, D: number): Pq {
  const p = p0 ?? findCloseFactors(n);
  const q = q0 ?? findCloseFactors(D);
  assertDivides(p, 'p', n, 'n', className);
  assertDivides(q, 'q', D, 'D', className);
  return { p, q, s: n / p, t: D / q };
}

/**
 * Shared wiring of the three outer-product reconciliations: `factors(w)` gives (A, B) and, when
 * it can, the row sums W·1 for `rowSumN` = n (else the caller computes them); `fast` is set on
 * the fast paths (`psiFast`, `product`, `taylor2`), never for `psi` (the plain path).
 */
function outerFamily(className: string, options: LphmReconciliationOptions, withRank: boolean, calculate: (d: Pq, r: number) => number, factors: (w: Tensor, d: Pq, r: number, fast: boolean, rowSumN?: number) => [Tensor, Tensor, Tensor?]): Reconciliation {
  const o = withRank ? LPHM_RECONCILIATION_OPTIONS.named(className).parse(options) : { ...HM_RECONCILIATION_OPTIONS.parse(options), r: 0 };
  const { name = className, enableBias } = o;
  const p0 = o.p ?? undefined;
  const q0 = o.q ?? undefined;
  const r = o.r;
  const type = className.replace(/_reconciliation$/, '');
  return defineReconciliation({
    className,
    name,
    own: { p: p0 ?? null, q: q0 ?? null, ...(withRank ? { r } : {}), enableBias },
    requireParameters: true,
    enableBias,
    structure: { type, p: p0, q: q0, ...(withRank ? { r } : {}) },
    calculateL: (n, D) => calculate(resolvePq(className, p0, q0, n, D), r),
    psi: (w, n, D) => {
      const [A, B] = factors(w!, resolvePq(className, p0, q0, n, D), r, false);
      return outerPsi(A, B, n, D);
    },
    psiFast: (w, n, D) => {
      const [A, B] = factors(w!, resolvePq(className, p0, q0, n, D), r, true);
      return outerPsi(A, B, n, D);
    },
    product: (kappa, w, n, D) => {
      const [A, B] = factors(w!, resolvePq(className, p0, q0, n, D), r, true);
      return outerProduct(kappa, A, B, n, D);
    },
    taylor2: (x, w, n, info, rowSum) => {
      const d = resolvePq(className, p0, q0, n, info.D);
      // outerTaylor2 needs L | D or D | L (L = s·t, the length of B); else W is built (psiFast)
      if (info.D % (d.s * d.t) !== 0 && (d.s * d.t) % info.D !== 0) return null;
      const [A, B, rs] = factors(w!, d, r, true, rowSum && info.D % (d.s * d.t) === 0 ? n : 0);
      return outerTaylor2(x, A, B, n, info, rowSum, rs);
    },
  });
}

/** `hm_reconciliation`: `A = w[:pq]`, `B = w[pq:]` (length st), W = reshape(outer(A, B), [n, D]); l = pq + st. */
export function hmReconciliation(options: HmReconciliationOptions = {}): Reconciliation {
  return outerFamily('hm_reconciliation', options, false, (d) => d.p * d.q + d.s * d.t, (w, d) => [tf.slice(w, [0], [d.p * d.q]), tf.slice(w, [d.p * d.q], [d.s * d.t])]);
}

/**
 * `lphm_reconciliation`: `A = w[:pq]`, `S = [s, r]`, `T = [r, t]` next in w, `B = vec(S·T)`,
 * W = reshape(outer(A, B), [n, D]); l = pq + r(s + t).
 */
export function lphmReconciliation(options: LphmReconciliationOptions = {}): Reconciliation {
  return outerFamily('lphm_reconciliation', options, true, (d, r) => d.p * d.q + r * (d.s + d.t), (w, d, r) => {
    const pq = d.p * d.q;
    const S = tf.reshape(tf.slice(w, [pq], [d.s * r]), [d.s, r]);
    const T = tf.reshape(tf.slice(w, [pq + d.s * r], [r * d.t]), [r, d.t]);
    return [tf.slice(w, [0], [pq]), tf.reshape(mm(S, T), [-1])];
  });
}

/**
 * `dual_lphm_reconciliation`: `P [p, r]`, `Q [r, q]`, `S [s, r]`, `T [r, t]` consecutive in w,
 * `A = vec(P·Q)`, `B = vec(S·T)`, W = reshape(outer(A, B), [n, D]); l = r(p + q + s + t).
 */
export function dualLphmReconciliation(options: LphmReconciliationOptions = {}): Reconciliation {
  return outerFamily('dual_lphm_reconciliation', options, true, (d, r) => r * (d.p + d.q + d.s + d.t), (w, d, r, fast, rowSumN = 0) => {
    // fast paths: one JS kernel (and one for its gradient) on wasm and cpu, with W·1 when asked
    if (fast && jsKernelsAvailable(w)) return dualLphmFactorsKernel(w, d.p, d.q, d.s, d.t, r, rowSumN);
    // one SplitV (gradient: one concat) instead of four slices (gradient: four pads and adds)
    const [P, Q, S, T] = tf.split(w, [d.p * r, r * d.q, d.s * r, r * d.t]);
    return [tf.reshape(mm(tf.reshape(P, [d.p, r]), tf.reshape(Q, [r, d.q])), [-1]), tf.reshape(mm(tf.reshape(S, [d.s, r]), tf.reshape(T, [r, d.t])), [-1])];
  });
}
