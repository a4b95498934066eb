import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '@rpn/core';
import { batchTensors, type Dataset, type Split } from './data.js';
import type { Loss } from './losses.js';
import type { Metric } from './metrics.js';
import type { Optimizer } from './optimizers.js';
import type { Scheduler } from './schedulers.js';
import { mt19937 } from './random.js';
import { assertFiniteStep } from './divergence.js';
import { checkIndex, disposeFullBatch, evaluateRows, fullBatch, lossOnRows, rowsOf, selectRows, trainsFullBatch, type LayoutLike } from './full-batch.js';

/** What the trainer needs of a model (an `@rpn/model` model fits). */
export interface TrainableModel {
  forward(x: tf.Tensor, options?: { training?: boolean }): tf.Tensor;
  trainableVariables(): readonly tf.Variable[];
  /** Switches dropout/batch norm to training mode. */
  train?(): void;
  /** Switches dropout/batch norm to inference mode. */
  eval?(): void;
  /** The input layout; with a graph-node instance axis the model trains and evaluates full-batch ({@link trainsFullBatch}). */
  readonly inLayout?: LayoutLike;
}

/** The record of one epoch. */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  /** Mean of the batch losses. */
  readonly trainLoss: number;
  /** Metric over the epoch's training predictions (null without a metric). */
  readonly trainScore: number | null;
  readonly testLoss: number | null;
  readonly testScore: number | null;
  /** Learning rate used in this epoch. */
  readonly lr: number;
  /** Seconds for training (excluding the test pass). */
  readonly trainTimeS: number;
  /** Seconds for the test pass. */
  readonly testTimeS: number;
  readonly trainSamplesPerS: number;
}

/** Progress after one batch. */
export interface BatchInfo {
  readonly epoch: number;
  /** 1-based. */
  readonly batch: number;
  readonly batches: number;
  readonly loss: number;
  /** Running mean loss in this epoch. */
  readonly meanLoss: number;
  /** Running metric on this epoch's batches so far (null without a metric). */
  readonly score: number | null;
  readonly samples: number;
  readonly elapsedS: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  readonly data: Dataset;
  readonly optimizer: Optimizer;
  readonly loss: Loss;
  readonly metric?: Metric;
  readonly scheduler?: Scheduler;
  readonly epochs: number;
  /** Overrides the dataset's batch sizes. */
  readonly batchSize?: number;
  readonly testBatchSize?: number;
  /** Seed of the per-epoch shuffling (default 0). */
  readonly seed?: number;
  /** Shuffle the training rows each epoch (default true, as tinyBIG's train loader). */
  readonly shuffle?: boolean;
  /** Evaluate on the test split after each epoch (default true). */
  readonly testEachEpoch?: boolean;
  /** Stops between batches; the result says `cancelled`. */
  readonly signal?: AbortSignal;
  /**
   * 1-based number of the first epoch (default 1), to resume a run: epochs `startEpoch…epochs` are
   * trained and the shuffling continues as if epochs `1…startEpoch−1` had just run.
   */
  readonly startEpoch?: number;
  readonly onBatchEnd?: (info: BatchInfo) => void | Promise<void>;
  /** Return `false` to stop after this epoch. */
  readonly onEpochEnd?: (record: EpochRecord) => void | boolean | Promise<void | boolean>;
  /** Stop when `monitor` has not improved by `minDelta` for `patience` epochs. */
  readonly earlyStop?: { readonly patience: number; readonly monitor?: 'test_loss' | 'test_score' | 'train_loss'; readonly minDelta?: number };
}

/** What {@link train} returns. */
export interface TrainResult {
  readonly records: readonly EpochRecord[];
  readonly stoppedEarly: boolean;
  readonly cancelled: boolean;
  readonly timeS: number;
}

/** Result of {@link evaluate}. */
export interface EvalResult {
  /** Mean of batch losses (tinyBIG's test loss), null without a loss. */
  readonly loss: number | null;
  readonly score: number | null;
  /** Scores, row-major `count × width`. */
  readonly yScore: Float32Array;
  readonly width: number;
  readonly yTrue: Float32Array | Int32Array;
  readonly timeS: number;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now()) / 1000;
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** Runs the model over a split in inference mode (no gradients), batch by batch. Leaks no tensors. */
export function evaluate(model: TrainableModel, split: Split, o: { loss?: Loss; metric?: Metric; batchSize?: number } = {}): EvalResult {
  const t0 = now();
  const bs = trainsFullBatch(model) ? Math.max(1, split.count) : (o.batchSize ?? 1000);
  model.eval?.();
  const chunks: Float32Array[] = [];
  let width = 0;
  let lossSum = 0;
  let batches = 0;
  for (let s = 0; s < split.count; s += bs) {
    const e = Math.min(split.count, s + bs);
    const { x, y } = batchTensors(split, null, s, e);
    let lossV: tf.Scalar | null = null;
    const scores = tf.tidy(() => {
      const out = model.forward(x, { training: false });
      if (o.loss) lossV = tf.keep(o.loss(out, y));
      return tf.reshape(out, [e - s, -1]);
    });
    width = scores.shape[1] ?? 1;
    chunks.push(scores.dataSync() as Float32Array);
    if (lossV) { const lv = lossV as tf.Scalar; lossSum += lv.dataSync()[0]; lv.dispose(); }
    batches++;
    tf.dispose([x, y, scores]);
  }
  const yScore = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) { yScore.set(c, off); off += c.length; }
  const score = o.metric ? o.metric.evaluate(split.y, yScore, width) : null;
  return { loss: o.loss ? lossSum / Math.max(1, batches) : null, score, yScore, width, yTrue: split.y, timeS: now() - t0 };
}

