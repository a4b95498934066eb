import { ConfigError, UnsupportedError, ValueError, optionsFromParameters, type Params } from '@rpn/core';
import { CONSTANT_LR, COSINE_ANNEALING_WARM_RESTARTS, CYCLIC_LR, LAMBDA_FORMS, LAMBDA_LR, LINEAR_LR, MULTI_STEP_LR, ONE_CYCLE_LR, POLYNOMIAL_LR, REDUCE_LR_ON_PLATEAU } from './scheduler-options.js';
import type { Optimizer } from './optimizer-base.js';
import { makeScheduler, noClosedForm, type Scheduler } from './scheduler-base.js';

const A = 'lr_scheduler_configs.lr_scheduler_parameters';
const int1 = (v: number) => Number.isInteger(v) && v >= 1;

/** `MultiStepLR(milestones, gamma=0.1)`: lr₀·γ^(number of milestones ≤ e). */
export function multiStepLR(optimizer: Optimizer, o: { milestones: readonly number[]; gamma?: number }): Scheduler {
  const v = MULTI_STEP_LR.parse(o);
  const ms = [...v.milestones].sort((x, y) => x - y);
  const gamma = v.gamma;
  return makeScheduler('MultiStepLR', { milestones: ms, gamma }, optimizer, (e, lr0) => lr0 * Math.pow(gamma, ms.filter((m) => m <= e).length));
}

/** `LambdaLR(lr_lambda)`: lr₀·f(e), f a JS function (from code). */
export function lambdaLR(optimizer: Optimizer, o: { lrLambda: (e: number) => number; form?: Record<string, unknown> }): Scheduler {
  LAMBDA_LR.parse({ lrLambda: o.lrLambda });
  if (typeof o.lrLambda !== 'function') throw new ValueError('LambdaLR needs a function', { argument: 'lrLambda', expected: 'a function (epoch) => factor', received: typeof o.lrLambda });
  return makeScheduler('LambdaLR', { lr_lambda: o.form ?? '<function>' }, optimizer, (e, lr0) => lr0 * o.lrLambda(e));
}

/** `LinearLR(start_factor=1/3, end_factor=1, total_iters=5)`: lr₀·(s + (e′ − s)·min(e, n)/n). */
export function linearLR(optimizer: Optimizer, o: { startFactor?: number; endFactor?: number; totalIters?: number } = {}): Scheduler {
  const { startFactor: s, endFactor: f, totalIters: n } = LINEAR_LR.parse(o);
  return makeScheduler('LinearLR', { start_factor: s, end_factor: f, total_iters: n }, optimizer, (e, lr0) => lr0 * (s + ((f - s) * Math.min(e, n)) / n));
}

/** `ConstantLR(factor=1/3, total_iters=5)`: lr₀·factor for e < n, then lr₀. */
export function constantLR(optimizer: Optimizer, o: { factor?: number; totalIters?: number } = {}): Scheduler {
  const { factor: c, totalIters: n } = CONSTANT_LR.parse(o);
  return makeScheduler('ConstantLR', { factor: c, total_iters: n }, optimizer, (e, lr0) => lr0 * (e < n ? c : 1));
}

/** `PolynomialLR(total_iters=5, power=1)`: lr₀·(1 − min(e, n)/n)^power. */
export function polynomialLR(optimizer: Optimizer, o: { totalIters?: number; power?: number } = {}): Scheduler {
  const { totalIters: n, power: pw } = POLYNOMIAL_LR.parse(o);
  return makeScheduler('PolynomialLR', { total_iters: n, power: pw }, optimizer, (e, lr0) => lr0 * Math.pow(1 - Math.min(e, n) / n, pw));
}

/**
 * `CosineAnnealingWarmRestarts(T_0, T_mult=1, eta_min=0)`: η_min + (lr₀ − η_min)(1 + cos(π T_cur/T_i))/2,
 * T_cur counting from 0 in a period of T_i, T_i ← T_i·T_mult at each restart.
 */
