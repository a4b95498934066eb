import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, chainLayout, type HeadKernel, type Interdependence, type KernelContext, type KernelParameters } from '@rpn/core';
import { kernelSizes, reconciledProduct, type KernelFactory, type KernelRequest } from './rpn.js';

/**
 * Reads the constant L×L matrix of a chain interdependence once (no data, no parameters) and
 * returns its transpose, row-major, as plain numbers (no tensor outlives the call).
 */
function chainMatrixTransposed(inst: Interdependence | undefined, L: number): Float32Array {
  if (!inst) {
    throw new ConfigError('a chain head needs a chain interdependence', { argument: 'instance_interdependence', expected: 'an instance interdependence over the L steps (chain_interdependence, multihop, …)', received: 'nothing' });
  }
  if (inst.type !== 'instance' || inst.requireData || inst.requireParameters) {
    throw new ConfigError('the chain kernel applies a constant interdependence over the steps', {
      argument: 'instance_interdependence',
      expected: 'an instance interdependence that needs neither data nor parameters',
      received: `${inst.className} (type ${inst.type}${inst.requireData ? ', needs data' : ''}${inst.requireParameters ? ', needs parameters' : ''})`,
    });
  }
  const A = inst.calculateA(null);
  try {
    if (A.rank !== 2 || A.shape[0] !== L || A.shape[1] !== L) {
      throw new ConfigError('the chain interdependence matrix does not match the chain length', { argument: 'chain_length', expected: `an ${L}×${L} matrix`, received: `shape [${A.shape.join(', ')}] from ${inst.className}` });
    }
    const a = A.dataSync();
    const at = new Float32Array(L * L);
    for (let t = 0; t < L; t++) for (let u = 0; u < L; u++) at[u * L + t] = a[t * L + u];
    return at;
  } finally {
    A.dispose();
  }
}

/**
 * The chain kernel of tinyBIG's `chain_interdependence_head` (`calculate_instance_xi_x` over the
 * time axis, then `calculate_inner_product` per step). Rows are chains of L steps of m features,
 * `x[b, t·m + j]` (chainLayout(L, m)); per channel c:
 * `y[b, t', :] = (Σ_t A[t, t'] · κ(X[b, t, :])) · ψ(w_c)ᵀ + bias`, flattened to `[b, L·n]`.
 *
 * What it builds: the constant L×L matrix Aᵀ (read once from the interdependence, applied as one
 * batched product `[1, L, L] × [b, L, D]` over the step axis, never an (L·m)×(L·m) matrix), the
 * per-step rows `[b·L, D]`, and W = ψ(w_c) `[n, D]` on the plain path (ψ's own `product` skips W
 * on the fast path). Because A mixes steps and W mixes features, the fast path applies W first
 * when n < D (`Aᵀ(X Wᵀ)`, fewer flops); the plain path (`fastPaths` off) keeps tinyBIG's order
 * `(Aᵀ X) Wᵀ`. κ (identity in tinyBIG) is applied per step. The remainder is per step
 * (`remainder.steps = L`, `w_remainder [n, m]`), applied by the head assembler.
 */
export function chainKernel(chainLength: number): KernelFactory {
  return (request: KernelRequest): HeadKernel => {
    const L = chainLength;
    const { n, channelNum: C } = request;
    if (request.m % L !== 0) {
      throw new ConfigError('the chain length does not divide the head input width', { argument: 'chain_length', expected: `a divisor of m = ${request.m}`, received: String(L) });
    }
    const m = request.m / L;
    if (request.attributeInterdependence) {
      throw new ConfigError('the chain kernel has no attribute interdependence', { argument: 'attribute_interdependence', expected: 'none (the chain interdependence is over the steps)', received: request.attributeInterdependence.className });
    }
    const kappa = request.dataTransformation;
    const psi = request.reconciliation;
    const inst = request.instanceInterdependence;
    const at = chainMatrixTransposed(inst, L);
    const { D, l } = kernelSizes(request, m);
    if (!psi && D !== n) {
      throw new ConfigError('without a reconciliation the chain head outputs κ(ξ(x)) itself', { argument: 'n', expected: `n = D = ${D}`, received: String(n) });
    }
    const kappaParams = (kappa?.parameterSpecs?.() ?? []).length > 0;

    /** `Σ_t A[t, t'] v[b, t, :]` for `v` of `[b, L, k]`: one broadcast batched product. */
    const overSteps = (v: Tensor): Tensor => tf.matMul(tf.tensor3d(at, [1, L, L]), v);
    /** κ per step, `[b, L·m] → [b·L, D]`. */
    const kappaRows = (x: Tensor, b: number, ctx: KernelContext): Tensor => {
      const rows = tf.reshape(x, [b * L, m]);
      return kappa ? kappa.forward(rows, ctx.context('data_transformation.')) : rows;
    };
    const weights = (rows: Tensor, p: KernelParameters, ctx: KernelContext): Tensor => reconciledProduct(psi!, rows, p.wFlat(), n, ctx.fastPaths);

    return Object.freeze({
      kind: 'chain',
      inLayout: chainLayout(L, m),
      outLayout: chainLayout(L, n),
      mPrime: m,
      D,
      l,
      lAttribute: 0,
      lInstance: 0,
      biasShape: [n],
      remainder: Object.freeze({ m, n, steps: L }),
      forward(x: Tensor, p: KernelParameters, ctx: KernelContext): Tensor {
        const b = x.shape[0] as number;
        let out: Tensor;
        if (psi && ctx.fastPaths && n < D) {
          // Aᵀ (κ Wᵀ): the step mixing runs on n columns instead of D
          const y = weights(kappaRows(x, b, ctx), p, ctx);
          out = tf.reshape(overSteps(tf.reshape(y, [b, L, n])), [b * L, n]);
        } else {
          const shared = C > 1 && !kappaParams;
          let xi = shared ? ctx.cache.get('chain_xi') : undefined;
          if (!xi) {
            xi = tf.reshape(overSteps(tf.reshape(kappaRows(x, b, ctx), [b, L, D])), [b * L, D]);
            if (shared) ctx.cache.set('chain_xi', xi);
          }
          out = psi ? weights(xi, p, ctx) : xi;
        }
        if (p.b) out = tf.add(out, p.b);
        return tf.reshape(out, [b, L * n]);
      },
    });
  };
}
