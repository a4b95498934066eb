import { ConfigError, defineEntry, type Registry, type RegistryEntry } from '@rpn/core';
import { COSINE_ANNEALING_LR, EXPONENTIAL_LR, SCHEDULER_OPTIONS, STEP_LR } from './scheduler-options.js';
import type { Optimizer } from './optimizer-base.js';
import { makeScheduler, type Scheduler, type SchedulerFactory } from './scheduler-base.js';
import { MORE_SCHEDULERS } from './schedulers-more.js';
import { buildPart, type PartLookup } from './lookup.js';

export type { Scheduler, SchedulerFactory } from './scheduler-base.js';

/** `ExponentialLR(gamma)`: lr·γᵉ. */
export function exponentialLR(optimizer: Optimizer, o: { gamma: number }): Scheduler {
  const { gamma } = EXPONENTIAL_LR.parse(o);
  return makeScheduler('ExponentialLR', { gamma }, optimizer, (e, lr0) => lr0 * Math.pow(gamma, e));
}

/** `StepLR(step_size, gamma=0.1)`: lr·γ^⌊e/step⌋. */
export function stepLR(optimizer: Optimizer, o: { stepSize: number; gamma?: number }): Scheduler {
  const { stepSize, gamma } = STEP_LR.parse(o);
  return makeScheduler('StepLR', { step_size: stepSize, gamma }, optimizer, (e, lr0) => lr0 * Math.pow(gamma, Math.floor(e / stepSize)));
}

/** `CosineAnnealingLR(T_max, eta_min=0)`: η_min + (lr − η_min)(1 + cos(π e / T_max))/2. */
export function cosineAnnealingLR(optimizer: Optimizer, o: { tMax: number; etaMin?: number }): Scheduler {
  const { tMax, etaMin } = COSINE_ANNEALING_LR.parse(o);
  return makeScheduler('CosineAnnealingLR', { T_max: tMax, eta_min: etaMin }, optimizer, (e, lr0) => etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * e) / tMax))) / 2);
}

/** The config builders, by torch class name (the source of {@link schedulerEntries}); the registry checks a config's options with the entry's schema first. */
const BUILDERS: Record<string, (opt: Optimizer, o: Record<string, unknown>) => Scheduler> = {
  ExponentialLR: (opt, o) => exponentialLR(opt, o as never),
  StepLR: (opt, o) => stepLR(opt, o as never),
  CosineAnnealingLR: (opt, o) => cosineAnnealingLR(opt, o as never),
  ...MORE_SCHEDULERS,
};

/**
 * Registry entries (kind `lr_scheduler`) of the torch schedulers, `torch.optim.lr_scheduler.<Name>` or
 * `<Name>`: each makes a {@link SchedulerFactory} from camelCase options.
 */
export const schedulerEntries: readonly RegistryEntry[] = Object.freeze(Object.entries(BUILDERS).map(([name, build]) =>
  defineEntry('lr_scheduler', name, (o): SchedulerFactory => (optimizer) => build(optimizer, o), { module: 'torch.optim.lr_scheduler', options: SCHEDULER_OPTIONS[name] })));

/** Scheduler class names accepted in configs (`torch.optim.lr_scheduler.<name>` or bare). */
export const SCHEDULER_NAMES: readonly string[] = Object.freeze(schedulerEntries.map((e) => e.className));

const PART: PartLookup = {
  kind: 'lr_scheduler', builtins: schedulerEntries, argument: 'lr_scheduler_configs', what: 'lr scheduler',
  made: (v) => typeof v === 'function', expected: 'a function from the optimizer to a scheduler',
};

/** Builds a scheduler from tinyBIG's `lr_scheduler_configs` for `optimizer` (an `lr_scheduler` entry of `registry`, or a built-in). */
export function schedulerFromConfig(config: unknown, optimizer: Optimizer, registry?: Registry): Scheduler {
  const make = buildPart<SchedulerFactory>(config, PART, registry, (_, options) => { delete options.optimizer; });
  const s = make(optimizer);
  if (!s || typeof (s as Scheduler).step !== 'function') {
    throw new ConfigError('the lr scheduler entry did not make a scheduler', { argument: 'lr_scheduler_configs.lr_scheduler_class', expected: 'an object with step()', received: String(s) });
  }
  return s;
}