export function cosineAnnealingWarmRestarts(optimizer: Optimizer, o: { t0: number; tMult?: number; etaMin?: number }): Scheduler {
  const { t0, tMult, etaMin } = COSINE_ANNEALING_WARM_RESTARTS.parse(o);
  return makeScheduler('CosineAnnealingWarmRestarts', { T_0: t0, T_mult: tMult, eta_min: etaMin }, optimizer, (e, lr0) => {
    let tCur = e, tI = t0;
    while (tCur >= tI) { tCur -= tI; tI *= tMult; }
    return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  });
}

/** Options of {@link cyclicLR} (torch's names, camelCase). */
export interface CyclicOptions {
  baseLr: number; maxLr: number; stepSizeUp?: number; stepSizeDown?: number;
  mode?: 'triangular' | 'triangular2' | 'exp_range'; gamma?: number;
  scaleFn?: (x: number) => number; scaleMode?: 'cycle' | 'iterations';
}

/**
 * `CyclicLR` (stepped per batch): cycle = ⌊1 + i/(up+down)⌋, x = 1 + i/(up+down) − cycle;
 * lr = base + (max − base)·(x/r if x ≤ r else (x−1)/(r−1))·scale, r = up/(up+down); scale 1 (triangular),
 * 1/2^(cycle−1) (triangular2) or γ^i (exp_range). The optimizer's rate starts at base_lr, as in torch.
 * Momentum cycling (torch's cycle_momentum=True) is not supported: the optimizers here have a fixed momentum.
 */
export function cyclicLR(optimizer: Optimizer, options: CyclicOptions): Scheduler {
  const { cycleMomentum: _c, ...checked } = CYCLIC_LR.parse({ cycleMomentum: false, ...options });
  const o = checked as unknown as CyclicOptions & { baseLr: number; maxLr: number };
  const up = o.stepSizeUp ?? 2000, down = o.stepSizeDown ?? up, total = up + down, r = up / total;
  const mode = o.mode ?? 'triangular', gamma = o.gamma ?? 1;
  const fn = o.scaleFn ?? (mode === 'triangular' ? () => 1 : mode === 'triangular2' ? (c: number) => 1 / Math.pow(2, c - 1) : (i: number) => Math.pow(gamma, i));
  const byCycle = o.scaleFn ? (o.scaleMode ?? 'cycle') === 'cycle' : mode !== 'exp_range';
  return makeScheduler('CyclicLR', { base_lr: o.baseLr, max_lr: o.maxLr, step_size_up: up, step_size_down: down, mode, gamma, cycle_momentum: false }, optimizer, (i) => {
    const cycle = Math.floor(1 + i / total);
    const x = 1 + i / total - cycle;
    const f = x <= r ? x / r : (x - 1) / (r - 1);
    return o.baseLr + (o.maxLr - o.baseLr) * f * fn(byCycle ? cycle : i);
  }, 'batch');
}

/** Options of {@link oneCycleLR}: `totalSteps`, or `epochs` × `stepsPerEpoch`. */
export interface OneCycleOptions {
  maxLr: number; totalSteps?: number; epochs?: number; stepsPerEpoch?: number; pctStart?: number;
  annealStrategy?: 'cos' | 'linear'; divFactor?: number; finalDivFactor?: number; threePhase?: boolean;
}

/**
 * `OneCycleLR` (stepped per batch by the trainer, as torch documents it): from max_lr/div_factor up to max_lr
 * over pct_start·total − 1 steps, then down to max_lr/(div_factor·final_div_factor) (three_phase: down to the
 * start first, then to the minimum), each phase annealed by cos (end + (start−end)(1+cos πp)/2) or linearly.
 * Stepping past total_steps is a ValueError, as in torch. Momentum cycling is not supported.
 */
