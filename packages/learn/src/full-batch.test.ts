import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ValueError } from '@rpn/core';
import { makeSplit, type Dataset } from './data.js';
import { evaluate, evaluateTest, train, type TrainableModel } from './trainer.js';
import { trainsFullBatch } from './full-batch.js';
import { sgd } from './optimizers.js';
import { mseLoss } from './losses.js';
import { mse } from './metrics.js';

/** A 4-node directed graph (A ≠ Aᵀ, no row mixing is harmless). */
const N = 4;
const A = [
  [0.5, 0.5, 0, 0],
  [0, 0.4, 0.6, 0],
  [0, 0, 0.7, 0.3],
  [0.8, 0, 0, 0.2],
];
const X = [[1, 0], [0, 1], [1, 1], [2, -1]];
const Y = [0.5, 1000, -0.25, -1000]; // nodes 1 and 3 are test nodes with labels that would dominate any loss they entered
const TRAIN = [0, 2];
const TEST = [1, 3];
const W0 = [0.3, -0.2];

/** A toy GCN step out = Aᵀ·x·w over ALL nodes; it refuses batches that are not the whole node set, as the real heads do. */
function graphModel(): TrainableModel & { w: tf.Variable } {
  const w = tf.variable(tf.tensor2d(W0, [2, 1]), true);
  const At = tf.tensor2d(A);
  return {
    w,
    inLayout: { instances: { name: 'nodes', count: N } },
    forward(x: tf.Tensor) {
      if (x.shape[0] !== N) throw new Error(`the batch must hold every one of the ${N} nodes, got ${x.shape[0]}`);
      return tf.matMul(At, tf.matMul(x as tf.Tensor2D, w), true, false);
    },
    trainableVariables: () => [w],
  };
}

const nodesData = (): Dataset => {
  const all = makeSplit(Float32Array.from(X.flat()), Float32Array.from(Y), 2, 1);
  return {
    name: 'toy_graph', train: all, test: all, trainBatchSize: 1, testBatchSize: 1, task: 'regression', description: 'toy graph',
    nodes: { all, trainIdx: Int32Array.from(TRAIN), testIdx: Int32Array.from(TEST) },
  };
};

/** out_j = Σ_i A[i][j]·(x_i · w), by hand. */
const outputs = (w: number[]): number[] => {
  const xw = X.map((r) => r[0] * w[0] + r[1] * w[1]);
  return [0, 1, 2, 3].map((j) => A.reduce((s, row, i) => s + row[j] * xw[i], 0));
};
/** d/dw of mean_{j ∈ idx} (out_j − y_j)², by hand. */
const gradient = (w: number[], idx: number[]): number[] => {
  const out = outputs(w);
  const g = [0, 0];
  for (const j of idx) {
    const r = (2 / idx.length) * (out[j] - Y[j]);
    for (let i = 0; i < N; i++) for (let k = 0; k < 2; k++) g[k] += r * A[i][j] * X[i][k];
  }
  return g;
};

