import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  flatLayout, type HeadKernel, type Interdependence, type KernelContext, type KernelParameters, type Layout, type Reconciliation, type Transformation,
} from '@rpn/core';
import { findFusedProduct, FUSED_PRODUCTS, type FusedProduct } from './fused.js';

/** The functions a head assembles; every kernel factory receives them, resolved. */
export interface HeadComponents {
  readonly dataTransformation?: Transformation;
  readonly reconciliation?: Reconciliation;
  readonly attributeInterdependence?: Interdependence;
  readonly instanceInterdependence?: Interdependence;
}

/** What a kernel factory gets from the assembler: sizes, components and the explicit counts of the options. */
export interface KernelRequest extends HeadComponents {
  readonly m: number;
  readonly n: number;
  readonly channelNum: number;
  /** Explicit `l`, `l_attribute_interdependence`, `l_instance_interdependence` (tinyBIG options) when given. */
  readonly l?: number | null;
  readonly lAttribute?: number | null;
  readonly lInstance?: number | null;
}

/** Builds a head's kernel from its resolved components. */
export type KernelFactory = (request: KernelRequest) => HeadKernel;

/**
 * The sizes every kernel over `x·A_a → κ` declares: m' = ξ_a.calculate_m_prime(m), D = κ.calculate_D(m'),
 * and the parameter counts l = ψ.calculate_l(n, D), l_a, l_i (tinyBIG's explicit counts when given).
 */
export function kernelSizes(request: KernelRequest, m: number = request.m, n: number = request.n): { mPrime: number; D: number; l: number; lAttribute: number; lInstance: number } {
  const { dataTransformation: kappa, reconciliation: psi, attributeInterdependence: attr, instanceInterdependence: inst } = request;
  const mPrime = attr ? attr.calculateMPrime(m) : m;
  const D = kappa ? kappa.calculateD(mPrime) : mPrime;
  return {
    mPrime,
    D,
    l: psi && psi.requireParameters ? (request.l ?? psi.calculateL(n, D)) : 0,
    lAttribute: attr && attr.requireParameters ? (request.lAttribute ?? attr.calculateL()) : 0,
    lInstance: inst && inst.requireParameters ? (request.lInstance ?? inst.calculateL()) : 0,
  };
}

/**
 * `κ · ψ(w)ᵀ` for rows κ `[r, D]`: ψ's own structured `product` when fast paths are on and it has
 * one (W is never built), else the plain `κ · ψ(w, n, D)ᵀ`.
 */
export function reconciledProduct(psi: Reconciliation, k: Tensor, wf: Tensor | null, n: number, fast: boolean): Tensor {
  if (fast && psi.product) return psi.product(k, wf, n);
  return tf.matMul(k, tf.transpose(psi.forward(wf, n, k.shape[1] as number)));
}

/**
 * The RPN kernel (tinyBIG `head.calculate_inner_product` on `calculate_kappa_xi_x`): per channel c,
 * `A_iᵀ · κ(X·A_a) · ψ(w_c)ᵀ + b`, on flat rows `[m] → [n]`. It takes the cheapest of three equal
 * paths: (a) a fused product for the pair (κ structure, ψ structure) from {@link FUSED_PRODUCTS},
 * building neither κ(x) nor W; (b) ψ's own `product` on a built κ(x), without W; (c) the plain
 * W = ψ(w), κ·Wᵀ. κ(x) is shared by the channels when no channel has its own ξ parameters.
 */
export function rpnKernel(request: KernelRequest, fused: readonly FusedProduct[] = FUSED_PRODUCTS): HeadKernel {
  const { m, n, channelNum: C } = request;
  const kappa = request.dataTransformation;
  const psi = request.reconciliation;
  const attr = request.attributeInterdependence;
  const inst = request.instanceInterdependence;
  const { mPrime, D, l, lAttribute, lInstance } = kernelSizes(request);
  const kappaHasParams = (kappa?.parameterSpecs?.() ?? []).length > 0;
  // (a) applies only where nothing sits between x and κ·ψᵀ that the fused product cannot see
  const fusedEntry = !inst && !kappaHasParams ? findFusedProduct(kappa, psi, fused) : undefined;
  const shareKappa = (!attr || !attr.requireParameters) && (!inst || !inst.requireParameters) && C > 1;
  const inLayout: Layout = flatLayout(m);

  return Object.freeze({
    kind: 'rpn',
    inLayout,
    outLayout: flatLayout(n),
    mPrime,
    D,
    l,
    lAttribute,
    lInstance,
    biasShape: [n],
    remainder: Object.freeze({ m, n, steps: 1 }),
    forward(x: Tensor, p: KernelParameters, ctx: KernelContext): Tensor {
      let out: Tensor | null = null;
      let xa: Tensor | null = null;
      if (ctx.fastPaths && psi && kappa && fusedEntry) {
        xa = attr ? attr.forward(x, p.wAttribute) : x;
        out = fusedEntry.product(xa, kappa, psi, p.w, n);
      }
      if (!out) {
        let kx = shareKappa ? ctx.cache.get('kappa_xi_x') : undefined;
        if (!kx) {
          xa ??= attr ? attr.forward(x, p.wAttribute) : x;
          const kappaX = kappa ? kappa.forward(xa, ctx.context('data_transformation.')) : xa;
          kx = inst ? inst.forward(x, p.wInstance, kappaX) : kappaX;
          if (shareKappa) ctx.cache.set('kappa_xi_x', kx);
        }
        if (psi) {
          out = reconciledProduct(psi, kx, p.wFlat(), n, ctx.fastPaths);
        } else out = kx;
      }
      return p.b ? tf.add(out, p.b) : out;
    },
  });
}
