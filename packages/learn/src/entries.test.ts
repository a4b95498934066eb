import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, UnknownNameError, UnsupportedError, ValueError, createRegistry, defineEntry, describeOptions } from '@rpn/core';
import { learnEntries } from './entries.js';
import { adam, optimizerEntries, optimizerFromConfig, sgd, type OptimizerFactory } from './optimizers.js';
import { schedulerEntries, schedulerFromConfig, stepLR } from './schedulers.js';
import { lossEntries, lossFromConfig, mseLoss } from './losses.js';
import { metricEntries, metricFromConfig, type Metric } from './metrics.js';
import { datasetEntries, datasetFromConfig } from './datasets/index.js';

const errorOf = (f: () => unknown): UnknownNameError => { try { f(); } catch (e) { return e as UnknownNameError; } throw new Error('no error'); };

describe('learner parts are registry entries', () => {
  it('every built-in is an entry of its kind, all in one list', () => {
    expect(optimizerEntries.map((e) => e.className)).toEqual(expect.arrayContaining(['AdamW', 'Adam', 'SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam', 'ASGD', 'Rprop']));
    expect(schedulerEntries.map((e) => e.className)).toEqual(expect.arrayContaining(['ExponentialLR', 'StepLR', 'CosineAnnealingLR', 'MultiStepLR', 'LambdaLR', 'OneCycleLR', 'ReduceLROnPlateau']));
    expect(lossEntries.map((e) => e.className)).toEqual(expect.arrayContaining(['CrossEntropyLoss', 'NLLLoss', 'MSELoss', 'BCEWithLogitsLoss', 'BCELoss', 'L1Loss', 'SmoothL1Loss', 'HuberLoss', 'KLDivLoss']));
    expect(metricEntries.map((e) => e.className)).toEqual(['accuracy', 'f1', 'mse']);
    const reg = createRegistry(learnEntries);
    expect(reg.listEntries('optimizer')).toEqual(optimizerEntries);
    expect(reg.listEntries('lr_scheduler')).toEqual(schedulerEntries);
    expect(reg.listEntries('loss')).toEqual(lossEntries);
    expect(reg.listEntries('metric')).toEqual(metricEntries);
    expect(reg.listEntries('dataset')).toEqual(datasetEntries);
    expect(reg.find('torch.optim.AdamW', 'optimizer')?.className).toBe('AdamW');
    expect(reg.find('torch.nn.modules.loss.MSELoss', 'loss')?.className).toBe('MSELoss');
  });

  it('an unknown name is a ConfigError naming the class key and listing the names of that kind only', () => {
    const v = tf.variable(tf.zeros([2]));
    const opt = sgd([v], { lr: 0.1 });
    const cases: [() => unknown, string, string, string, string][] = [
      [() => optimizerFromConfig({ optimizer_class: 'torch.optim.Lion' }, [v]), 'optimizer_configs.optimizer_class', 'AdamW', 'MSELoss', 'optimizer'],
      [() => schedulerFromConfig({ lr_scheduler_class: 'torch.optim.lr_scheduler.NoSuchLR' }, opt), 'lr_scheduler_configs.lr_scheduler_class', 'StepLR', 'AdamW', 'lr scheduler'],
      [() => lossFromConfig({ loss_class: 'torch.nn.NoSuchLoss' }), 'loss_configs.loss_class', 'HuberLoss', 'StepLR', 'loss'],
      [() => metricFromConfig({ metric_class: 'tinybig.metric.auc' }), 'metric_configs.metric_class', 'f1', 'MSELoss', 'metric'],
    ];
    for (const [f, argument, has, hasNot, what] of cases) {
      const e = errorOf(f);
      expect(e).toBeInstanceOf(ConfigError);
      expect(e).toBeInstanceOf(UnknownNameError);
      expect(e.argument).toBe(argument);
      expect(e.message).toMatch(new RegExp(`^unknown ${what} name`));
      expect(e.known).toContain(has);
      expect(e.known).not.toContain(hasNot);
    }
    opt.dispose();
    v.dispose();
  });

  it('an unknown data class is a ConfigError naming data_configs.data_class', async () => {
    const e = (await datasetFromConfig({ data_class: 'tinybig.data.no_such_data' }).catch((x: unknown) => x)) as UnknownNameError;
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('data_configs.data_class');
    expect(e.known).toContain('elementary_function');
  });

  it('a user\'s optimizer, scheduler, loss and metric resolve through a registry, the built-ins still there', () => {
    // a user's optimizer: p ← p − lr·sign(g) (signSGD); scheduler: lr halves every epoch; metric: max |error|
    const signSgd = defineEntry('optimizer', 'SignSGD', (o): OptimizerFactory => (vars) => {
      const base = sgd(vars, { lr: o.lr as number });
      return { ...base, name: 'SignSGD', get lr() { return base.lr; }, step: (g: readonly tf.Tensor[]) => base.step(g.map((t) => tf.sign(t))) };
    }, { module: 'my.optim' });
    const halving = defineEntry('lr_scheduler', 'Halving', () => (opt: ReturnType<typeof sgd>) => stepLR(opt, { stepSize: 1, gamma: 0.5 }));
    const maxErr = defineEntry('metric', 'max_error', (): Metric => Object.freeze({
      name: 'max_error', higherIsBetter: false,
      evaluate: (t: ArrayLike<number>, s: ArrayLike<number>) => Math.max(...Array.from(t, (v, i) => Math.abs(v - s[i]))),
      toConfig: () => ({ metric_class: 'max_error', metric_parameters: {} }),
    }));
    const reg = createRegistry([signSgd, halving, maxErr]);
    const v = tf.variable(tf.tensor1d([1, 1]));
    const opt = optimizerFromConfig({ optimizer_class: 'my.optim.SignSGD', optimizer_parameters: { lr: 0.25 } }, [v], reg);
    const g = tf.tensor1d([3, -0.01]);
    opt.step([g]);
    expect(Array.from(v.dataSync())).toEqual([0.75, 1.25]);
    const s = schedulerFromConfig({ lr_scheduler_class: 'Halving' }, opt, reg);
    s.step();
    expect(opt.lr).toBe(0.125);
    expect(metricFromConfig({ metric_class: 'max_error' }, reg).evaluate([1, 2], [1.5, 4], 1)).toBe(2);
    // built-ins resolve beside the registry's own entries
    expect(lossFromConfig({ loss_class: 'torch.nn.MSELoss' }, reg).name).toBe('MSELoss');
    const e = errorOf(() => metricFromConfig({ metric_class: 'nope' }, reg));
    expect(e.known).toEqual(expect.arrayContaining(['max_error', 'accuracy']));
    tf.dispose([g]);
    opt.dispose();
    v.dispose();
  });

  it('an entry that makes the wrong kind of value is a ConfigError naming it', () => {
    const reg = createRegistry([defineEntry('loss', 'not_a_loss', () => 42), defineEntry('optimizer', 'NotAnOptimizer', () => () => ({}))]);
    expect(() => lossFromConfig({ loss_class: 'not_a_loss' }, reg)).toThrow(ConfigError);
    expect(() => lossFromConfig({ loss_class: 'not_a_loss' }, reg)).toThrow(/not_a_loss/);
    expect(() => optimizerFromConfig({ optimizer_class: 'NotAnOptimizer' }, [], reg)).toThrow(ConfigError);
  });

  it('the config builders still give the same objects as the functions', () => {
    expect(lossFromConfig({ loss_class: 'MSELoss', loss_parameters: { reduction: 'sum' } }).toConfig()).toEqual(mseLoss({ reduction: 'sum' }).toConfig());
  });
});

