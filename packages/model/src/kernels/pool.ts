import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, gridLayout, type HeadKernel, type KernelContext, type KernelParameters } from '@rpn/core';
import type { KernelFactory, KernelRequest } from './rpn.js';
import { checkGridWidths, gatherColumns, gatherPlan, poolGatherIndex, type GridGeometry } from './patches.js';
import { channelMajor, foldTerms, offsetViews } from './shifts.js';

/** A reduction over the last axis of `[b, k, S]` → `[b, k]`, with torch's gradient. */
type Reduce = (v: Tensor) => Tensor;

type Op = Parameters<typeof tf.customGrad>[0];
type Save = (tensors: Tensor[]) => void;
/**
 * A metric with its own gradient. The forward saves what the gradient reads (tfjs keeps saved
 * tensors for the backward pass; a closure over them would see tensors the forward's tidy freed).
 */
const custom = (f: (v: Tensor) => { value: Tensor; keep: Tensor[]; grad: (dy: Tensor, saved: Tensor[]) => Tensor }): Reduce => {
  const op = tf.customGrad(((v: Tensor, save: Save) => {
    const r = f(v);
    save(r.keep);
    return { value: r.value, gradFunc: (dy: Tensor, saved: Tensor[]) => r.grad(dy, saved) };
  }) as unknown as Op);
  return (v) => op(v) as Tensor;
};
const expand = (dy: Tensor): Tensor => tf.expandDims(dy, -1);

/**
 * max / min with torch's gradient: all of dy goes to the FIRST extreme element of each patch
 * (tfjs's own gradient would give it to every tied element, e.g. the equal background values of an
 * image or the zero padding).
 */
const extreme = (which: 'max' | 'min'): Reduce => custom((v) => ({
  value: which === 'max' ? tf.max(v, -1) : tf.min(v, -1),
  keep: [v],
  grad: (dy, [sv]) => {
    const S = sv.shape[sv.rank - 1] as number;
    const arg = which === 'max' ? tf.argMax(sv, -1) : tf.argMin(sv, -1);
    return tf.mul(expand(dy), tf.cast(tf.oneHot(arg, S), dy.dtype));
  },
}));

/** Σ|v| with torch's gradient sign(v) (0 at 0). */
const l1: Reduce = custom((v) => ({ value: tf.sum(tf.abs(v), -1), keep: [v], grad: (dy, [sv]) => tf.mul(expand(dy), tf.sign(sv)) }));

/** √Σv² with torch's gradient v/‖v‖, and 0 (not NaN) for an all-zero patch. */
const l2: Reduce = custom((v) => {
  const norm = tf.sqrt(tf.sum(tf.square(v), -1));
  return {
    value: norm,
    keep: [v, norm],
    grad: (dy, [sv, sn]) => {
      const nz = tf.greater(sn, 0);
      const scale = tf.where(nz, tf.div(dy, tf.where(nz, sn, tf.onesLike(sn))), tf.zerosLike(sn));
      return tf.mul(sv, expand(scale));
    },
  };
});

/**
 * Π v with the gradient Π_{k≠o} v_k as exclusive forward × backward cumulative products (exact with
 * zeros, e.g. the padding). tfjs's own Prod gradient fails here (axis −1, and a chained-op call that
 * tfjs-core's Node entry does not register).
 */
const prod: Reduce = custom((v) => {
  const ax = v.rank - 1;
  return { value: tf.prod(v, ax), keep: [v], grad: (dy, [sv]) => tf.mul(expand(dy), tf.mul(tf.cumprod(sv, ax, true, false), tf.cumprod(sv, ax, true, true))) };
});

/** `√s` with the gradient `1/(2√s)`, and 0 (not ∞) at s = 0: l2 pooling of an all-zero patch. */
const safeSqrt = custom((s) => {
  const r = tf.sqrt(s);
  return {
    value: r,
    keep: [r],
    grad: (dy, [sr]) => {
      const nz = tf.greater(sr, 0);
      return tf.where(nz, tf.div(dy, tf.mul(2, tf.where(nz, sr, tf.onesLike(sr)))), tf.zerosLike(sr));
    },
  };
});

/**
 * A pooling metric in the two forms the pooling kernel uses: `reduce` over the last axis of the
 * gathered patches `[b, k, S]` (plain path), and `combine` of the S per-offset views (fast path,
 * element-wise; max/min chained left to right so a tie sends the gradient to the first offset).
 */
export interface PoolingMetric {
  readonly name: string;
  reduce(v: Tensor): Tensor;
  /** `view(o)` gives the S per-offset views one at a time (see `foldTerms`). */
  combine(count: number, view: (o: number) => Tensor): Tensor;
}

