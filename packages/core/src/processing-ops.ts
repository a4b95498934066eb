import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { ForwardContext } from './contracts.js';

// The tensor math of the processing functions that are not element-wise (torch.nn.functional
// layer_norm, dropout, softmax; torch.nn.BatchNorm1d). Their registry entries are in processing-entries.ts.

/** Layer normalisation over the last axis: `(x − mean)/√(var + ε)` (biased variance), then optional affine. */
export function layerNorm(x: Tensor, eps = 1e-5, weight?: Tensor, bias?: Tensor): Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
    if (weight) y = tf.mul(y, weight);
    if (bias) y = tf.add(y, bias);
    return y;
  });
}
/** torch `F.dropout(x, p, training)`: identity unless training with p > 0. */
export function dropout(x: Tensor, p: number, ctx?: ForwardContext): Tensor {
  if (!ctx?.training || p === 0) return tf.clone(x);
  return tf.dropout(x, p, undefined, ctx.seed);
}

/** Softmax along `dim` (default last). */
export function softmaxDim(x: Tensor, dim: number | undefined, log: boolean): Tensor {
  const axis = dim == null ? -1 : dim;
  const ax = axis < 0 ? x.rank + axis : axis;
  if (ax === x.rank - 1) return log ? tf.logSoftmax(x) : tf.softmax(x);
  return tf.tidy(() => {
    const perm = x.shape.map((_, i) => i);
    [perm[ax], perm[x.rank - 1]] = [perm[x.rank - 1], perm[ax]];
    const t = tf.transpose(x, perm);
    return tf.transpose(log ? tf.logSoftmax(t) : tf.softmax(t), perm);
  });
}

/**
 * Batch normalisation over the feature axis of `[b, f]` (torch `BatchNorm1d`): training mode
 * uses the batch mean and biased variance and updates `running_mean`/`running_var`
 * (unbiased) with `momentum`; eval mode uses the running statistics. Without buffers
 * (tinyBIG's string form) it always uses batch statistics.
 */
export function batchNorm(x: Tensor, o: { readonly eps: number; readonly momentum: number }, ctx?: ForwardContext): Tensor {
  const { eps, momentum } = o;
  const p = ctx?.params ?? {};
  const rm = p.running_mean as Variable | undefined;
  const rv = p.running_var as Variable | undefined;
  const useBatch = ctx?.training !== false || !rm || !rv;
  return tf.tidy(() => {
    let y: Tensor;
    if (useBatch) {
      const { mean, variance } = tf.moments(x, 0);
      y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
      if (ctx?.training && rm && rv) {
        const b = x.shape[0];
        const unbiased = b > 1 ? tf.mul(variance, b / (b - 1)) : variance;
        rm.assign(tf.add(tf.mul(rm, 1 - momentum), tf.mul(mean, momentum)));
        rv.assign(tf.add(tf.mul(rv, 1 - momentum), tf.mul(unbiased, momentum)));
        const nb = p.num_batches_tracked as Variable | undefined;
        if (nb) nb.assign(tf.add(nb, tf.scalar(1, nb.dtype)));
      }
    } else {
      y = tf.div(tf.sub(x, rm!), tf.sqrt(tf.add(rv!, eps)));
    }
    if (p.weight) y = tf.mul(y, p.weight);
    if (p.bias) y = tf.add(y, p.bias);
    return y;
  });
}
