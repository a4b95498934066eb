import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, UnsupportedError, ValueError } from '@rpn/core';
import { makeSplit, type Dataset } from './data.js';
import { train, type TrainableModel } from './trainer.js';
import { optimizerFromConfig, sgd } from './optimizers.js';
import { schedulerFromConfig, type Scheduler } from './schedulers.js';
import { lambdaLR, oneCycleLR, reduceLROnPlateau } from './schedulers-more.js';
import { huberLoss, lossFromConfig } from './losses.js';

const errorOf = (f: () => unknown): Error & { argument?: string } => {
  try { f(); } catch (e) { return e as Error; }
  throw new Error('expected a throw');
};

function withVar<T>(f: (v: tf.Variable) => T): T {
  const v = tf.tidy(() => tf.variable(tf.ones([2]), true));
  try { return f(v); } finally { v.dispose(); }
}

describe('optimizers refused by name', () => {
  it('LBFGS and SparseAdam give a typed error saying why', () => withVar((v) => {
    const e1 = errorOf(() => optimizerFromConfig({ optimizer_class: 'torch.optim.LBFGS', optimizer_parameters: { lr: 1 } }, [v]));
    expect(e1).toBeInstanceOf(UnsupportedError);
    expect(e1.message).toMatch(/closure.*re-evaluates the loss/);
    expect(e1.argument).toBe('optimizer_configs.optimizer_class');
    const e2 = errorOf(() => optimizerFromConfig({ optimizer_class: 'SparseAdam', optimizer_parameters: {} }, [v]));
    expect(e2).toBeInstanceOf(UnsupportedError);
    expect(e2.message).toMatch(/sparse gradients/);
  }));

  it('bad option values are typed errors naming the option', () => withVar((v) => {
    const e = errorOf(() => optimizerFromConfig({ optimizer_class: 'torch.optim.Rprop', optimizer_parameters: { etas: [1.2, 0.5] } }, [v]));
    // a config's option errors are ConfigErrors naming the tinyBIG key (core's option-schema rule)
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('etas');
    expect(() => optimizerFromConfig({ optimizer_class: 'torch.optim.ASGD', optimizer_parameters: { lambda: 1 } }, [v])).toThrow(ConfigError);
    expect(() => optimizerFromConfig({ optimizer_class: 'torch.optim.NAdam', optimizer_parameters: { maximize: true } }, [v])).toThrow(UnsupportedError);
  }));
});

