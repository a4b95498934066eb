import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '@rpn/core';
import { batchTensors, type Split } from './data.js';
import type { Loss } from './losses.js';
import type { Metric } from './metrics.js';

/**
 * Instance-interdependent data (tinyBIG's graph loaders): ONE split holding every node, and the
 * index sets whose rows the loss and the metrics read (`train_idx`, `test_idx`).
 */
export interface InstanceSplits {
  readonly all: Split;
  readonly trainIdx: Int32Array;
  readonly testIdx: Int32Array;
}

/** What the full-batch trainer reads of a model's input layout: whether its rows are interdependent instances. */
export interface LayoutLike {
  readonly instances?: unknown;
}

/** True when the model's rows are graph nodes or tokens (an instance axis): its rows interact, so a batch is a group, not independent rows. */
export function hasInstanceAxis(model: { readonly inLayout?: LayoutLike }): boolean {
  return model.inLayout?.instances != null;
}

/**
 * True when the model must see its whole node set in ONE batch: an instance axis of graph `nodes`
 * (its interdependence is a fixed N × N graph), or any instance axis on data with node index sets
 * (`data.nodes`). A `tokens` axis on ordinary data (tinyBIG's attention heads, `A = softmax(x W xᵀ)`
 * over the rows of a batch) is not: tinyBIG's transformer trains on its DataLoader's shuffled
 * batches and tests on its test loader's batches, each batch one group of tokens; trained as one
 * full batch it took one optimizer step (and one batch-norm statistics update) per epoch.
 */
export function trainsFullBatch(model: { readonly inLayout?: LayoutLike }, data?: { readonly nodes?: unknown }): boolean {
  const axis = model.inLayout?.instances as { readonly name?: unknown } | undefined;
  if (axis == null) return false;
  return axis.name !== 'tokens' || data?.nodes != null;
}

/** Checks an index set against the node count (integers in [0, count)). */
export function checkIndex(idx: Int32Array, count: number, argument: string): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (!(v >= 0 && v < count)) throw new ValueError('a node index is out of range', { argument, expected: `indices in [0, ${count})`, received: `${v} at position ${i}` });
  }
}

/** The targets of rows `idx` (all rows for null), as the metric reads them. */
export function rowsOf(y: Float32Array | Int32Array, width: number, idx: Int32Array | null): Float32Array | Int32Array {
  if (!idx) return y;
  const out = y instanceof Int32Array ? new Int32Array(idx.length * width) : new Float32Array(idx.length * width);
  for (let r = 0; r < idx.length; r++) for (let k = 0; k < width; k++) out[r * width + k] = y[idx[r] * width + k];
  return out;
}

/**
 * The rows `idx` of a full batch: `y[idx]` (a gather; no gradient needed) and a one-hot selector
 * `S` `[k, N]` with `out[idx] = S·out`, because tfjs's gather gradient (UnsortedSegmentSum) has no
 * wasm kernel. k·N floats: small beside the N×N instance matrix the model builds anyway.
 */
export interface RowSelection {
  readonly idx: tf.Tensor1D;
  readonly select: tf.Tensor2D;
}

/** One full batch of a split as tensors, plus the selection of `idx` (null → every row). The caller disposes them. */
export function fullBatch(split: Split, idx: Int32Array | null): { x: tf.Tensor2D; y: tf.Tensor; rows: RowSelection | null } {
  const { x, y } = batchTensors(split, null, 0, split.count);
  if (!idx) return { x, y, rows: null };
  const onehot = new Float32Array(idx.length * split.count);
  idx.forEach((v, r) => { onehot[r * split.count + v] = 1; });
  return { x, y, rows: { idx: tf.tensor1d(idx, 'int32'), select: tf.tensor2d(onehot, [idx.length, split.count]) } };
}

/** `out[idx]` through the selector (differentiable on every backend). */
export function selectRows(out: tf.Tensor, rows: RowSelection | null): tf.Tensor {
  if (!rows) return out;
  const flat = out.rank === 2 ? out : tf.reshape(out, [out.shape[0] as number, -1]);
  return tf.matMul(rows.select, flat);
}

/** `loss(out[idx], y[idx])` (the rows of an index set; all rows without one), inside the caller's tidy. */
export function lossOnRows(loss: Loss, out: tf.Tensor, y: tf.Tensor, rows: RowSelection | null): tf.Scalar {
  return rows ? loss(selectRows(out, rows), tf.gather(y, rows.idx)) : loss(out, y);
}

/** Disposes what {@link fullBatch} made. */
export function disposeFullBatch(b: { x: tf.Tensor; y: tf.Tensor; rows: RowSelection | null }): void {
  tf.dispose([b.x, b.y, ...(b.rows ? [b.rows.idx, b.rows.select] : [])]);
}

/**
 * Evaluates an instance-interdependent model on one full batch (eval mode, no gradients) and
 * scores the rows of `idx` only. Leaks no tensors.
 */
export function evaluateRows(
  model: { forward(x: tf.Tensor, o?: { training?: boolean }): tf.Tensor; eval?(): void },
  split: Split, idx: Int32Array | null, o: { loss?: Loss; metric?: Metric } = {},
): { loss: number | null; score: number | null; yScore: Float32Array; width: number; yTrue: Float32Array | Int32Array } {
  model.eval?.();
  const b = fullBatch(split, idx);
  let lossV: number | null = null;
  const scores = tf.tidy(() => {
    const out = model.forward(b.x, { training: false });
    if (o.loss) lossV = lossOnRows(o.loss, out, b.y, b.rows).dataSync()[0];
    const rows = selectRows(out, b.rows);
    return tf.reshape(rows, [rows.shape[0] as number, -1]);
  });
  const width = scores.shape[1] ?? 1;
  const yScore = scores.dataSync() as Float32Array;
  disposeFullBatch(b);
  scores.dispose();
  const yTrue = rowsOf(split.y, split.targetWidth || 1, idx);
  return { loss: lossV, score: o.metric ? o.metric.evaluate(yTrue, yScore, width) : null, yScore, width, yTrue };
}
