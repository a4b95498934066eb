import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ValueError } from '@rpn/core';
import { makeSplit, type Dataset } from './data.js';
import { train, type TrainableModel } from './trainer.js';
import { TrainingDivergedError } from './divergence.js';
import { adamW } from './optimizers.js';
import { mseLoss } from './losses.js';

/** y = x·w + b, from fixed starting values (two copies start identical). */
function linear(name: string): TrainableModel & { vars: tf.Variable[] } {
  const w = tf.variable(tf.tensor2d([[0.3], [-0.2]]), true, `${name}.w`);
  const b = tf.variable(tf.zeros([1]), true, `${name}.b`);
  return { vars: [w, b], forward: (x) => tf.add(tf.matMul(x as tf.Tensor2D, w), b), trainableVariables: () => [w, b] };
}

/** `rows` rows of two features; row `bad` (if any) gets the feature value `badValue`. */
function data(rows: number, bad = -1, badValue = Number.POSITIVE_INFINITY): Dataset {
  const x = new Float32Array(rows * 2), y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) { x[2 * i] = (i % 5) / 5; x[2 * i + 1] = (i % 3) / 3; y[i] = x[2 * i] - 0.5 * x[2 * i + 1]; }
  if (bad >= 0) x[2 * bad] = badValue;
  const s = makeSplit(x, y, 2, 1);
  return { name: 'toy', train: s, test: s, trainBatchSize: 2, testBatchSize: 100, task: 'regression', description: 'toy' };
}

describe('training divergence', () => {
  it('a non-finite loss stops with a typed error naming epoch and batch, and the step is not applied', async () => {
    const model = linear('div1');
    const opt = adamW(model.vars, { lr: 0.1, weightDecay: 0 });
    // rows 0..3 are batches 1 and 2; row 4 (batch 3) is infinite
    let err: unknown;
    try { await train(model, { data: data(10, 4), optimizer: opt, loss: mseLoss(), epochs: 3, shuffle: false, testEachEpoch: false }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as TrainingDivergedError).epoch).toBe(1);
    expect((err as TrainingDivergedError).batch).toBe(3);
    expect((err as Error).message).toMatch(/epoch 1, batch 3/);
    // the weights are those after batches 1 and 2: a second model trained on rows 0..3 only
    const ref = linear('div2');
    const refOpt = adamW(ref.vars, { lr: 0.1, weightDecay: 0 });
    await train(ref, { data: data(4), optimizer: refOpt, loss: mseLoss(), epochs: 1, shuffle: false, testEachEpoch: false });
    const got = model.vars.map((v) => Array.from(v.dataSync()));
    expect(got.flat().every(Number.isFinite)).toBe(true);
    expect(got).toEqual(ref.vars.map((v) => Array.from(v.dataSync())));
    opt.dispose(); refOpt.dispose(); tf.dispose([...model.vars, ...ref.vars]);
  });

  it('a finite loss with a non-finite gradient also stops before the step, naming the variable', async () => {
    // f(x) = sqrt(x0·w): at x0 = 0 the loss is finite but d/dw = x0 / (2·sqrt(x0·w)) = 0/0
    const w = tf.variable(tf.scalar(0.5), true, 'sqrtw');
    const model: TrainableModel = { forward: (x) => tf.reshape(tf.sqrt(tf.mul(tf.slice(x, [0, 0], [-1, 1]), w)), [-1, 1]), trainableVariables: () => [w] };
    const x = new Float32Array([1, 0, 2, 0, 0, 0, 3, 0]);
    const s = makeSplit(x, new Float32Array([1, 1, 1, 1]), 2, 1);
    const d: Dataset = { name: 'toy', train: s, test: s, trainBatchSize: 1, testBatchSize: 4, task: 'regression', description: 'toy' };
    const opt = adamW([w], { lr: 0.1, weightDecay: 0 });
    let err: unknown;
    try { await train(model, { data: d, optimizer: opt, loss: mseLoss(), epochs: 1, shuffle: false, testEachEpoch: false }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).batch).toBe(3);
    expect((err as Error).message).toMatch(/non-finite gradient.*sqrtw/);
    expect(Number.isFinite(w.dataSync()[0])).toBe(true);
    opt.dispose(); w.dispose();
  });

  it('the failing step leaks no tensors', async () => {
    const model = linear('div3');
    const opt = adamW(model.vars, { lr: 0.1, weightDecay: 0 });
    await train(model, { data: data(4), optimizer: opt, loss: mseLoss(), epochs: 1, shuffle: false, testEachEpoch: false }); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    await expect(train(model, { data: data(10, 7, Number.NaN), optimizer: opt, loss: mseLoss(), epochs: 1, shuffle: false, testEachEpoch: false })).rejects.toThrow(/epoch 1, batch 4/);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose(); tf.dispose(model.vars);
  });

  it('full-batch (instance axis) training stops the same way, leaks nothing and keeps the weights', async () => {
    const all = makeSplit(Float32Array.from([1, 0, 0, 1, 1, 1, 2, -1]), Float32Array.from([0.5, 1, -0.25, -1]), 2, 1);
    const w = tf.variable(tf.tensor2d([0.3, -0.2], [2, 1]), true, 'fbw');
    const scale = tf.variable(tf.scalar(1), false, 'fbscale');
    // the output overflows from the second epoch: scale becomes Infinity after epoch 1
    const model: TrainableModel & { inLayout: unknown } = {
      inLayout: { instances: { name: 'nodes', count: 4 } },
      forward: (x) => tf.mul(tf.matMul(x as tf.Tensor2D, w), scale),
      trainableVariables: () => [w],
    };
    const d: Dataset = { name: 'g', train: all, test: all, trainBatchSize: 1, testBatchSize: 1, task: 'regression', description: 'g', nodes: { all, trainIdx: Int32Array.from([0, 2]), testIdx: Int32Array.from([1, 3]) } };
    const opt = adamW([w], { lr: 0.01, weightDecay: 0 });
    await train(model, { data: d, optimizer: opt, loss: mseLoss(), epochs: 1 }); // slots exist now
    const before = tf.memory().numTensors;
    const good = Array.from(w.dataSync());
    const inf = tf.scalar(Number.POSITIVE_INFINITY);
    scale.assign(inf); inf.dispose();
    let err: unknown;
    try { await train(model, { data: d, optimizer: opt, loss: mseLoss(), epochs: 2 }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).epoch).toBe(1);
    expect((err as TrainingDivergedError).batch).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(w.dataSync())).toEqual(good);
    opt.dispose(); tf.dispose([w, scale]);
  });
});
