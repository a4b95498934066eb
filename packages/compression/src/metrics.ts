import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { UnknownNameError, elementwiseFunction, isElementwiseName, processingFunction, processingNames } from '@rpn/core';

/** A row-wise reduction `[n, s] → [n]` (tinyBIG's `batch_*` metrics with `dim=1`). */
export type RowMetric = (x: Tensor) => Tensor;

/** A selection mask `[n, s]` (built from values, outside the gradient tape) picking one element per row. */
function pickMask(x: Tensor, pick: (row: Float32Array | Int32Array | Uint8Array) => number): Tensor {
  const [n, s] = x.shape;
  const data = x.dataSync();
  const mask = new Float32Array(n * s);
  for (let i = 0; i < n; i++) mask[i * s + pick(data.subarray(i * s, (i + 1) * s))] = 1;
  return tf.tensor2d(mask, [n, s]);
}

/** Index of the lower median (torch.median: the ⌊(s−1)/2⌋-th smallest; ties → first occurrence). */
function lowerMedianIndex(row: ArrayLike<number>): number {
  const idx = Array.from({ length: row.length }, (_, i) => i).sort((a, b) => row[a] - row[b] || a - b);
  return idx[Math.floor((row.length - 1) / 2)];
}

/** Index of the most frequent value (ties → the smallest value), like torch.mode on a row. */
function modeIndex(row: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < row.length; i++) counts.set(row[i], (counts.get(row[i]) ?? 0) + 1);
  let best = -1;
  for (let i = 0; i < row.length; i++) {
    if (best < 0) { best = i; continue; }
    const c = counts.get(row[i])!, cb = counts.get(row[best])!;
    if (c > cb || (c === cb && row[i] < row[best])) best = i;
  }
  return best;
}

/** Unbiased variance along axis 1 (torch.var default, n − 1). */
function unbiasedVariance(x: Tensor): Tensor {
  const s = x.shape[1] as number;
  const { variance } = tf.moments(x, 1);
  return s > 1 ? tf.mul(variance, s / (s - 1)) : tf.mul(variance, NaN);
}

/**
 * tinyBIG's `koala.statistics` / `koala.linear_algebra` row metrics. `std`/`variance` are unbiased
 * (n − 1); `median` is the lower median; `skewness` = mean((x − x̄)³)/(σ_biased³ + 1e−12) per row;
 * `entropy` = −Σ (x + 1e−12)·log x; `norm` / `l2_norm` = √Σx², `l1_norm` = Σ|x|.
 */
const METRICS: Record<string, RowMetric> = {
  max: (x) => tf.max(x, 1),
  min: (x) => tf.min(x, 1),
  sum: (x) => tf.sum(x, 1),
  prod: (x) => tf.prod(x, 1),
  mean: (x) => tf.mean(x, 1),
  median: (x) => tf.sum(tf.mul(x, pickMask(x, lowerMedianIndex)), 1),
  mode: (x) => tf.sum(tf.mul(x, pickMask(x, modeIndex)), 1),
  variance: (x) => unbiasedVariance(x),
  std: (x) => tf.sqrt(unbiasedVariance(x)),
  geometric_mean: (x) => tf.exp(tf.mean(tf.log(x), 1)),
  harmonic_mean: (x) => tf.div(x.shape[1] as number, tf.sum(tf.reciprocal(x), 1)),
  entropy: (x) => tf.neg(tf.sum(tf.mul(tf.add(x, 1e-12), tf.log(x)), 1)),
  skewness: (x) => {
    const { mean, variance } = tf.moments(x, 1, true);
    const d = tf.sub(x, mean);
    return tf.div(tf.mean(tf.mul(tf.mul(d, d), d), 1), tf.add(tf.pow(tf.sqrt(tf.squeeze(variance, [1])), 3), 1e-12));
  },
  norm: (x) => tf.sqrt(tf.sum(tf.square(x), 1)),
  l2_norm: (x) => tf.sqrt(tf.sum(tf.square(x), 1)),
  l1_norm: (x) => tf.sum(tf.abs(x), 1),
};

const ALIASES: Record<string, string> = {
  var: 'variance', standard_deviation: 'std', gmean: 'geometric_mean', hmean: 'harmonic_mean', skew: 'skewness',
};

/** Canonical short metric name (`batch_std`, `tinybig.koala.statistics.batch_std`, `std` → `std`), or null. */
export function metricKey(name: string): string | null {
  const last = name.slice(name.lastIndexOf('.') + 1).trim().toLowerCase();
  const bare = last.startsWith('batch_') ? last.slice(6) : last;
  const key = ALIASES[bare] ?? bare;
  return METRICS[key] ? key : null;
}

/** Every accepted row-metric name (tinyBIG's `batch_*` names). */
export function metricNames(): string[] {
  return Object.keys(METRICS).map((k) => `batch_${k}`).sort();
}

/** Resolves a tinyBIG metric name (short or dotted) to a row reduction; throws {@link UnknownNameError}. */
export function rowMetric(name: unknown): RowMetric {
  const key = typeof name === 'string' ? metricKey(name) : null;
  if (!key) throw new UnknownNameError(String(name), metricNames(), 'metric');
  return METRICS[key];
}

/**
 * A callable applied to a whole `[b, m]` tensor (the `metric` of the probabilistic compressions,
 * called as `metric(x)` in tinyBIG): a row metric (`batch_*`, giving `[b, 1]`), an element-wise
 * torch callable from `@rpn/core`'s one table (`torch.tanh`, `torch.nn.functional.softplus`,
 * `torch.exp`, …), or another processing form tinyBIG's `func_x` knows (`softmax`, `layer_norm`).
 */
export function tensorCallable(name: unknown): (x: Tensor) => Tensor {
  if (typeof name === 'string') {
    const key = metricKey(name);
    const rowwise = (k: string) => { const f = METRICS[k]; return (x: Tensor) => tf.expandDims(f(x), 1); };
    if (key && (name.includes('koala') || name.startsWith('batch_'))) return rowwise(key);
    if (isElementwiseName(name)) {
      const f = elementwiseFunction(name);
      return (x) => f.apply(x);
    }
    if (key) return rowwise(key);
    try {
      const fn = processingFunction(name);
      return (x) => fn.forward(x);
    } catch (e) {
      if (!(e instanceof UnknownNameError)) throw e;
    }
  }
  throw new UnknownNameError(String(name), [...metricNames(), ...processingNames()], 'metric');
}
