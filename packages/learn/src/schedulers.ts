import { checkKeys, envelopeOf, num, pick } from './params.js';
import type { Optimizer } from './optimizer-base.js';
import { makeScheduler, type Scheduler } from './scheduler-base.js';
import { MORE_SCHEDULERS } from './schedulers-more.js';

export type { Scheduler } from './scheduler-base.js';

/** `ExponentialLR(gamma)`: lr·γᵉ. */
export function exponentialLR(optimizer: Optimizer, o: { gamma: number }): Scheduler {
  return makeScheduler('ExponentialLR', { gamma: o.gamma }, optimizer, (e, lr0) => lr0 * Math.pow(o.gamma, e));
}

/** `StepLR(step_size, gamma=0.1)`: lr·γ^⌊e/step⌋. */
export function stepLR(optimizer: Optimizer, o: { stepSize: number; gamma?: number }): Scheduler {
  const gamma = o.gamma ?? 0.1;
  return makeScheduler('StepLR', { step_size: o.stepSize, gamma }, optimizer, (e, lr0) => lr0 * Math.pow(gamma, Math.floor(e / o.stepSize)));
}

/** `CosineAnnealingLR(T_max, eta_min=0)`: η_min + (lr − η_min)(1 + cos(π e / T_max))/2. */
export function cosineAnnealingLR(optimizer: Optimizer, o: { tMax: number; etaMin?: number }): Scheduler {
  const etaMin = o.etaMin ?? 0;
  return makeScheduler('CosineAnnealingLR', { T_max: o.tMax, eta_min: etaMin }, optimizer, (e, lr0) => etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * e) / o.tMax))) / 2);
}

const A = 'lr_scheduler_configs.lr_scheduler_parameters';
const BUILDERS: Record<string, (opt: Optimizer, o: Record<string, unknown>) => Scheduler> = {
  ExponentialLR: (opt, o) => { checkKeys(o, ['gamma', 'lastEpoch', 'verbose'], 'ExponentialLR', A); return exponentialLR(opt, { gamma: num(o, 'gamma', NaN, A, (v) => v > 0, 'a number > 0') }); },
  StepLR: (opt, o) => { checkKeys(o, ['stepSize', 'gamma', 'lastEpoch', 'verbose'], 'StepLR', A); return stepLR(opt, { stepSize: num(o, 'stepSize', NaN, A, (v) => v >= 1 && Number.isInteger(v), 'an integer ≥ 1'), gamma: num(o, 'gamma', 0.1, A, (v) => v > 0) }); },
  CosineAnnealingLR: (opt, o) => {
    // snakeToCamel turns T_max into TMax
    const tMax = num(o, 'TMax', num(o, 'tMax', NaN, A, (v) => v > 0, 'a number > 0'), A, (v) => v > 0, 'a number > 0');
    checkKeys(o, ['TMax', 'tMax', 'etaMin', 'lastEpoch', 'verbose'], 'CosineAnnealingLR', A);
    return cosineAnnealingLR(opt, { tMax, etaMin: num(o, 'etaMin', 0, A) });
  },
  ...MORE_SCHEDULERS,
};

/** Scheduler class names accepted in configs (`torch.optim.lr_scheduler.<name>` or bare). */
export const SCHEDULER_NAMES: readonly string[] = Object.freeze(Object.keys(BUILDERS));

/** Builds a scheduler from tinyBIG's `lr_scheduler_configs` for `optimizer`. */
export function schedulerFromConfig(config: unknown, optimizer: Optimizer): Scheduler {
  const { className, shortName, options } = envelopeOf(config, 'lr_scheduler_configs');
  delete options.optimizer;
  return pick(shortName, className, BUILDERS, 'lr scheduler', 'lr_scheduler_configs.lr_scheduler_class')(optimizer, options);
}
