import { ConfigError, UnsupportedError, ValueError, type Params } from '@rpn/core';
import { bool, checkKeys, num, str } from './params.js';
import type { Optimizer } from './optimizer-base.js';
import { makeScheduler, noClosedForm, type Scheduler } from './scheduler-base.js';

const A = 'lr_scheduler_configs.lr_scheduler_parameters';
const IGNORED = ['lastEpoch', 'verbose'];
const int1 = (v: number) => Number.isInteger(v) && v >= 1;
const int0 = (v: number) => Number.isInteger(v) && v >= 0;

/** `MultiStepLR(milestones, gamma=0.1)`: lr₀·γ^(number of milestones ≤ e). */
export function multiStepLR(optimizer: Optimizer, o: { milestones: readonly number[]; gamma?: number }): Scheduler {
  const ms = [...o.milestones].sort((x, y) => x - y);
  const gamma = o.gamma ?? 0.1;
  return makeScheduler('MultiStepLR', { milestones: ms, gamma }, optimizer, (e, lr0) => lr0 * Math.pow(gamma, ms.filter((m) => m <= e).length));
}

/** `LambdaLR(lr_lambda)`: lr₀·f(e), f a JS function (from code). */
export function lambdaLR(optimizer: Optimizer, o: { lrLambda: (e: number) => number; form?: Record<string, unknown> }): Scheduler {
  if (typeof o.lrLambda !== 'function') throw new ValueError('LambdaLR needs a function', { argument: 'lrLambda', expected: 'a function (epoch) => factor', received: typeof o.lrLambda });
  return makeScheduler('LambdaLR', { lr_lambda: o.form ?? '<function>' }, optimizer, (e, lr0) => lr0 * o.lrLambda(e));
}

/** `LinearLR(start_factor=1/3, end_factor=1, total_iters=5)`: lr₀·(s + (e′ − s)·min(e, n)/n). */
export function linearLR(optimizer: Optimizer, o: { startFactor?: number; endFactor?: number; totalIters?: number } = {}): Scheduler {
  const s = o.startFactor ?? 1 / 3, f = o.endFactor ?? 1, n = o.totalIters ?? 5;
  return makeScheduler('LinearLR', { start_factor: s, end_factor: f, total_iters: n }, optimizer, (e, lr0) => lr0 * (s + ((f - s) * Math.min(e, n)) / n));
}

/** `ConstantLR(factor=1/3, total_iters=5)`: lr₀·factor for e < n, then lr₀. */
export function constantLR(optimizer: Optimizer, o: { factor?: number; totalIters?: number } = {}): Scheduler {
  const c = o.factor ?? 1 / 3, n = o.totalIters ?? 5;
  return makeScheduler('ConstantLR', { factor: c, total_iters: n }, optimizer, (e, lr0) => lr0 * (e < n ? c : 1));
}

/** `PolynomialLR(total_iters=5, power=1)`: lr₀·(1 − min(e, n)/n)^power. */
export function polynomialLR(optimizer: Optimizer, o: { totalIters?: number; power?: number } = {}): Scheduler {
  const n = o.totalIters ?? 5, pw = o.power ?? 1;
  return makeScheduler('PolynomialLR', { total_iters: n, power: pw }, optimizer, (e, lr0) => lr0 * Math.pow(1 - Math.min(e, n) / n, pw));
}

/**
 * `CosineAnnealingWarmRestarts(T_0, T_mult=1, eta_min=0)`: η_min + (lr₀ − η_min)(1 + cos(π T_cur/T_i))/2,
 * T_cur counting from 0 in a period of T_i, T_i ← T_i·T_mult at each restart.
 */