describe('full-batch training of instance-interdependent models', () => {
  it('one step per epoch on the whole node set, loss on train_idx only, test on test_idx (by hand), no leaks', async () => {
    const model = graphModel();
    const opt = sgd([model.w], { lr: 0.01 });
    const before = tf.memory().numTensors;
    const r = await train(model, { data: nodesData(), optimizer: opt, loss: mseLoss(), metric: mse(), epochs: 2, batchSize: 1, shuffle: true, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    let w = [...W0];
    const losses: number[] = [];
    for (let e = 0; e < 2; e++) {
      const out = outputs(w);
      losses.push(TRAIN.reduce((s, j) => s + (out[j] - Y[j]) ** 2, 0) / TRAIN.length);
      const g = gradient(w, TRAIN);
      w = w.map((v, k) => v - 0.01 * g[k]);
    }
    const got = Array.from(model.w.dataSync());
    got.forEach((v, k) => expect(v).toBeCloseTo(w[k], 5));
    expect(r.records.map((rec) => rec.trainLoss)).toEqual(losses.map((l) => expect.closeTo(l, 4)));
    const out = outputs(w);
    expect(r.records[1].testLoss!).toBeCloseTo(TEST.reduce((s, j) => s + (out[j] - Y[j]) ** 2, 0) / TEST.length, 1);
    expect(r.records[1].trainSamplesPerS).toBeGreaterThan(0);
    opt.dispose();
    model.w.dispose();
  });

  it('without node index sets, trains full-batch on the train split whatever the batch size', async () => {
    const model = graphModel();
    const opt = sgd([model.w], { lr: 0.001 });
    const d = nodesData();
    const { nodes: _n, ...plain } = d;
    const r = await train(model, { data: plain, optimizer: opt, loss: mseLoss(), epochs: 1, batchSize: 3 });
    expect(r.records.length).toBe(1);
    const g = gradient(W0, [0, 1, 2, 3]);
    Array.from(model.w.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(W0[k] - 0.001 * g[k], 4));
    const e = evaluate(model, d.test, { loss: mseLoss(), batchSize: 1 });
    expect(e.yScore.length).toBe(N);
    opt.dispose();
    model.w.dispose();
  });

  it('rejects index sets outside the node set (ValueError naming them)', async () => {
    const model = graphModel();
    const opt = sgd([model.w], { lr: 0.01 });
    const d = nodesData();
    const bad: Dataset = { ...d, nodes: { ...d.nodes!, testIdx: Int32Array.from([1, 4]) } };
    await expect(train(model, { data: bad, optimizer: opt, loss: mseLoss(), epochs: 1 })).rejects.toMatchObject({ argument: 'data.nodes.testIdx' });
    await expect(train(model, { data: bad, optimizer: opt, loss: mseLoss(), epochs: 1 })).rejects.toBeInstanceOf(ValueError);
    opt.dispose();
    model.w.dispose();
  });

  it('trainsFullBatch: graph nodes always, tokens only on data with node index sets, no axis never', () => {
    const nodes = { inLayout: { instances: { name: 'nodes', count: 4 } } };
    const tokens = { inLayout: { instances: { name: 'tokens' } } };
    expect(trainsFullBatch(nodes)).toBe(true);
    expect(trainsFullBatch(nodes, {})).toBe(true);
    expect(trainsFullBatch(tokens)).toBe(false);
    expect(trainsFullBatch(tokens, {})).toBe(false);
    expect(trainsFullBatch(tokens, nodesData())).toBe(true);
    expect(trainsFullBatch({ inLayout: {} })).toBe(false);
    expect(trainsFullBatch({})).toBe(false);
  });
});

/**
 * A toy attention step over the rows of a batch (a `tokens` axis, as tinyBIG's transformer):
 * out = Aᵀ·x·w with A = softmax over each column of x·xᵀ. It records the row count of every forward.
 */
function tokensModel(): TrainableModel & { w: tf.Variable; rows: number[] } {
  const w = tf.variable(tf.tensor2d([0.1, -0.1], [2, 1]), true);
  const rows: number[] = [];
  return {
    w,
    rows,
    inLayout: { instances: { name: 'tokens' } },
    forward(x: tf.Tensor) {
      rows.push(x.shape[0] as number);
      return tf.tidy(() => {
        const x2 = x as tf.Tensor2D;
        const a = tf.transpose(tf.softmax(tf.transpose(tf.matMul(x2, x2, false, true))));
        return tf.matMul(a, tf.matMul(x2, w), true, false);
      });
    },
    trainableVariables: () => [w],
  };
}

describe('training of token-axis (attention) models on ordinary data', () => {
  const rowsData = (count: number, bs: number): Dataset => {
    const x = Float32Array.from({ length: 2 * count }, (_, i) => Math.sin(i + 1));
    const y = Float32Array.from({ length: count }, (_, i) => Math.cos(i));
    return { name: 'toy_rows', train: makeSplit(x, y, 2, 1), test: makeSplit(x.slice(0, 2 * 7), y.slice(0, 7), 2, 1), trainBatchSize: bs, testBatchSize: 3, task: 'regression', description: 'toy rows' };
  };

  it('trains on batches of the batch size (one optimizer step each, as tinyBIG\'s DataLoader), tests on test batches, no leaks', async () => {
    const model = tokensModel();
    const opt = sgd([model.w], { lr: 0.01 });
    const data = rowsData(10, 4);
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const r = await train(model, { data, optimizer: opt, loss: mseLoss(), metric: mse(), epochs: 2, seed: 1, onBatchEnd: (b) => { steps.push(b.batch); } });
    expect(tf.memory().numTensors).toBe(before);
    // each epoch: batches of 4, 4, 2 train rows, then the test split in batches of 3, 3, 1
    expect(model.rows).toEqual([4, 4, 2, 3, 3, 1, 4, 4, 2, 3, 3, 1]);
    expect(steps).toEqual([1, 2, 3, 1, 2, 3]);
    expect(r.records.length).toBe(2);
    model.rows.length = 0;
    const e = evaluateTest(model, data, { loss: mseLoss(), batchSize: 5 });
    expect(model.rows).toEqual([5, 2]);
    expect(e.yScore.length).toBe(7);
    opt.dispose();
    model.w.dispose();
  });
});

