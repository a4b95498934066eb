import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@rpn/core';
import type { Normalization } from './normalization.js';
import type { InstanceSplits } from './full-batch.js';

/** One split of a dataset, in row-major typed arrays. */
export interface Split {
  /** Features, `count × inputWidth`, row-major. */
  readonly x: Float32Array;
  /** Targets: class indices (`targetWidth` 0, Int32Array) or values (`count × targetWidth`). */
  readonly y: Float32Array | Int32Array;
  readonly count: number;
  readonly inputWidth: number;
  /** 0 for class indices, else the number of target columns. */
  readonly targetWidth: number;
}

/** A dataset as the trainer uses it: a train and a test split plus their batch sizes. */
export interface Dataset {
  /** tinyBIG's data class short name (`elementary_function`, `iris`, `mnist`, …). */
  readonly name: string;
  readonly train: Split;
  readonly test: Split;
  readonly trainBatchSize: number;
  readonly testBatchSize: number;
  readonly task: 'classification' | 'regression';
  /** Classes of a classification dataset. */
  readonly numClasses?: number;
  /** Human-readable description (e.g. the formula of a function dataset). */
  readonly description: string;
  /** For function datasets: the true function, to plot against the learned one. */
  readonly trueFunction?: (x: readonly number[]) => number;
  /** For function datasets: variable names and ranges. */
  readonly variables?: readonly { name: string; low: number; high: number }[];
  /**
   * The normalisation applied to the features as the source files hold them (MNIST's mean/std,
   * a table's min–max…); `null` or absent: the features are used as read. Saved with checkpoints.
   */
  readonly normalization?: Normalization | null;
  /** Feature column names (tabular datasets: the header names between id and label). */
  readonly featureNames?: readonly string[];
  /**
   * For instance-interdependent data (graph nodes): every node in one split and the train/test
   * index sets (tinyBIG's `train_idx`, `test_idx`). Models with an instance axis train on it full-batch.
   */
  readonly nodes?: InstanceSplits;
  /** For graph datasets: the graph (node ids, links), which graph models are built on. */
  readonly graph?: { readonly nodes: readonly number[]; readonly links: readonly (readonly [number, number])[]; readonly directed: boolean };
}

/** Makes a split, checking sizes. */
export function makeSplit(x: Float32Array, y: Float32Array | Int32Array, inputWidth: number, targetWidth: number): Split {
  const count = inputWidth > 0 ? x.length / inputWidth : 0;
  if (!Number.isInteger(count)) throw new ShapeError('features are not a whole number of rows', { argument: 'x', expected: `a multiple of ${inputWidth} values`, received: `${x.length}` });
  const yCount = targetWidth === 0 ? y.length : y.length / targetWidth;
  if (yCount !== count) throw new ShapeError('features and targets have different row counts', { argument: 'y', expected: `${count} rows`, received: `${yCount}` });
  return Object.freeze({ x, y, count, inputWidth, targetWidth });
}

/** Rows `idx` of a split, as a new split. */
export function takeRows(s: Split, idx: ArrayLike<number>): Split {
  const m = s.inputWidth;
  const w = s.targetWidth || 1;
  const x = new Float32Array(idx.length * m);
  const y = s.y instanceof Int32Array ? new Int32Array(idx.length * w) : new Float32Array(idx.length * w);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    x.set(s.x.subarray(i * m, (i + 1) * m), r * m);
    y.set(s.y.subarray(i * w, (i + 1) * w), r * w);
  }
  return makeSplit(x, y, m, s.targetWidth);
}

/** Tensors for rows `order[start..end)` of a split: x [b, m] and y [b] (classes) or [b, k]. The caller disposes them. */
export function batchTensors(s: Split, order: ArrayLike<number> | null, start: number, end: number): { x: tf.Tensor2D; y: tf.Tensor } {
  const b = end - start;
  const m = s.inputWidth;
  const w = s.targetWidth || 1;
  let xs: Float32Array;
  let ys: Float32Array | Int32Array;
  if (order == null) {
    xs = s.x.subarray(start * m, end * m);
    ys = s.y.subarray(start * w, end * w);
  } else {
    xs = new Float32Array(b * m);
    ys = s.y instanceof Int32Array ? new Int32Array(b * w) : new Float32Array(b * w);
    for (let r = 0; r < b; r++) {
      const i = order[start + r];
      xs.set(s.x.subarray(i * m, (i + 1) * m), r * m);
      ys.set(s.y.subarray(i * w, (i + 1) * w), r * w);
    }
  }
  const x = tf.tensor2d(xs, [b, m], 'float32');
  const y = s.targetWidth === 0 ? tf.tensor1d(ys as Int32Array, 'int32') : tf.tensor2d(ys as Float32Array, [b, w], 'float32');
  return { x, y };
}

/** Standardises features in place: (x − mean)/std per column of `stats` (defaults to the split itself). */
export function normalizeMeanStd(x: Float32Array, width: number, mean: number | readonly number[], std: number | readonly number[]): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const j = i % width;
    const mu = typeof mean === 'number' ? mean : mean[j];
    const sd = typeof std === 'number' ? std : std[j];
    x[i] = (x[i] - mu) / sd;
  }
  return x;
}