const add = (a: Tensor, b: Tensor): Tensor => tf.add(a, b);
const mapped = (view: (o: number) => Tensor, f: (v: Tensor) => Tensor) => (o: number): Tensor => tf.tidy(() => f(view(o)));

/**
 * tinyBIG's pooling metrics (`koala.linear_algebra.metric` as `grid_compression_head` calls it):
 * batch_max, batch_min, batch_sum, batch_prod, batch_l1_norm Σ|v|, batch_l2_norm √Σv², with
 * torch's gradients (first extreme element, sign(0) = 0, 0 at an all-zero l2 patch). Any other name
 * (notably `batch_mean`) fails in tinyBIG with "Unknown metric name".
 */
export const POOLING_METRICS: Readonly<Record<string, PoolingMetric>> = Object.freeze({
  batch_max: { name: 'batch_max', reduce: extreme('max'), combine: (S: number, view: (o: number) => Tensor) => foldTerms(S, view, (a, b) => tf.maximum(a, b)) },
  batch_min: { name: 'batch_min', reduce: extreme('min'), combine: (S: number, view: (o: number) => Tensor) => foldTerms(S, view, (a, b) => tf.minimum(a, b)) },
  batch_sum: { name: 'batch_sum', reduce: (v: Tensor) => tf.sum(v, -1), combine: (S: number, view: (o: number) => Tensor) => foldTerms(S, view, add) },
  batch_prod: { name: 'batch_prod', reduce: prod, combine: (S: number, view: (o: number) => Tensor) => foldTerms(S, view, (a, b) => tf.mul(a, b)) },
  batch_l1_norm: { name: 'batch_l1_norm', reduce: l1, combine: (S: number, view: (o: number) => Tensor) => foldTerms(S, mapped(view, (v) => tf.mul(v, tf.sign(v))), add) },
  batch_l2_norm: { name: 'batch_l2_norm', reduce: l2, combine: (S: number, view: (o: number) => Tensor) => safeSqrt(foldTerms(S, mapped(view, (v) => tf.square(v)), add)) },
});

/** The metric of a `pooling_metric` name; a ConfigError naming `pooling_metric` for any other. */
export function poolingMetric(name: unknown): PoolingMetric {
  const f = typeof name === 'string' && Object.prototype.hasOwnProperty.call(POOLING_METRICS, name) ? POOLING_METRICS[name] : undefined;
  if (!f) throw new ConfigError('unknown pooling metric', { argument: 'pooling_metric', expected: `one of ${Object.keys(POOLING_METRICS).join(', ')}`, received: JSON.stringify(name) });
  return f;
}

/**
 * The pooling kernel of tinyBIG's `grid_compression_head` (κ = geometric_compression with a metric):
 * `out[b, c·P + p] = metric(values of patch p in channel c, zero padding included)`, no parameters.
 * Fast path (default): the S per-offset views `[b·P, C]` of `offsetViews` combined element-wise as they come
 * (no `[b, P, S]` buffer). Plain path (`RPN_FAST_PATHS=0`): the input with one zero column
 * `[b, m+1]`, the gathered patches `[b, C·P, S]` (one `tf.gather` through an int32 index
 * precomputed at construction), reduced over S. Both give `[b, C·P]`. Input layout `gridLayout(h, w, d, C)`, output `gridLayout(h', w', d', C)`.
 */
export function poolKernel(geometry: GridGeometry, metric: PoolingMetric): KernelFactory {
  return (request: KernelRequest): HeadKernel => {
    const g = geometry;
    const { patchNum: P, patchSize: S, channels: C, m } = g;
    const n = C * P;
    checkGridWidths(request, g, n, 'pooling', 'channel_num', 'channel_num');
    const plan = gatherPlan(poolGatherIndex(g), m);
    const [h2, w2, d2] = g.outputGridShape;
    return Object.freeze({
      kind: 'pool',
      inLayout: gridLayout(g.h, g.w, g.d, C),
      outLayout: gridLayout(h2, w2, d2, C),
      mPrime: m,
      D: n,
      l: 0,
      lAttribute: 0,
      lInstance: 0,
      biasShape: [n],
      remainder: Object.freeze({ m, n, steps: 1 }),
      forward(x: Tensor, _p: KernelParameters, ctx: KernelContext): Tensor {
        const b = x.shape[0] as number;
        if (ctx.fastPaths) {
          const views = offsetViews(x, g);
          return channelMajor(metric.combine(views.count, views.view), b, P);
        }
        return metric.reduce(tf.reshape(gatherColumns(x, plan), [b, n, S]));
      },
    });
  };
}
