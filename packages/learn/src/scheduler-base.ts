import { UnsupportedError, ValueError } from '@rpn/core';
import type { Optimizer } from './optimizer-base.js';

/**
 * A learning-rate schedule. tinyBIG's learner calls `lr_scheduler.step()` once per epoch; the trainer
 * does the same for `interval: 'epoch'` schedulers, and after every batch for `interval: 'batch'` ones
 * (CyclicLR, OneCycleLR, which torch documents as per-batch). A scheduler with `needsMetric`
 * (ReduceLROnPlateau) is stepped with the epoch's test loss (the train loss without a test pass).
 * Like torch's, building a scheduler sets the optimizer's rate to the schedule's step-0 value.
 */
export interface Scheduler {
  readonly name: string;
  /** Steps taken so far (epochs, or batches for `interval: 'batch'`). */
  readonly epoch: number;
  /** When the trainer steps it. */
  readonly interval: 'epoch' | 'batch';
  /** Whether `step` needs the monitored value. */
  readonly needsMetric: boolean;
  /** The rate after `e` steps (0-based), from the optimizer's initial rate (schedules that depend only on e). */
  lrAt(e: number): number;
  /** Advances one step; `metric` is the monitored value for schedulers with `needsMetric`. */
  step(metric?: number): void;
  toConfig(): { lr_scheduler_class: string; lr_scheduler_parameters: Record<string, unknown> };
}

/** What an `lr_scheduler` registry entry makes from its options: the scheduler of an optimizer. */
export type SchedulerFactory = (optimizer: Optimizer) => Scheduler;

/** A closed-form schedule lr(e, lr₀); sets the optimizer's rate to lr(0) at once, as torch's constructor does. */
export function makeScheduler(name: string, params: Record<string, unknown>, optimizer: Optimizer, lrAt: (e: number, lr0: number) => number, interval: 'epoch' | 'batch' = 'epoch'): Scheduler {
  let epoch = 0;
  const lr0 = optimizer.initialLr;
  const at = (e: number) => {
    const v = lrAt(e, lr0);
    if (!Number.isFinite(v) || v < 0) throw new ValueError(`${name} gives an invalid learning rate`, { argument: 'lr', expected: 'a finite number ≥ 0', received: `${v} at step ${e}` });
    return v;
  };
  optimizer.setLearningRate(at(0));
  return Object.freeze({
    name,
    get epoch() { return epoch; },
    interval,
    needsMetric: false,
    lrAt: at,
    step() { optimizer.setLearningRate(at(epoch + 1)); epoch += 1; },
    toConfig: () => ({ lr_scheduler_class: `torch.optim.lr_scheduler.${name}`, lr_scheduler_parameters: { ...params } }),
  });
}

/** For schedules that depend on observed values: `lrAt` cannot be answered ahead. */
export function noClosedForm(name: string): (e: number) => number {
  return (e) => { throw new UnsupportedError(`${name} has no closed form: its rate depends on the values it is stepped with`, { argument: 'e', expected: 'a scheduler whose rate depends only on the step', received: String(e) }); };
}