describe('the optimizers\' options are declared once (option schemas on the entries)', () => {
  it('entries carry torch\'s defaults and bounds for forms', () => {
    const adamw = describeOptions(optimizerEntries.find((e) => e.className === 'AdamW')!.options!);
    const by = Object.fromEntries(adamw.map((d) => [d.key, d]));
    expect(by.lr).toMatchObject({ configKey: 'lr', default: 1e-3, min: 0 });
    expect(by.weightDecay).toMatchObject({ configKey: 'weight_decay', default: 1e-2 });
    expect(by.betas).toMatchObject({ default: [0.9, 0.999], minLength: 2, maxLength: 2 });
    expect(optimizerEntries.every((e) => e.options !== undefined)).toBe(true);
  });
  it('a config\'s bad value is a ConfigError with the tinyBIG key; in code a ValueError with the camelCase key', () => {
    const v = tf.variable(tf.zeros([2]));
    const e = errorOf(() => optimizerFromConfig({ optimizer_class: 'torch.optim.Adam', optimizer_parameters: { weight_decay: -1 } }, [v]));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('weight_decay');
    const b = errorOf(() => optimizerFromConfig({ optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { betas: [0.9, 1] } }, [v]));
    expect(b.argument).toBe('betas');
    const c = errorOf(() => adam([v], { weightDecay: -1 }));
    expect(c).toBeInstanceOf(ValueError);
    expect(c.argument).toBe('weightDecay');
    v.dispose();
  });
  it('maximize is refused by every optimizer (Adam, AdamW, SGD, RMSprop and Adagrad used to ignore it)', () => {
    const v = tf.variable(tf.zeros([2]));
    for (const cls of ['Adam', 'AdamW', 'SGD', 'RMSprop', 'Adagrad', 'NAdam']) {
      expect(() => optimizerFromConfig({ optimizer_class: `torch.optim.${cls}`, optimizer_parameters: { maximize: true } }, [v])).toThrow(UnsupportedError);
    }
    v.dispose();
  });
});