export function cosineAnnealingWarmRestarts(optimizer: Optimizer, o: { t0: number; tMult?: number; etaMin?: number }): Scheduler {
  const tMult = o.tMult ?? 1, etaMin = o.etaMin ?? 0;
  return makeScheduler('CosineAnnealingWarmRestarts', { T_0: o.t0, T_mult: tMult, eta_min: etaMin }, optimizer, (e, lr0) => {
    let tCur = e, tI = o.t0;
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
export function cyclicLR(optimizer: Optimizer, o: CyclicOptions): Scheduler {
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
export function oneCycleLR(optimizer: Optimizer, o: OneCycleOptions): Scheduler {
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
  const mode = o.mode ?? 'min', factor = o.factor ?? 0.1, patience = o.patience ?? 10, th = o.threshold ?? 1e-4;
  const thMode = o.thresholdMode ?? 'rel', cooldown = o.cooldown ?? 0, minLr = o.minLr ?? 0, eps = o.eps ?? 1e-8;
  if (!(factor < 1)) throw new ValueError('ReduceLROnPlateau factor must be < 1', { argument: `${A}.factor`, expected: 'a number < 1', received: String(factor) });
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
  const f = v as Params;
  const form = str(f, 'form', '', where, ['exponential', 'step', 'warmup']);
  const g = (k: string, def: number, ok: (x: number) => boolean, exp: string) => num(f, k, num(f, k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), def, where, ok, exp), where, ok, exp);
  if (form === 'exponential') { checkKeys(f, ['form', 'gamma'], 'lr_lambda exponential', where); const gamma = g('gamma', NaN, (x) => x > 0, 'a number > 0'); return (e) => Math.pow(gamma, e); }
  if (form === 'step') { checkKeys(f, ['form', 'step_size', 'stepSize', 'gamma'], 'lr_lambda step', where); const s = g('step_size', NaN, int1, 'an integer ≥ 1'); const gamma = g('gamma', 0.1, (x) => x > 0, 'a number > 0'); return (e) => Math.pow(gamma, Math.floor(e / s)); }
  checkKeys(f, ['form', 'warmup'], 'lr_lambda warmup', where);
  const w = g('warmup', NaN, int1, 'an integer ≥ 1');
  return (e) => Math.min(1, (e + 1) / w);
}

function momentumRefused(o: Params, name: string): void {
  if (bool(o, 'cycleMomentum', true, A)) {
    throw new UnsupportedError(`${name}: cycle_momentum is not supported (the optimizers here keep a fixed momentum); set cycle_momentum: false`, { argument: `${A}.cycle_momentum`, expected: 'false', received: 'true (torch\'s default)' });
  }
  if (o.scaleFn !== undefined) throw new ConfigError(`${name}: a config cannot hold code (scale_fn)`, { argument: `${A}.scale_fn`, expected: 'mode: triangular | triangular2 | exp_range', received: JSON.stringify(String(o.scaleFn)).slice(0, 80) });
}

type Builder = (opt: Optimizer, o: Params) => Scheduler;
const milestonesOf = (o: Params): number[] => {
  const m = o.milestones;
  if (!Array.isArray(m) || !m.every((x) => typeof x === 'number' && int0(x))) throw new ValueError('invalid parameter value', { argument: `${A}.milestones`, expected: 'a list of integers ≥ 0', received: JSON.stringify(m) });
  return m as number[];
};

/** Config builders of the schedulers beyond the first three, by torch class name. */
export const MORE_SCHEDULERS: Readonly<Record<string, Builder>> = Object.freeze({
  MultiStepLR: (opt, o) => { checkKeys(o, ['milestones', 'gamma', ...IGNORED], 'MultiStepLR', A); return multiStepLR(opt, { milestones: milestonesOf(o), gamma: num(o, 'gamma', 0.1, A, (v) => v > 0, 'a number > 0') }); },
  LambdaLR: (opt, o) => { checkKeys(o, ['lrLambda', ...IGNORED], 'LambdaLR', A); return lambdaLR(opt, { lrLambda: lambdaForm(o.lrLambda, A), form: o.lrLambda as Record<string, unknown> }); },
  LinearLR: (opt, o) => {
    checkKeys(o, ['startFactor', 'endFactor', 'totalIters', ...IGNORED], 'LinearLR', A);
    return linearLR(opt, { startFactor: num(o, 'startFactor', 1 / 3, A, (v) => v > 0 && v <= 1, 'a number in (0, 1]'), endFactor: num(o, 'endFactor', 1, A, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'), totalIters: num(o, 'totalIters', 5, A, int1, 'an integer ≥ 1') });
  },
  ConstantLR: (opt, o) => { checkKeys(o, ['factor', 'totalIters', ...IGNORED], 'ConstantLR', A); return constantLR(opt, { factor: num(o, 'factor', 1 / 3, A, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'), totalIters: num(o, 'totalIters', 5, A, int0, 'an integer ≥ 0') }); },
  PolynomialLR: (opt, o) => { checkKeys(o, ['totalIters', 'power', ...IGNORED], 'PolynomialLR', A); return polynomialLR(opt, { totalIters: num(o, 'totalIters', 5, A, int1, 'an integer ≥ 1'), power: num(o, 'power', 1, A) }); },
  CosineAnnealingWarmRestarts: (opt, o) => {
    checkKeys(o, ['T0', 'TMult', 'etaMin', ...IGNORED], 'CosineAnnealingWarmRestarts', A);
    return cosineAnnealingWarmRestarts(opt, { t0: num(o, 'T0', NaN, A, int1, 'an integer ≥ 1'), tMult: num(o, 'TMult', 1, A, int1, 'an integer ≥ 1'), etaMin: num(o, 'etaMin', 0, A) });
  },
  CyclicLR: (opt, o) => {
    checkKeys(o, ['baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode', 'cycleMomentum', 'baseMomentum', 'maxMomentum', ...IGNORED], 'CyclicLR', A);
    momentumRefused(o, 'CyclicLR');
    const up = num(o, 'stepSizeUp', 2000, A, int1, 'an integer ≥ 1');
    return cyclicLR(opt, {
      baseLr: num(o, 'baseLr', NaN, A, (v) => v >= 0, 'a number ≥ 0'), maxLr: num(o, 'maxLr', NaN, A, (v) => v >= 0, 'a number ≥ 0'),
      stepSizeUp: up, stepSizeDown: num(o, 'stepSizeDown', up, A, int1, 'an integer ≥ 1'),
      mode: str(o, 'mode', 'triangular', A, ['triangular', 'triangular2', 'exp_range']) as CyclicOptions['mode'], gamma: num(o, 'gamma', 1, A, (v) => v > 0, 'a number > 0'),
    });
  },
  OneCycleLR: (opt, o) => {
    checkKeys(o, ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase', ...IGNORED], 'OneCycleLR', A);
    momentumRefused(o, 'OneCycleLR');
    const opt1 = (k: string) => (o[k] == null ? undefined : num(o, k, NaN, A, int1, 'an integer ≥ 1'));
    return oneCycleLR(opt, {
      maxLr: num(o, 'maxLr', NaN, A, (v) => v >= 0, 'a number ≥ 0'), totalSteps: opt1('totalSteps'), epochs: opt1('epochs'), stepsPerEpoch: opt1('stepsPerEpoch'),
      pctStart: num(o, 'pctStart', 0.3, A, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'), annealStrategy: str(o, 'annealStrategy', 'cos', A, ['cos', 'linear']) as 'cos' | 'linear',
      divFactor: num(o, 'divFactor', 25, A, (v) => v > 0, 'a number > 0'), finalDivFactor: num(o, 'finalDivFactor', 1e4, A, (v) => v > 0, 'a number > 0'), threePhase: bool(o, 'threePhase', false, A),
    });
  },
  ReduceLROnPlateau: (opt, o) => {
    checkKeys(o, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps', ...IGNORED], 'ReduceLROnPlateau', A);
    return reduceLROnPlateau(opt, {
      mode: str(o, 'mode', 'min', A, ['min', 'max']) as 'min' | 'max', factor: num(o, 'factor', 0.1, A, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
      patience: num(o, 'patience', 10, A, int0, 'an integer ≥ 0'), threshold: num(o, 'threshold', 1e-4, A, (v) => v >= 0, 'a number ≥ 0'),
      thresholdMode: str(o, 'thresholdMode', 'rel', A, ['rel', 'abs']) as 'rel' | 'abs', cooldown: num(o, 'cooldown', 0, A, int0, 'an integer ≥ 0'),
      minLr: num(o, 'minLr', 0, A, (v) => v >= 0, 'a number ≥ 0'), eps: num(o, 'eps', 1e-8, A, (v) => v >= 0, 'a number ≥ 0'),
    });
  },
});
