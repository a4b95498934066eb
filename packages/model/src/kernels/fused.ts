import type { Tensor } from '@tensorflow/tfjs-core';
import type { Reconciliation, Transformation } from '@rpn/core';

/**
 * A fused product `κ(x)·ψ(w)ᵀ` computed straight from the expansion's input x, building neither
 * κ(x) nor W, for one pair of structures. `product` returns `null` when the pair's parameters do
 * not fit (for example a Taylor order other than 2); the RPN kernel then falls back to ψ's own
 * `product` on a built κ(x), then to the plain path.
 */
export interface FusedProduct {
  /** `structure.type` of the expansion this entry is for. */
  readonly expansion: string;
  /** `structure.type` of the reconciliation, or `*` for every reconciliation. */
  readonly reconciliation: string;
  product(x: Tensor, kappa: Transformation, psi: Reconciliation, w: Tensor | null, n: number): Tensor | null;
}

/**
 * The fused kernels, keyed by (expansion structure, reconciliation structure). Order-2 Taylor
 * (with or without a no-affine layer norm) has a fused path for every reconciliation: each ψ
 * brings its own structured contraction (`productFromInput`), with the generic grid contraction of
 * the built W as its fallback (`packages/reconciliation/README.md`). The B-spline expansion with
 * identity reconciliation brings its own local product (`structure.identityProduct`, @rpn/expansion).
 */
export const FUSED_PRODUCTS: readonly FusedProduct[] = Object.freeze([
  Object.freeze({
    expansion: 'taylor',
    reconciliation: '*',
    product: (x: Tensor, kappa: Transformation, psi: Reconciliation, w: Tensor | null, n: number) => psi.productFromInput?.(x, kappa, w, n) ?? null,
  }),
  // B-spline × identity: the expansion brings the product (each input's d + 1 bases in one window of W)
  Object.freeze({
    expansion: 'bspline',
    reconciliation: 'identity',
    product: (x: Tensor, kappa: Transformation, _psi: Reconciliation, w: Tensor | null, n: number) => {
      const f = kappa.structure?.identityProduct as ((x: Tensor, w: Tensor, n: number) => Tensor | null) | undefined;
      return f && w ? f(x, w, n) : null;
    },
  }),
]);

/** The fused product for a pair, by structure (an exact reconciliation entry first, then `*`), or undefined. */
export function findFusedProduct(kappa: Transformation | undefined, psi: Reconciliation | undefined, table: readonly FusedProduct[] = FUSED_PRODUCTS): FusedProduct | undefined {
  const e = kappa?.structure?.type;
  if (!e || !psi) return undefined;
  const r = psi.structure?.type;
  return table.find((f) => f.expansion === e && r !== undefined && f.reconciliation === r) ?? table.find((f) => f.expansion === e && f.reconciliation === '*');
}
