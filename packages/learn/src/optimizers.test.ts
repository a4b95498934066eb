import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adam, adamW, optimizerFromConfig, sgd } from './optimizers.js';
import { schedulerFromConfig } from './schedulers.js';
import { bceWithLogitsLoss, crossEntropyLoss, lossFromConfig, mseLoss, nllLoss } from './losses.js';
import { accuracy, f1, mse, metricFromConfig } from './metrics.js';
import { mt19937, trainTestSplitIndices } from './random.js';

describe('AdamW', () => {
  it('follows torch.optim.AdamW update rule (decoupled decay, bias correction, eps outside the root)', () => {
    const p0 = [0.5, -1.2, 2.0];
    const gs = [[0.1, -0.3, 0.7], [0.2, 0.05, -0.4], [-0.6, 0.9, 0.3]];
    const lr = 0.01, wd = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const v = tf.variable(tf.tensor1d(p0), true, 'p_adamw');
    const opt = adamW([v], { lr, weightDecay: wd });
    const p = [...p0], m = [0, 0, 0], s = [0, 0, 0];
    gs.forEach((g, k) => {
      const t = k + 1;
      for (let i = 0; i < 3; i++) {
        p[i] *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        s[i] = b2 * s[i] + (1 - b2) * g[i] * g[i];
        const mh = m[i] / (1 - b1 ** t), vh = s[i] / (1 - b2 ** t);
        p[i] -= (lr * mh) / (Math.sqrt(vh) + eps);
      }
      const gt = tf.tensor1d(g);
      opt.step([gt]);
      gt.dispose();
    });
    const got = Array.from(v.dataSync());
    got.forEach((x, i) => expect(x).toBeCloseTo(p[i], 6));
    opt.dispose(); v.dispose();
  });

  it('Adam with L2 decay and amsgrad follows torch.optim.Adam (decay added to g, max of v)', () => {
    const p0 = [0.5, -1.2, 2.0];
    const gs = [[0.1, -0.3, 0.7], [0.2, 0.05, -0.4], [-0.6, 0.9, 0.3]];
    const lr = 0.01, wd = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const v = tf.variable(tf.tensor1d(p0), true, 'p_adam_ams');
    const opt = adam([v], { lr, weightDecay: wd, amsgrad: true });
    const p = [...p0], m = [0, 0, 0], s = [0, 0, 0], smax = [0, 0, 0];
    gs.forEach((g, k) => {
      const t = k + 1;
      for (let i = 0; i < 3; i++) {
        const gi = g[i] + wd * p[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        s[i] = b2 * s[i] + (1 - b2) * gi * gi;
        smax[i] = Math.max(smax[i], s[i]);
        p[i] -= (lr / (1 - b1 ** t)) * m[i] / (Math.sqrt(smax[i]) / Math.sqrt(1 - b2 ** t) + eps);
      }
      const gt = tf.tensor1d(g);
      opt.step([gt]);
      gt.dispose();
    });
    Array.from(v.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(p[i], 6));
    opt.dispose(); v.dispose();
  });

  it('does not leak tensors per step', () => {
    const v = tf.variable(tf.ones([4]), true, 'p_leak');
    const opt = adamW([v], { lr: 0.1 });
    const g = tf.ones([4]);
    opt.step([g]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.step([g]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([g, v]); opt.dispose();
  });
});

describe('optimizers from configs', () => {
  it('builds every torch class named in tinyBIG configs and rejects unknown ones', () => {
    const v = tf.variable(tf.ones([2]), true, 'p_cfg');
    for (const c of ['torch.optim.AdamW', 'torch.optim.Adam', 'torch.optim.SGD', 'torch.optim.RMSprop', 'torch.optim.Adagrad']) {
      const o = optimizerFromConfig({ optimizer_class: c, optimizer_parameters: { lr: 0.1 } }, [v]);
      const g = tf.ones([2]);
      o.step([g]);
      g.dispose(); o.dispose();
    }
    expect(() => optimizerFromConfig({ optimizer_class: 'torch.optim.Lion', optimizer_parameters: {} }, [v])).toThrow(/Lion.*AdamW.*Rprop/s);
    expect(() => optimizerFromConfig({ optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { learning_rate: 1 } }, [v])).toThrow(/learning_rate/);
    v.dispose();
  });

  it('SGD with nesterov momentum matches torch', () => {
    const v = tf.variable(tf.tensor1d([1]), true, 'p_sgd');
    const o = sgd([v], { lr: 0.1, momentum: 0.9, nesterov: true });
    let p = 1, buf = 0;
    [0.5, -0.2, 0.3].forEach((g, k) => {
      buf = k === 0 ? g : 0.9 * buf + g;
      p -= 0.1 * (g + 0.9 * buf);
      const gt = tf.tensor1d([g]); o.step([gt]); gt.dispose();
    });
    expect(v.dataSync()[0]).toBeCloseTo(p, 6);
    o.dispose(); v.dispose();
  });
});

describe('schedulers', () => {
  it('ExponentialLR, StepLR and CosineAnnealingLR set the rate once per epoch', () => {
    const v = tf.variable(tf.ones([1]), true, 'p_sched');
    const o = optimizerFromConfig({ optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { lr: 0.1 } }, [v]);
    const s = schedulerFromConfig({ lr_scheduler_class: 'torch.optim.lr_scheduler.ExponentialLR', lr_scheduler_parameters: { gamma: 0.5 } }, o);
    s.step(); s.step();
    expect(o.lr).toBeCloseTo(0.025, 10);
    const st = schedulerFromConfig({ lr_scheduler_class: 'StepLR', lr_scheduler_parameters: { step_size: 2, gamma: 0.1 } }, o);
    expect([0, 1, 2, 3, 4].map((e) => st.lrAt(e))).toEqual([0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1].map((x) => expect.closeTo(x, 12)));
    const c = schedulerFromConfig({ lr_scheduler_class: 'CosineAnnealingLR', lr_scheduler_parameters: { T_max: 10, eta_min: 0 } }, o);
    expect(c.lrAt(5)).toBeCloseTo(0.05, 10);
    expect(c.lrAt(10)).toBeCloseTo(0, 10);
    expect(() => schedulerFromConfig({ lr_scheduler_class: 'torch.optim.lr_scheduler.SequentialLR' }, o)).toThrow(/SequentialLR.*OneCycleLR/s);
    o.dispose(); v.dispose();
  });
});

describe('losses', () => {
  it('match their torch formulas and leak nothing', () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d([[1, 2, 0.5], [0.1, -1, 3]]);
    const labels = tf.tensor1d([1, 2], 'int32');
    const val = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };
    const ls = tf.logSoftmax(logits);
    const y1 = tf.tensor1d([1, 0]);
    const ce = val(crossEntropyLoss()(logits, labels));
    const lse = (r: number[]) => Math.log(r.reduce((a, x) => a + Math.exp(x), 0));
    expect(ce).toBeCloseTo(((lse([1, 2, 0.5]) - 2) + (lse([0.1, -1, 3]) - 3)) / 2, 5);
    const nll = val(nllLoss()(ls, labels));
    expect(nll).toBeCloseTo(ce, 5);
    const s = tf.tensor2d([[0.5], [2]]);
    const y = tf.tensor2d([[1], [0]]);
    expect(val(mseLoss()(s, y))).toBeCloseTo((0.25 + 4) / 2, 6);
    expect(val(mseLoss({ reduction: 'sum' })(s, y1))).toBeCloseTo(4.25, 6);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(val(bceWithLogitsLoss()(s, y))).toBeCloseTo((-Math.log(sig(0.5)) - Math.log(1 - sig(2))) / 2, 5);
    expect(() => lossFromConfig({ loss_class: 'torch.nn.TripletMarginLoss' })).toThrow(/TripletMarginLoss.*HuberLoss/s);
    tf.dispose([logits, labels, s, y, ls, y1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('metrics', () => {
  it('accuracy, f1, mse', () => {
    expect(accuracy().evaluate([0, 1, 2], [0.9, 0.1, 0, 0.2, 0.7, 0.1, 0.5, 0.4, 0.1], 3)).toBeCloseTo(2 / 3);
    expect(accuracy().evaluate([0, 1, 2], [0.2, 1.4, 1.6], 1)).toBe(1);
    expect(f1().evaluate([1, 1, 0, 0], [1, 0, 1, 0], 1)).toBeCloseTo(0.5);
    expect(mse().evaluate([1, 2], [1.5, 2.5], 1)).toBeCloseTo(0.25);
    expect(metricFromConfig({ metric_class: 'tinybig.metric.mse', metric_parameters: { name: 'mse' } }).name).toBe('mse');
    expect(() => metricFromConfig({ metric_class: 'tinybig.metric.auc' })).toThrow(/auc/);
  });
});

describe('random', () => {
  it('reproduces numpy RandomState(123).permutation and random_sample', () => {
    const r = mt19937(123);
    expect(Array.from(r.permutation(10))).toEqual([4, 0, 7, 5, 8, 3, 1, 6, 9, 2]);
    expect(r.random()).toBeCloseTo(0.41092437270901894, 15);
    expect(Array.from(mt19937(123).permutation(150).slice(0, 15))).toEqual([72, 112, 132, 88, 37, 138, 87, 42, 8, 90, 141, 33, 59, 116, 135]);
    const { train, test } = trainTestSplitIndices(150, 135, 123, true);
    expect(train.length).toBe(135);
    expect(Array.from(test)).toEqual([72, 112, 132, 88, 37, 138, 87, 42, 8, 90, 141, 33, 59, 116, 135]);
  });
});
