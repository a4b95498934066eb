import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValueError, describeOptions } from '@rpn/core';
import { sgd } from './optimizers.js';
import { cosineAnnealingLR, schedulerEntries, schedulerFromConfig, stepLR } from './schedulers.js';
import { cyclicLR, linearLR, reduceLROnPlateau } from './schedulers-more.js';
import { SCHEDULER_OPTIONS } from './scheduler-options.js';
import { LOSS_OPTIONS } from './loss-options.js';
import { crossEntropyLoss, huberLoss, lossEntries, lossFromConfig, mseLoss } from './losses.js';
import { METRIC_OPTIONS, f1, metricEntries, metricFromConfig } from './metrics.js';

const errorOf = (f: () => unknown): Error & { argument?: string } => {
  try {
    f();
  } catch (e) {
    return e as Error & { argument?: string };
  }
  throw new Error('no error');
};

function withOptimizer<T>(f: (o: ReturnType<typeof sgd>) => T): T {
  const v = tf.variable(tf.zeros([2]));
  const o = sgd([v], { lr: 0.1 });
  try {
    return f(o);
  } finally {
    o.dispose();
    v.dispose();
  }
}

describe('schedulers, losses and metrics declare their options (like the optimizers)', () => {
  it('every entry carries its schema, which describeOptions lists with torch\'s keys and defaults', () => {
    for (const [entries, table] of [[schedulerEntries, SCHEDULER_OPTIONS], [lossEntries, LOSS_OPTIONS], [metricEntries, METRIC_OPTIONS]] as const) {
      for (const e of entries) {
        expect(e.options, e.className).toBe(table[e.className]);
        expect(describeOptions(e.options!).length, e.className).toBeGreaterThan(0);
      }
    }
    expect(schedulerEntries).toHaveLength(12);
    expect(lossEntries).toHaveLength(9);
    const cos = describeOptions(SCHEDULER_OPTIONS.CosineAnnealingLR);
    expect(cos.find((d) => d.key === 'tMax')).toMatchObject({ configKey: 'T_max', required: true });
    expect(describeOptions(SCHEDULER_OPTIONS.ReduceLROnPlateau).find((d) => d.key === 'patience')).toMatchObject({ configKey: 'patience', type: 'int', default: 10 });
    expect(describeOptions(LOSS_OPTIONS.HuberLoss).find((d) => d.key === 'delta')?.default).toBe(1);
    expect(describeOptions(METRIC_OPTIONS.f1).find((d) => d.key === 'average')?.choices).toEqual(['binary', 'macro', 'micro', 'weighted']);
  });

  it('from a config a wrong type or unknown key is a ConfigError naming the tinyBIG key', () => withOptimizer((opt) => {
    const sched: [string, Record<string, unknown>, string][] = [
      ['StepLR', { step_size: 'two' }, 'step_size'],
      ['StepLR', { step_size: 2, gamma: '0.5' }, 'gamma'],
      ['CosineAnnealingLR', { T_max: -1 }, 'T_max'],
      ['CosineAnnealingWarmRestarts', { T_0: 1.5 }, 'T_0'],
      ['MultiStepLR', { milestones: [1, 'x'] }, 'milestones'],
      ['LinearLR', { start_factor: 0 }, 'start_factor'],
      ['ReduceLROnPlateau', { patience: 'long' }, 'patience'],
      ['OneCycleLR', { max_lr: 0.1, total_steps: 5, cycle_momentum: false, pct_start: 2 }, 'pct_start'],
      ['ExponentialLR', { gama: 0.9 }, 'gama'],
    ];
    for (const [cls, p, key] of sched) {
      const e = errorOf(() => schedulerFromConfig({ lr_scheduler_class: cls, lr_scheduler_parameters: p }, opt));
      expect(e, cls).toBeInstanceOf(ConfigError);
      expect(e.argument, cls).toBe(key);
    }
    const losses: [string, Record<string, unknown>, string][] = [
      ['CrossEntropyLoss', { label_smoothing: '0.1' }, 'label_smoothing'],
      ['HuberLoss', { delta: 0 }, 'delta'],
      ['KLDivLoss', { log_target: 'yes' }, 'log_target'],
      ['MSELoss', { reduction: 'none' }, 'reduction'],
      ['L1Loss', { reductoin: 'sum' }, 'reductoin'],
    ];
    for (const [cls, p, key] of losses) {
      const e = errorOf(() => lossFromConfig({ loss_class: cls, loss_parameters: p }));
      expect(e, cls).toBeInstanceOf(ConfigError);
      expect(e.argument, cls).toBe(key);
    }
    expect(errorOf(() => metricFromConfig({ metric_class: 'f1', metric_parameters: { average: 'samples' } }))).toMatchObject({ name: 'ConfigError', argument: 'average' });
    expect(errorOf(() => metricFromConfig({ metric_class: 'accuracy', metric_parameters: { normalize: true } }))).toMatchObject({ name: 'ConfigError', argument: 'normalize' });
  }));

  it('string numbers were coerced (Number("0.5")); in code a wrong type or unknown key is a ValueError naming the camelCase option', () => withOptimizer((opt) => {
    const cases: [() => unknown, string][] = [
      [() => stepLR(opt, { stepSize: '2' as never }), 'stepSize'],
      [() => cosineAnnealingLR(opt, { tMax: 10, etaMin: 'low' as never }), 'etaMin'],
      [() => linearLR(opt, { totalIters: 0 }), 'totalIters'],
      [() => reduceLROnPlateau(opt, { factor: 1 }), 'factor'],
      [() => cyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, mode: 'sine' as never }), 'mode'],
      [() => stepLR(opt, { stepSize: 2, gama: 0.5 } as never), 'gama'],
      [() => crossEntropyLoss({ labelSmoothing: 2 }), 'labelSmoothing'],
      [() => huberLoss({ delta: 'one' as never }), 'delta'],
      [() => mseLoss({ reduction: 'none' as never }), 'reduction'],
      [() => f1({ average: 'samples' as never }), 'average'],
    ];
    for (const [f, key] of cases) {
      const e = errorOf(f);
      expect(e, key).toBeInstanceOf(ValueError);
      expect(e.argument, key).toBe(key);
    }
  }));

  it('the checked values are used (defaults from the schema)', () => withOptimizer((opt) => {
    const s = schedulerFromConfig({ lr_scheduler_class: 'StepLR', lr_scheduler_parameters: { step_size: 2 } }, opt);
    expect([0, 1, 2].map((e) => s.lrAt(e))).toEqual([0.1, 0.1, 0.1 * 0.1].map((x) => expect.closeTo(x, 12)));
    expect(s.toConfig().lr_scheduler_parameters).toEqual({ step_size: 2, gamma: 0.1 });
    const c = schedulerFromConfig({ lr_scheduler_class: 'CosineAnnealingLR', lr_scheduler_parameters: { T_max: 4 } }, opt);
    expect(c.lrAt(4)).toBeCloseTo(0, 12);
  }));
});