/**
 * Evaluates on a dataset's test part: for a model with an instance axis on graph data, one full
 * batch of every node scored on `test_idx` (the model cannot see the test rows alone); otherwise
 * {@link evaluate} on the test split. Leaks no tensors.
 */
export function evaluateTest(model: TrainableModel, data: Dataset, o: { loss?: Loss; metric?: Metric; batchSize?: number } = {}): EvalResult {
  if (!(trainsFullBatch(model, data) && data.nodes)) return evaluate(model, data.test, o);
  const t0 = now();
  const r = evaluateRows(model, data.nodes.all, data.nodes.testIdx, o);
  return { ...r, timeS: now() - t0 };
}

/**
 * tinyBIG's backward learner: for each epoch, model.train(); for each (shuffled) batch,
 * forward → loss → gradients → optimizer step; then the model is tested (model.eval(), no gradients);
 * then the scheduler steps once (a per-batch one, CyclicLR/OneCycleLR, after every optimizer step instead;
 * ReduceLROnPlateau with the epoch's test loss, or its train loss without a test pass). Every tensor a step creates is disposed.
 * A model whose input layout has a graph-node instance axis (or any instance axis on data with
 * node index sets; see {@link trainsFullBatch}) is never fed shuffled or split rows: each epoch is
 * ONE step on the whole node set (`data.nodes.all`, else the train split), with the loss and train
 * metric on `data.nodes.trainIdx` and the test pass on `data.nodes.testIdx` of the same full batch
 * (else the test split as one batch). A `tokens` axis (attention over the rows of a batch) trains
 * on shuffled batches like any model, as tinyBIG's transformer does: each batch is one group.
 */
