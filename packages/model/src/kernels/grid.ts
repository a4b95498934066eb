import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, gridLayout, type HeadKernel, type KernelContext, type KernelParameters } from '@rpn/core';
import type { KernelFactory, KernelRequest } from './rpn.js';
import { checkGridWidths, convGatherIndex, gatherColumns, gatherPlan, type GridGeometry } from './patches.js';
import { channelMajor, foldTerms, offsetViews } from './shifts.js';

/**
 * The grid (convolution) kernel of tinyBIG's `grid_interdependence_head`
 * (`calculate_inner_product` overridden to share one kernel across patches):
 * `out[b, c_out·P + p] = Σ_k X[b, p, k] · W[c_out, k] + bias[c_out·P + p]`, with
 * `X[b, p, c·S + o]` = input channel c at offset o of patch p (0 outside the grid) and ONE
 * `W = ψ(w) ∈ R^{out_channel × in_channel·S}` shared by every patch.
 *
 * What a forward builds: the small kernel `W = ψ(w)` (`C_out × C_in·S`; identity: a view of w),
 * then, on the fast path (default), the sum over the S offsets of `X_o · W_oᵀ` with the per-offset
 * views `X_o` `[b·P, C_in]` of `offsetViews` (one padded copy of the input, then one 4-D slice per
 * offset, summed as they come: one view and one partial sum alive at a time; no patch buffer), or, on the plain path (`RPN_FAST_PATHS=0`), the gathered patches
 * `[b·P, C_in·S]` (the input with one zero column, one `tf.gather` through an int32 index
 * precomputed at construction; its gradient is a second gather and a sum, see `gatherColumns`)
 * times Wᵀ in ONE product. Both give `[b·P, C_out]`, permuted to the channel-major `[b, C_out·P]`.
 * Never a block-diagonal W, nor the head-sized `n × D = (C_out·P) × (P·C_in·S)` matrix.
 *
 * Input layout `gridLayout(h, w, d, C_in)`, output layout `gridLayout(h', w', d', C_out)` (the
 * packed grid); the bias is `[C_out·P]` (one value per output position, tinyBIG's `b` of the head's n).
 */
export function gridKernel(geometry: GridGeometry, outChannel: number): KernelFactory {
  return (request: KernelRequest): HeadKernel => {
    const g = geometry;
    const { patchNum: P, patchSize: S, channels: C, m } = g;
    const n = outChannel * P;
    checkGridWidths(request, g, n, 'conv', 'in_channel', 'out_channel');
    const psi = request.reconciliation;
    if (!psi) throw new ConfigError('the conv head needs a parameter reconciliation', { argument: 'parameter_fabrication', expected: 'identity, lorr or dual_lphm reconciliation', received: 'none' });
    const D = C * S;
    const l = psi.requireParameters ? (request.l ?? psi.calculateL(outChannel, D)) : 0;
    const plan = gatherPlan(convGatherIndex(g), m);
    const [h2, w2, d2] = g.outputGridShape;
    return Object.freeze({
      kind: 'grid',
      inLayout: gridLayout(g.h, g.w, g.d, C),
      outLayout: gridLayout(h2, w2, d2, outChannel),
      mPrime: P * D,
      D: P * D,
      l,
      lAttribute: 0,
      lInstance: 0,
      biasShape: [n],
      remainder: Object.freeze({ m, n, steps: 1 }),
      forward(x: Tensor, p: KernelParameters, ctx: KernelContext): Tensor {
        const b = x.shape[0] as number;
        const W = psi.forward(p.wFlat(), outChannel, D);
        let y: Tensor;
        if (ctx.fastPaths) {
          // Σ_o X_o · W_oᵀ, W_o = the columns c·S + o of W, as [C, C_out] slices of Wᵀ viewed [S, C, C_out]
          const Wt = tf.transpose(tf.reshape(W, [outChannel, C, S]), [2, 1, 0]);
          const views = offsetViews(x, g);
          const term = (o: number) => tf.tidy(() => {
            const xo = views.view(o);
            return tf.matMul(xo, tf.reshape(tf.slice(Wt, [o, 0, 0], [1, C, outChannel]), [C, outChannel]));
          });
          y = foldTerms(views.count, term, (a, t) => tf.add(a, t));
        } else {
          y = tf.matMul(tf.reshape(gatherColumns(x, plan), [b * P, D]), tf.transpose(W));
        }
        const out = channelMajor(y, b, P);
        return p.b ? tf.add(out, p.b) : out;
      },
    });
  };
}
