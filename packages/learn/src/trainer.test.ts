import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeSplit, type Dataset } from './data.js';
import { train, evaluate, type TrainableModel } from './trainer.js';
import { adamW } from './optimizers.js';
import { exponentialLR } from './schedulers.js';
import { mseLoss, crossEntropyLoss } from './losses.js';
import { mse, accuracy } from './metrics.js';
import { learnerFromConfig, readExperiment } from './experiment.js';

function linear(m: number, n: number, name: string): TrainableModel & { vars: tf.Variable[]; mode: string } {
  const w = tf.variable(tf.randomNormal([m, n], 0, 0.1, 'float32', 1), true, `${name}.w`);
  const b = tf.variable(tf.zeros([n]), true, `${name}.b`);
  const model = {
    vars: [w, b], mode: 'eval',
    forward: (x: tf.Tensor) => tf.add(tf.matMul(x as tf.Tensor2D, w), b),
    trainableVariables: () => [w, b],
    train() { model.mode = 'train'; },
    eval() { model.mode = 'eval'; },
  };
  return model;
}

function regression(): Dataset {
  const n = 200;
  const x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) { x[2 * i] = (i % 17) / 17; x[2 * i + 1] = (i % 11) / 11; y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5; }
  return { name: 'toy', train: makeSplit(x.slice(0, 300), y.slice(0, 150), 2, 1), test: makeSplit(x.slice(300), y.slice(150), 2, 1), trainBatchSize: 16, testBatchSize: 100, task: 'regression', description: 'toy' };
}

describe('trainer', () => {
  it('trains a tiny regression: loss decreases, records complete, no tensor leak', async () => {
    const model = linear(2, 1, 'lin1');
    const opt = adamW(model.vars, { lr: 0.05, weightDecay: 0 });
    const sched = exponentialLR(opt, { gamma: 0.9 });
    const batches: number[] = [];
    // one warm-up epoch so lazily created kernels/tensors exist
    await train(model, { data: regression(), optimizer: opt, loss: mseLoss(), epochs: 1 });
    const before = tf.memory().numTensors;
    const r = await train(model, { data: regression(), optimizer: opt, scheduler: sched, loss: mseLoss(), metric: mse(), epochs: 30, seed: 3, onBatchEnd: (b) => { batches.push(b.loss); } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.records.length).toBe(30);
    for (const rec of r.records) {
      for (const k of ['trainLoss', 'testLoss', 'testScore', 'lr', 'trainTimeS', 'trainSamplesPerS'] as const) expect(Number.isFinite(rec[k] as number), k).toBe(true);
    }
    expect(r.records[29].testLoss!).toBeLessThan(r.records[0].testLoss! / 10);
    expect(r.records[1].lr).toBeCloseTo(0.05 * 0.9, 10);
    expect(batches.length).toBe(30 * 10);
    expect(model.mode).toBe('eval');
    const e = evaluate(model, regression().test, { loss: mseLoss(), metric: mse() });
    expect(e.score!).toBeCloseTo(r.records[29].testScore!, 5);
    opt.dispose(); tf.dispose(model.vars);
  });

  it('classification with cross entropy and accuracy; early stop; cancellation', async () => {
    const n = 120;
    const x = new Float32Array(n * 2), y = new Int32Array(n);
    for (let i = 0; i < n; i++) { const c = i % 3; y[i] = c; x[2 * i] = c + 0.1 * ((i * 7) % 5); x[2 * i + 1] = -c + 0.05 * (i % 4); }
    const data: Dataset = { name: 'blobs', train: makeSplit(x, y, 2, 0), test: makeSplit(x, y, 2, 0), trainBatchSize: 32, testBatchSize: 64, task: 'classification', numClasses: 3, description: 'blobs' };
    const model = linear(2, 3, 'lin2');
    const opt = adamW(model.vars, { lr: 0.1 });
    const r = await train(model, { data, optimizer: opt, loss: crossEntropyLoss(), metric: accuracy(), epochs: 40 });
    expect(r.records.at(-1)!.testScore!).toBeGreaterThan(0.9);
    const es = await train(model, { data, optimizer: opt, loss: crossEntropyLoss(), metric: accuracy(), epochs: 50, earlyStop: { patience: 2, monitor: 'test_score' } });
    expect(es.stoppedEarly).toBe(true);
    expect(es.records.length).toBeLessThan(50);
    const ac = new AbortController();
    const c = await train(model, { data, optimizer: opt, loss: crossEntropyLoss(), epochs: 5, signal: ac.signal, onBatchEnd: (b) => { if (b.batch === 2) ac.abort(); } });
    expect(c.cancelled).toBe(true);
    expect(c.records.length).toBeLessThanOrEqual(1);
    opt.dispose(); tf.dispose(model.vars);
  });

  it('reads tinyBIG experiment files and rejects unknown optimizers', () => {
    const doc = { configurations: { random_seed: 1, data_configs: { data_class: 'x' }, model_configs: { model_class: 'rpn' }, learner_configs: { learner_class: 'tinybig.learner.backward_learner', learner_parameters: { n_epochs: 7, optimizer_configs: { optimizer_class: 'torch.optim.Lion', optimizer_parameters: { lr: 1 } }, loss_configs: { loss_class: 'torch.nn.MSELoss' } } } } };
    const exp = readExperiment(doc);
    expect([exp.epochs, exp.seed]).toEqual([7, 1]);
    expect(() => learnerFromConfig(exp.learnerConfigs, [])).toThrow(/unknown optimizer name "torch.optim.Lion"/);
    expect(() => readExperiment({ configurations: { data_configs: {} } })).toThrow(/learner_configs|model_configs/);
  });
});