export async function train(model: TrainableModel, o: TrainOptions): Promise<TrainResult> {
  if (!Number.isInteger(o.epochs) || o.epochs < 0) throw new ValueError('invalid epoch count', { argument: 'epochs', expected: 'an integer ≥ 0', received: String(o.epochs) });
  const bs = o.batchSize ?? o.data.trainBatchSize;
  if (!Number.isInteger(bs) || bs < 1) throw new ValueError('invalid batch size', { argument: 'batchSize', expected: 'an integer ≥ 1', received: String(bs) });
  const first = o.startEpoch ?? 1;
  if (!Number.isInteger(first) || first < 1) throw new ValueError('invalid start epoch', { argument: 'startEpoch', expected: 'an integer ≥ 1', received: String(o.startEpoch) });
  const instances = trainsFullBatch(model, o.data);
  const nodes = instances ? o.data.nodes : undefined;
  const split = nodes ? nodes.all : o.data.train;
  const trainIdx = nodes ? nodes.trainIdx : null;
  if (nodes) {
    if (nodes.trainIdx.length === 0) throw new ValueError('the train index set is empty', { argument: 'data.nodes.trainIdx', expected: 'at least one node index', received: '0 indices' });
    checkIndex(nodes.trainIdx, split.count, 'data.nodes.trainIdx');
    checkIndex(nodes.testIdx, split.count, 'data.nodes.testIdx');
  }
  if (split.count === 0) throw new ValueError('the training split is empty', { argument: 'data.train', expected: 'at least one row', received: '0 rows' });
  const vars = model.trainableVariables();
  const rng = mt19937(o.seed ?? 0);
  const order = Int32Array.from({ length: split.count }, (_, i) => i);
  const records: EpochRecord[] = [];
  const t0 = now();
  let best = Number.NaN;
  let sinceBest = 0;
  let stoppedEarly = false;
  let cancelled = false;
  const batches = instances ? 1 : Math.ceil(split.count / bs);
  // instance-interdependent: the whole node set, built once and reused by every epoch
  const full = instances ? fullBatch(split, trainIdx) : null;
  // a resumed run replays the skipped epochs' shuffles so its batches are those of an unbroken run
  if (!instances && (o.shuffle ?? true)) for (let e = 1; e < first; e++) rng.shuffle(order);
  try {

    for (let epoch = first; epoch <= o.epochs && !cancelled && !stoppedEarly; epoch++) {
      model.train?.();
      if (!instances && (o.shuffle ?? true)) rng.shuffle(order);
      const lr = o.optimizer.lr;
      const te = now();
      let lossSum = 0;
      let done = 0;
      const scoreChunks: Float32Array[] = [];
      const trueChunks: (Float32Array | Int32Array)[] = [];
      let width = 1;
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) { cancelled = true; break; }
        const s = b * bs;
        const e = full ? s + (trainIdx?.length ?? split.count) : Math.min(split.count, s + bs);
        const { x, y } = full ?? batchTensors(split, order, s, e);
        let scores: tf.Tensor | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const out = model.forward(x, { training: true });
          scores = tf.keep(tf.reshape(full ? selectRows(out, full.rows) : out, [e - s, -1]));
          return full ? lossOnRows(o.loss, out, y, full.rows) : o.loss(out, y);
        }, vars as tf.Variable[]);
        const lv = value.dataSync()[0];
        // before the step: a non-finite loss or gradient stops here, the weights stay the last good ones
        try { assertFiniteStep(lv, grads, epoch, b + 1); } catch (err) {
          tf.dispose([value, ...(full ? [] : [x, y]), ...Object.values(grads)]);
          if (scores) (scores as tf.Tensor).dispose();
          throw err;
        }
        o.optimizer.step(vars.map((v) => grads[v.name]));
        if (o.scheduler?.interval === 'batch') o.scheduler.step();
        if (o.metric && scores) {
          const sc = scores as tf.Tensor;
          width = sc.shape[1] ?? 1;
          scoreChunks.push(sc.dataSync() as Float32Array);
          const w = split.targetWidth || 1;
          if (full) trueChunks.push(rowsOf(split.y, w, trainIdx));
          else {
            trueChunks.push(split.y instanceof Int32Array ? new Int32Array(e - s) : new Float32Array((e - s) * w));
            const tc = trueChunks[trueChunks.length - 1];
            for (let r = 0; r < e - s; r++) for (let k = 0; k < w; k++) tc[r * w + k] = split.y[order[s + r] * w + k];
          }
        }
        tf.dispose([value, ...(full ? [] : [x, y]), ...Object.values(grads)]);
        if (scores) (scores as tf.Tensor).dispose();
        lossSum += lv * (e - s);
        done += e - s;
        if (o.onBatchEnd) {
          const score = o.metric && (b + 1 === batches || b % 10 === 0) ? batchScore(o.metric, trueChunks, scoreChunks, width) : null;
          await o.onBatchEnd({ epoch, batch: b + 1, batches, loss: lv, meanLoss: lossSum / done, score, samples: done, elapsedS: now() - te });
        }
        if (b % 8 === 7) await tick();
      }
      const trainTimeS = now() - te;
      if (cancelled && done === 0) break;
      const trainScore = o.metric && scoreChunks.length ? batchScore(o.metric, trueChunks, scoreChunks, width) : null;
      let testLoss: number | null = null;
      let testScore: number | null = null;
      let testTimeS = 0;
      if ((o.testEachEpoch ?? true) && (nodes ? nodes.testIdx.length > 0 : o.data.test.count > 0)) {
        const r = evaluateTest(model, o.data, { loss: o.loss, metric: o.metric, batchSize: o.testBatchSize ?? o.data.testBatchSize });
        testLoss = r.loss; testScore = r.score; testTimeS = r.timeS;
      }
      // per-epoch schedulers step here (after the test pass, which does not depend on the rate);
      // one that steps on a metric (ReduceLROnPlateau) gets the test loss, else the train loss
      if (o.scheduler?.interval === 'epoch') o.scheduler.step(o.scheduler.needsMetric ? (testLoss ?? lossSum / Math.max(1, done)) : undefined);
      const record: EpochRecord = Object.freeze({ epoch, trainLoss: lossSum / Math.max(1, done), trainScore, testLoss, testScore, lr, trainTimeS, testTimeS, trainSamplesPerS: done / Math.max(trainTimeS, 1e-9) });
      records.push(record);
      const ret = o.onEpochEnd ? await o.onEpochEnd(record) : undefined;
      if (ret === false) stoppedEarly = true;
      if (o.earlyStop) {
        const mon = o.earlyStop.monitor ?? 'test_loss';
        const v = mon === 'test_loss' ? record.testLoss : mon === 'test_score' ? record.testScore : record.trainLoss;
        const higher = mon === 'test_score' && (o.metric?.higherIsBetter ?? true);
        const d = o.earlyStop.minDelta ?? 0;
        if (v != null && (Number.isNaN(best) || (higher ? v > best + d : v < best - d))) { best = v; sinceBest = 0; }
        else if (++sinceBest >= o.earlyStop.patience) stoppedEarly = true;
      }
      await tick();
    }
  } finally {
    if (full) disposeFullBatch(full);
  }
  model.eval?.();
  return { records, stoppedEarly, cancelled, timeS: now() - t0 };
}

function batchScore(metric: Metric, trues: (Float32Array | Int32Array)[], scores: Float32Array[], width: number): number {
  const n = trues.reduce((a, t) => a + t.length, 0);
  const t = new Float64Array(n);
  const s = new Float64Array(scores.reduce((a, c) => a + c.length, 0));
  let o1 = 0, o2 = 0;
  for (const c of trues) { t.set(c, o1); o1 += c.length; }
  for (const c of scores) { s.set(c, o2); o2 += c.length; }
  return metric.evaluate(t, s, width);
}