export function oneCycleLR(optimizer: Optimizer, options: OneCycleOptions): Scheduler {
  const { cycleMomentum: _c, ...checked } = ONE_CYCLE_LR.parse({ cycleMomentum: false, ...options });
  const o = checked as unknown as OneCycleOptions;
  const total = o.totalSteps ?? (o.epochs !== undefined && o.stepsPerEpoch !== undefined ? o.epochs * o.stepsPerEpoch : NaN);
  if (!int1(total)) throw new ValueError('OneCycleLR needs total_steps, or epochs and steps_per_epoch', { argument: `${A}.total_steps`, expected: 'an integer ≥ 1 (or epochs × steps_per_epoch)', received: String(total) });
  const pct = o.pctStart ?? 0.3, div = o.divFactor ?? 25, fdiv = o.finalDivFactor ?? 1e4;
  const initial = o.maxLr / div, min = initial / fdiv;
  const phases: [number, number, number][] = o.threePhase
    ? [[pct * total - 1, initial, o.maxLr], [2 * pct * total - 2, o.maxLr, initial], [total - 1, initial, min]]
    : [[pct * total - 1, initial, o.maxLr], [total - 1, o.maxLr, min]];
  const cos = (o.annealStrategy ?? 'cos') === 'cos';
  const anneal = (s: number, e: number, p: number) => (cos ? e + ((s - e) / 2) * (Math.cos(Math.PI * p) + 1) : (e - s) * p + s);
  return makeScheduler('OneCycleLR', { max_lr: o.maxLr, total_steps: total, pct_start: pct, anneal_strategy: cos ? 'cos' : 'linear', div_factor: div, final_div_factor: fdiv, three_phase: !!o.threePhase, cycle_momentum: false }, optimizer, (i) => {
    if (i > total) throw new ValueError(`OneCycleLR was stepped ${i} times, past its total_steps ${total} (the trainer steps it once per batch: total_steps must be at least epochs × batches per epoch)`, { argument: `${A}.total_steps`, expected: `≥ ${i}`, received: String(total) });
    let start = 0;
    for (let k = 0; k < phases.length; k++) {
      const [end, s, e] = phases[k];
      if (i <= end || k === phases.length - 1) return anneal(s, e, (i - start) / (end - start));
      start = end;
    }
    return min;
  }, 'batch');
}

/** Options of {@link reduceLROnPlateau} (torch's names and defaults). */
export interface PlateauOptions {
  mode?: 'min' | 'max'; factor?: number; patience?: number; threshold?: number;
  thresholdMode?: 'rel' | 'abs'; cooldown?: number; minLr?: number; eps?: number;
}

/**
 * `ReduceLROnPlateau`, stepped with a metric once per epoch: a value better than the best by the threshold
 * (rel: a < best·(1 − θ) for min; abs: a < best − θ) resets the count of bad epochs; more than `patience`
 * bad epochs set lr ← max(lr·factor, min_lr) (only when that changes lr by more than eps), then `cooldown`
 * epochs count no bad epochs. Defaults mode min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0,
 * min_lr 0, eps 1e-8.
 */
export function reduceLROnPlateau(optimizer: Optimizer, o: PlateauOptions = {}): Scheduler {
  const { mode, factor, patience, threshold: th, thresholdMode: thMode, cooldown, minLr, eps } = REDUCE_LR_ON_PLATEAU.parse(o);
  let best = mode === 'min' ? Infinity : -Infinity;
  let bad = 0, cool = 0, epoch = 0;
  const better = (a: number) => mode === 'min'
    ? (thMode === 'rel' ? a < best * (1 - th) : a < best - th)
    : (thMode === 'rel' ? a > best * (1 + th) : a > best + th);
  return Object.freeze({
    name: 'ReduceLROnPlateau',
    get epoch() { return epoch; },
    interval: 'epoch' as const,
    needsMetric: true,
    lrAt: noClosedForm('ReduceLROnPlateau'),
    step(metric?: number) {
      if (typeof metric !== 'number' || Number.isNaN(metric)) throw new ValueError('ReduceLROnPlateau steps on a metric', { argument: 'metric', expected: 'a number (the monitored value of the epoch)', received: String(metric) });
      epoch += 1;
      if (better(metric)) { best = metric; bad = 0; } else bad += 1;
      if (cool > 0) { cool -= 1; bad = 0; }
      if (bad > patience) {
        const old = optimizer.lr, next = Math.max(old * factor, minLr);
        if (old - next > eps) optimizer.setLearningRate(next);
        cool = cooldown; bad = 0;
      }
    },
    toConfig: () => ({ lr_scheduler_class: 'torch.optim.lr_scheduler.ReduceLROnPlateau', lr_scheduler_parameters: { mode, factor, patience, threshold: th, threshold_mode: thMode, cooldown, min_lr: minLr, eps } }),
  });
}