describe('LambdaLR', () => {
  it('takes a JS function from code', () => withVar((v) => {
    const o = sgd([v], { lr: 0.2 });
    const s = lambdaLR(o, { lrLambda: (e) => 1 / (1 + e) });
    s.step(); s.step(); s.step();
    expect(o.lr).toBeCloseTo(0.05, 12);
    o.dispose();
  }));

  it('takes only the built-in forms from a config and refuses a string lambda', () => withVar((v) => {
    const o = sgd([v], { lr: 0.2 });
    const mk = (lrLambda: unknown) => schedulerFromConfig({ lr_scheduler_class: 'torch.optim.lr_scheduler.LambdaLR', lr_scheduler_parameters: { lr_lambda: lrLambda } }, o);
    expect([0, 1, 2].map((e) => mk({ form: 'exponential', gamma: 0.5 }).lrAt(e))).toEqual([0.2, 0.1, 0.05].map((x) => expect.closeTo(x, 12)));
    expect([0, 1, 2, 3].map((e) => mk({ form: 'step', step_size: 2, gamma: 0.5 }).lrAt(e))).toEqual([0.2, 0.2, 0.1, 0.1].map((x) => expect.closeTo(x, 12)));
    expect([0, 1, 2, 5].map((e) => mk({ form: 'warmup', warmup: 3 }).lrAt(e))).toEqual([0.2 / 3, 0.4 / 3, 0.2, 0.2].map((x) => expect.closeTo(x, 12)));
    const e = errorOf(() => mk('lambda epoch: 0.95 ** epoch'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/cannot hold code/);
    expect(e.argument).toBe('lr_scheduler_configs.lr_scheduler_parameters.lr_lambda');
    expect(errorOf(() => mk({ form: 'cosine' }))).toMatchObject({ name: 'ConfigError', argument: 'lr_scheduler_configs.lr_scheduler_parameters.lr_lambda.form' });
    expect(errorOf(() => mk({ form: 'step', step_size: 0 }))).toMatchObject({ name: 'ConfigError', argument: 'lr_scheduler_configs.lr_scheduler_parameters.lr_lambda.step_size' });
    o.dispose();
  }));
});

describe('scheduler refusals', () => {
  it('CyclicLR and OneCycleLR refuse momentum cycling (torch\'s default) with a typed error', () => withVar((v) => {
    const o = sgd([v], { lr: 0.1 });
    const e = errorOf(() => schedulerFromConfig({ lr_scheduler_class: 'CyclicLR', lr_scheduler_parameters: { base_lr: 0.01, max_lr: 0.1 } }, o));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toMatch(/cycle_momentum: false/);
    expect(() => schedulerFromConfig({ lr_scheduler_class: 'OneCycleLR', lr_scheduler_parameters: { max_lr: 0.1, total_steps: 5 } }, o)).toThrow(UnsupportedError);
    expect(() => schedulerFromConfig({ lr_scheduler_class: 'OneCycleLR', lr_scheduler_parameters: { max_lr: 0.1, cycle_momentum: false } }, o)).toThrow(/total_steps/);
    o.dispose();
  }));

  it('OneCycleLR stepped past total_steps and ReduceLROnPlateau without a metric are ValueErrors', () => withVar((v) => {
    const o = sgd([v], { lr: 0.1 });
    const s = oneCycleLR(o, { maxLr: 0.1, totalSteps: 2 });
    s.step(); s.step();
    expect(() => s.step()).toThrow(ValueError);
    const p = reduceLROnPlateau(o);
    expect(() => p.step()).toThrow(ValueError);
    expect(() => p.lrAt(1)).toThrow(UnsupportedError);
    o.dispose();
  }));
});

describe('losses: reduction none', () => {
  it('is refused in a config (no scalar to train on) and given by elementwise from code', () => {
    const e = errorOf(() => lossFromConfig({ loss_class: 'torch.nn.L1Loss', loss_parameters: { reduction: 'none' } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('reduction');
    const x = tf.tensor1d([0, 3]), y = tf.tensor1d([0.5, 0]);
    const el = huberLoss({ delta: 1 }).elementwise(x, y);
    expect(Array.from(el.dataSync())).toEqual([0.125, 2.5]);
    tf.dispose([x, y, el]);
  });
});

function linear(): TrainableModel & { vars: tf.Variable[] } {
  const w = tf.tidy(() => tf.variable(tf.zeros([2, 1]), true));
  const b = tf.tidy(() => tf.variable(tf.zeros([1]), true));
  return { vars: [w, b], forward: (x: tf.Tensor) => tf.add(tf.matMul(x as tf.Tensor2D, w), b), trainableVariables: () => [w, b] };
}

function regression(): Dataset {
  const n = 80;
  const x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) { x[2 * i] = (i % 7) / 7; x[2 * i + 1] = (i % 5) / 5; y[i] = 2 * x[2 * i] - x[2 * i + 1]; }
  return { name: 'toy', train: makeSplit(x.slice(0, 120), y.slice(0, 60), 2, 1), test: makeSplit(x.slice(120), y.slice(60), 2, 1), trainBatchSize: 20, testBatchSize: 20, task: 'regression', description: 'toy' };
}

describe('the trainer steps schedulers as they need', () => {
  it('a metric scheduler gets each epoch\'s test loss; a per-batch one steps after every batch', async () => {
    const model = linear();
    const opt = sgd(model.vars, { lr: 0.1 });
    const seen: (number | undefined)[] = [];
    let batchSteps = 0;
    const spy = (interval: 'epoch' | 'batch', needsMetric: boolean): Scheduler => ({
      name: 'spy', epoch: 0, interval, needsMetric, lrAt: () => 0.1,
      step: (m?: number) => { if (interval === 'batch') batchSteps++; else seen.push(m); },
      toConfig: () => ({ lr_scheduler_class: 'spy', lr_scheduler_parameters: {} }),
    });
    const { mseLoss } = await import('./losses.js');
    const r = await train(model, { data: regression(), optimizer: opt, scheduler: spy('epoch', true), loss: mseLoss(), epochs: 3 });
    expect(seen).toEqual(r.records.map((x) => x.testLoss));
    await train(model, { data: regression(), optimizer: opt, scheduler: spy('batch', false), loss: mseLoss(), epochs: 2 });
    expect(batchSteps).toBe(2 * 3);
    expect(seen.length).toBe(3);
    opt.dispose(); tf.dispose(model.vars);
  });

  it('OneCycleLR advances 3 steps per epoch of 3 batches; ReduceLROnPlateau halves the rate on a flat test loss', async () => {
    const { mseLoss } = await import('./losses.js');
    const model = linear();
    const opt = sgd(model.vars, { lr: 0.1 });
    const oc = oneCycleLR(opt, { maxLr: 0.2, totalSteps: 4 * 3 });
    const r = await train(model, { data: regression(), optimizer: opt, scheduler: oc, loss: mseLoss(), epochs: 4 });
    expect(r.records.map((x) => x.lr)).toEqual([0, 3, 6, 9].map((e) => expect.closeTo(oc.lrAt(e), 12)));
    expect(r.records[0].lr).toBeCloseTo(0.2 / 25, 12);
    expect(oc.epoch).toBe(12);
    opt.dispose();
    // a rate of 1e-12 leaves the test loss flat (within the 1e-4 relative threshold): every epoch after the first is bad
    const opt2 = sgd(model.vars, { lr: 1e-12 });
    const pl = reduceLROnPlateau(opt2, { patience: 0, factor: 0.5, eps: 0 });
    const r2 = await train(model, { data: regression(), optimizer: opt2, scheduler: pl, loss: mseLoss(), epochs: 3 });
    expect(r2.records.map((x) => x.lr)).toEqual([1e-12, 1e-12, 5e-13].map((x) => expect.closeTo(x, 20)));
    expect(opt2.lr).toBeCloseTo(2.5e-13, 20);
    opt2.dispose(); tf.dispose(model.vars);
  });
});
