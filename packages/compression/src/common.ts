import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { XSadd } from 'ml-xsadd';
import { ValueError, int } from '@rpn/core';
import { TRANSFORMATION_BASE, defineTransformation } from '@rpn/expansion';
import type { ForwardContext, Params, Structure, Transformation } from '@rpn/core';

/** The tinyBIG module every compression class is exported from. */
export const COMPRESSION_MODULE = 'tinybig.compression';

/** Options every compression accepts: the transformation base (name, pre/post-processing, device). */
export const COMPRESSION_BASE = TRANSFORMATION_BASE;

/** A compression's `seed` option: an integer ≥ 0, drawn when absent (and recorded by `toConfig`). */
export const SEED = int({ min: 0, doc: 'seed of the sampling (drawn when absent; recorded by toConfig so a rebuilt function draws the same)' });

/** The seed, or a drawn one. */
export function seedOrDraw(seed: number | undefined): number {
  return seed ?? Math.floor(Math.random() * 2 ** 31);
}

/** A uniform [0, 1) generator. */
export type Random = () => number;

/** A seeded uniform [0, 1) generator (XSadd, ml-xsadd). */
export function seededRandom(seed: number): Random {
  const g = new XSadd(seed >>> 0);
  return () => g.random();
}

/** When a fitted (sklearn-style) compression fits. */
export type FitMode = 'every_call' | 'first_call' | 'explicit';

/** Everything a compression author gives besides the options. */
export interface CompressionSpec {
  /** Options written to `function_parameters` by `toConfig` (camelCase, without name/processing). */
  readonly own: Params;
  calculateD(m: number): number;
  kappa(x: Tensor, ctx?: ForwardContext): Tensor;
  readonly structure?: Structure;
}

/**
 * Builds a compression on core's `makeTransformation` (tinyBIG's pre/post-processing, checks,
 * toConfig), through the expansion package's shared builder.
 */
export function defineCompression(className: string, options: Readonly<Params>, spec: CompressionSpec): Transformation {
  return defineTransformation('compression', className, COMPRESSION_MODULE, options, spec);
}

/** Adds extra methods to a frozen transformation (the result is frozen again). */
export function extend<T extends object>(t: Transformation, extra: T): Transformation & T {
  // Copy descriptors (not values) so getters such as `fitted` stay live.
  const out = Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(t), ...Object.getOwnPropertyDescriptors(extra) });
  return Object.freeze(out) as Transformation & T;
}

/** Reads a `[b, m]` tensor into row arrays (float64 JS numbers). */
export function rowsOf(x: Tensor): number[][] {
  const [b, m] = x.shape;
  const data = x.dataSync();
  const out: number[][] = [];
  for (let i = 0; i < b; i++) out.push(Array.from(data.subarray(i * m, (i + 1) * m)));
  return out;
}

/** A constant float32 tensor `[rows, cols]` from row-major values. */
export function constMatrix(values: ArrayLike<number>, rows: number, cols: number): Tensor {
  return tf.tensor2d(Float32Array.from(values as ArrayLike<number>), [rows, cols], 'float32');
}

/** Draws `k` indices from each row of `weights` (`[b][n]`, non-negative) with or without replacement, sorted ascending (torch.multinomial + sort). */
export function multinomialRows(weights: readonly (readonly number[])[], k: number, withReplacement: boolean, random: Random): number[][] {
  return weights.map((row, r) => {
    const w = row.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
    const positive = w.filter((v) => v > 0).length;
    if (!withReplacement && k > positive) {
      throw new ValueError('cannot sample without replacement', { argument: 'k', expected: `at most ${positive} (indices with a positive weight in row ${r})`, received: String(k) });
    }
    const picked: number[] = [];
    for (let t = 0; t < k; t++) {
      const total = w.reduce((a, b) => a + b, 0);
      let u = random() * total;
      let idx = -1;
      for (let i = 0; i < w.length; i++) {
        if (w[i] <= 0) continue;
        idx = i;
        u -= w[i];
        if (u < 0) break;
      }
      picked.push(idx);
      if (!withReplacement) w[idx] = 0;
    }
    return picked.sort((a, b) => a - b);
  });
}