/** The built-in `lr_lambda` forms a config may name: {form: exponential, gamma} | {form: step, step_size, gamma} | {form: warmup, warmup}. */
export function lambdaForm(v: unknown, a: string): (e: number) => number {
  const where = `${a}.lr_lambda`;
  if (typeof v === 'string' || typeof v === 'function') {
    throw new ConfigError('LambdaLR: a config cannot hold code; lr_lambda must be one of the built-in forms (or pass a JS function to lambdaLR from code)', { argument: where, expected: '{form: exponential, gamma} | {form: step, step_size, gamma} | {form: warmup, warmup}', received: JSON.stringify(String(v)).slice(0, 80) });
  }
  if (v == null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError('LambdaLR needs lr_lambda', { argument: where, expected: '{form: exponential | step | warmup, …}', received: JSON.stringify(v) });
  const f = optionsFromParameters(v as Params);
  const schema = typeof f.form === 'string' ? LAMBDA_FORMS[f.form] : undefined;
  if (!schema) throw new ConfigError('LambdaLR: unknown lr_lambda form', { argument: `${where}.form`, expected: `one of ${Object.keys(LAMBDA_FORMS).join(', ')}`, received: JSON.stringify(f.form) });
  let p: Record<string, unknown>;
  try {
    p = schema.parse(f, 'config') as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.message, { argument: `${where}.${e.argument}`, expected: e.expected, received: e.received });
    throw e;
  }
  if (f.form === 'exponential') { const gamma = p.gamma as number; return (e) => Math.pow(gamma, e); }
  if (f.form === 'step') { const s = p.stepSize as number, gamma = p.gamma as number; return (e) => Math.pow(gamma, Math.floor(e / s)); }
  const w = p.warmup as number;
  return (e) => Math.min(1, (e + 1) / w);
}

/** Momentum cycling (torch's default) and a config's code are refused with typed errors. */
function momentumRefused(o: Params, name: string): void {
  if (o.cycleMomentum !== false) {
    throw new UnsupportedError(`${name}: cycle_momentum is not supported (the optimizers here keep a fixed momentum); set cycle_momentum: false`, { argument: `${A}.cycle_momentum`, expected: 'false', received: 'true (torch\'s default)' });
  }
  if (o.scaleFn !== undefined) throw new ConfigError(`${name}: a config cannot hold code (scale_fn)`, { argument: `${A}.scale_fn`, expected: 'mode: triangular | triangular2 | exp_range', received: JSON.stringify(String(o.scaleFn)).slice(0, 80) });
}

type Builder = (opt: Optimizer, o: Params) => Scheduler;

/**
 * Config builders of the schedulers beyond the first three, by torch class name. The registry checks
 * a config's options with the entry's schema first (ConfigError naming the tinyBIG key); the
 * scheduler functions apply the defaults.
 */
export const MORE_SCHEDULERS: Readonly<Record<string, Builder>> = Object.freeze({
  MultiStepLR: (opt, o) => multiStepLR(opt, o as never),
  LambdaLR: (opt, o) => lambdaLR(opt, { lrLambda: lambdaForm(o.lrLambda, A), form: o.lrLambda as Record<string, unknown> }),
  LinearLR: (opt, o) => linearLR(opt, o as never),
  ConstantLR: (opt, o) => constantLR(opt, o as never),
  PolynomialLR: (opt, o) => polynomialLR(opt, o as never),
  CosineAnnealingWarmRestarts: (opt, o) => cosineAnnealingWarmRestarts(opt, o as never),
  CyclicLR: (opt, o) => { momentumRefused(o, 'CyclicLR'); return cyclicLR(opt, o as never); },
  OneCycleLR: (opt, o) => { momentumRefused(o, 'OneCycleLR'); return oneCycleLR(opt, o as never); },
  ReduceLROnPlateau: (opt, o) => reduceLROnPlateau(opt, o as never),
});
