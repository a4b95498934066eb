import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, gridLayout, type HeadKernel, type KernelContext, type KernelParameters } from '@rpn/core';
import type { KernelFactory, KernelRequest } from './rpn.js';
import { convGatherIndex, gatherColumns, gatherPlan, type GridGeometry } from './patches.js';

/**
 * The grid (convolution) kernel of tinyBIG's `grid_interdependence_head`
 * (`calculate_inner_product` overridden to share one kernel across patches):
 * `out[b, c_out·P + p] = Σ_k X[b, p, k] · W[c_out, k] + bias[c_out·P + p]`, with
 * `X[b, p, c·S + o]` = input channel c at offset o of patch p (0 outside the grid) and ONE
 * `W = ψ(w) ∈ R^{out_channel × in_channel·S}` shared by every patch.
 *
 * What a forward builds: the input with one zero column `[b, m+1]`, the gathered patches
 * `[b·P, C_in·S]` (one `tf.gather` through an int32 index precomputed at construction), their
 * product with W (`[b·P, C_out]`; identity: W is a view of w; lorr / dual_lphm with fast paths on:
 * ψ's own `product`, W is never built), and the channel-major output `[b, C_out·P]`. Never a
 * block-diagonal W, nor the head-sized `n × D = (C_out·P) × (P·C_in·S)` matrix. Its gradient with
 * respect to x is a second gather and a sum (no scatter, see `gatherColumns`).
 *
 * Input layout `gridLayout(h, w, d, C_in)`, output layout `gridLayout(h', w', d', C_out)` (the
 * packed grid); the bias is `[C_out·P]` (one value per output position, tinyBIG's `b` of the head's n).
 */
export function gridKernel(geometry: GridGeometry, outChannel: number): KernelFactory {
  return (request: KernelRequest): HeadKernel => {
    const g = geometry;
    const { patchNum: P, patchSize: S, channels: C, m } = g;
    const n = outChannel * P;
    if (request.m !== m) throw new ConfigError('the conv head reads another width than its grid', { argument: 'm', expected: `${m} (h·w·d·in_channel)`, received: String(request.m) });
    if (request.n !== n) throw new ConfigError('the conv head writes another width than its patches', { argument: 'n', expected: `${n} (out_channel·patch_num)`, received: String(request.n) });
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
        const patches = tf.reshape(gatherColumns(x, plan), [b * P, D]);
        let y: Tensor;
        const wf = p.wFlat();
        if (ctx.fastPaths && psi.product) y = psi.product(patches, wf, outChannel);
        else y = tf.matMul(patches, tf.transpose(psi.forward(wf, outChannel, D)));
        const out = tf.reshape(tf.transpose(tf.reshape(y, [b, P, outChannel]), [0, 2, 1]), [b, n]);
        return p.b ? tf.add(out, p.b) : out;
      },
    });
  };
}
