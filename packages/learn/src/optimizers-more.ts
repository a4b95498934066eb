import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedError, type OptionSchema, type Params } from '@rpn/core';
import { makeOptimizer, type Optimizer } from './optimizer-base.js';
import { ADADELTA, ADAMAX, ASGD, NADAM, RADAM, RPROP, sourceOf } from './optimizer-options.js';

/** A config builder: variables, camelCase options, the argument path for errors. */
export type OptimizerBuilder = (vars: readonly tf.Variable[], o: Params, a: string) => Optimizer;

/** torch's `maximize=True` is refused (every optimizer here minimises). */
export function noMaximize(maximize: boolean, name: string, a: string): void {
  if (maximize) throw new UnsupportedError(`${name}: maximize is not supported`, { argument: `${a}.maximize`, expected: 'false', received: 'true' });
}

/**
 * `torch.optim.Adadelta`: g ← g + λp; s ← ρs + (1−ρ)g²; δ = √(u+ε)/√(s+ε)·g; u ← ρu + (1−ρ)δ²; p ← p − lr·δ.
 * Defaults lr 1.0, rho 0.9, eps 1e-6, weight_decay 0.
 */
const adadelta: OptimizerBuilder = (vars, o, a) => {
  const { lr, rho, eps, weightDecay: wd, maximize } = ADADELTA.parse(o, sourceOf(a));
  noMaximize(maximize, 'Adadelta', a);
  return makeOptimizer('Adadelta', 'torch.optim.Adadelta', { rho, eps, weight_decay: wd }, vars, lr, 2, (p, g0, [sq, acc], _t, lrNow) => {
    const g = wd ? tf.add(g0, tf.mul(p, wd)) : g0;
    const s = tf.add(tf.mul(sq, rho), tf.mul(tf.square(g), 1 - rho));
    sq.assign(s);
    const delta = tf.mul(tf.div(tf.sqrt(tf.add(acc, eps)), tf.sqrt(tf.add(s, eps))), g);
    acc.assign(tf.add(tf.mul(acc, rho), tf.mul(tf.square(delta), 1 - rho)));
    p.assign(tf.sub(p, tf.mul(delta, lrNow)));
  });
};

/**
 * `torch.optim.Adamax`: g ← g + λp; m ← β₁m + (1−β₁)g; u ← max(β₂u, |g|+ε); p ← p − lr/(1−β₁ᵗ)·m/u.
 * Defaults lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.
 */
const adamax: OptimizerBuilder = (vars, o, a) => {
  const { lr, betas: [b1, b2], eps, weightDecay: wd, maximize } = ADAMAX.parse(o, sourceOf(a));
  noMaximize(maximize, 'Adamax', a);
  return makeOptimizer('Adamax', 'torch.optim.Adamax', { betas: [b1, b2], eps, weight_decay: wd }, vars, lr, 2, (p, g0, [m, u], t, lrNow) => {
    const g = wd ? tf.add(g0, tf.mul(p, wd)) : g0;
    const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
    m.assign(m1);
    const u1 = tf.maximum(tf.mul(u, b2), tf.add(tf.abs(g), eps));
    u.assign(u1);
    p.assign(tf.sub(p, tf.mul(tf.div(m1, u1), lrNow / (1 - Math.pow(b1, t)))));
  });
};

/**
 * `torch.optim.NAdam`: μₜ = β₁(1 − ½·0.96^(tψ)), Πₜ = ∏μ; m, v as Adam; d = √(v/(1−β₂ᵗ)) + ε;
 * p ← p − lr(1−μₜ)/(1−Πₜ)·g/d − lr·μₜ₊₁/(1−Πₜμₜ₊₁)·m/d. Defaults lr 2e-3, betas (0.9, 0.999), eps 1e-8,
 * weight_decay 0, momentum_decay ψ 4e-3, decoupled_weight_decay false (true: p ← p(1 − lr·λ) first).
 * Πₜ₊₁ = Πₜ·μₜ₊₁ as in torch ≥ 2.0 (torch 1.13, Debian's, multiplies μₜ in twice: a bug fixed since).
 */
const nadam: OptimizerBuilder = (vars, o, a) => {
  const { lr, betas: [b1, b2], eps, weightDecay: wd, momentumDecay: psi, decoupledWeightDecay: decoupled, maximize } = NADAM.parse(o, sourceOf(a));
  noMaximize(maximize, 'NAdam', a);
  // μ's running product is the same for every variable: advanced once per step
  let prod = 1;
  let prodStep = 0;
  const muAt = (t: number) => b1 * (1 - 0.5 * Math.pow(0.96, t * psi));
  return makeOptimizer('NAdam', 'torch.optim.NAdam', { betas: [b1, b2], eps, weight_decay: wd, momentum_decay: psi, decoupled_weight_decay: decoupled }, vars, lr, 2, (p, g0, [m, v], t, lrNow) => {
    if (prodStep !== t) { prod *= muAt(t); prodStep = t; }
    const mu = muAt(t), mu1 = muAt(t + 1);
    let g = g0;
    if (wd) { if (decoupled) p.assign(tf.mul(p, 1 - lrNow * wd)); else g = tf.add(g0, tf.mul(p, wd)); }
    const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
    const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
    m.assign(m1); v.assign(v1);
    const d = tf.add(tf.sqrt(tf.div(v1, 1 - Math.pow(b2, t))), eps);
    const step = tf.add(tf.mul(tf.div(g, d), (lrNow * (1 - mu)) / (1 - prod)), tf.mul(tf.div(m1, d), (lrNow * mu1) / (1 - prod * mu1)));
    p.assign(tf.sub(p, step));
  });
};

/**
 * `torch.optim.RAdam`: m, v as Adam; ρ∞ = 2/(1−β₂) − 1, ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ); if ρₜ > 5:
 * p ← p − lr·m̂·r·√(1−β₂ᵗ)/(√v+ε) with r = √((ρₜ−4)(ρₜ−2)ρ∞/((ρ∞−4)(ρ∞−2)ρₜ)), else p ← p − lr·m̂.
 * Defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0, decoupled_weight_decay false.
 */
const radam: OptimizerBuilder = (vars, o, a) => {
  const { lr, betas: [b1, b2], eps, weightDecay: wd, decoupledWeightDecay: decoupled, maximize } = RADAM.parse(o, sourceOf(a));
  noMaximize(maximize, 'RAdam', a);
  const rhoInf = 2 / (1 - b2) - 1;
  return makeOptimizer('RAdam', 'torch.optim.RAdam', { betas: [b1, b2], eps, weight_decay: wd, decoupled_weight_decay: decoupled }, vars, lr, 2, (p, g0, [m, v], t, lrNow) => {
    let g = g0;
    if (wd) { if (decoupled) p.assign(tf.mul(p, 1 - lrNow * wd)); else g = tf.add(g0, tf.mul(p, wd)); }
    const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
    const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
    m.assign(m1); v.assign(v1);
    const bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
    const rhoT = rhoInf - (2 * t * Math.pow(b2, t)) / bc2;
    if (rhoT > 5) {
      const r = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      p.assign(tf.sub(p, tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), eps)), (lrNow * r * Math.sqrt(bc2)) / bc1)));
    } else {
      p.assign(tf.sub(p, tf.mul(m1, lrNow / bc1)));
    }
  });
};

/**
 * `torch.optim.ASGD`: g ← g + λ_wd·p; p ← p(1 − λη) − ηg, with η₁ = lr and ηₜ₊₁ = lr/(1 + λ·lr·t)^α.
 * Defaults lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6, weight_decay 0. The averaged iterate `ax`
 * (μₜ = 1/max(1, t − t0)) is torch state that no update reads; it is not kept here.
 */
const asgd: OptimizerBuilder = (vars, o, a) => {
  const { lr, lambd, alpha, t0, weightDecay: wd, maximize } = ASGD.parse(o, sourceOf(a));
  noMaximize(maximize, 'ASGD', a);
  // η is the same for every variable: the step's η, and the next one computed from the step's lr
  let eta = lr;
  let etaStep = 0;
  let etaNow = lr;
  return makeOptimizer('ASGD', 'torch.optim.ASGD', { lambd, alpha, t0, weight_decay: wd }, vars, lr, 0, (p, g0, _s, t, lrNow) => {
    if (etaStep !== t) { etaNow = eta; eta = lrNow / Math.pow(1 + lambd * lrNow * t, alpha); etaStep = t; }
    const g = wd ? tf.add(g0, tf.mul(p, wd)) : g0;
    p.assign(tf.sub(tf.mul(p, 1 - lambd * etaNow), tf.mul(g, etaNow)));
  });
};

/**
 * `torch.optim.Rprop`: s = g·g_prev; step ← clip(step·(η₊ if s>0, η₋ if s<0, else 1), step_min, step_max);
 * g ← 0 where s<0; p ← p − sign(g)·step; g_prev ← g. The step sizes start at lr.
 * Defaults lr 1e-2, etas (0.5, 1.2), step_sizes (1e-6, 50).
 */
const rprop: OptimizerBuilder = (vars, o, a) => {
  const { lr, etas: [etaMinus, etaPlus], stepSizes: [sMin, sMax], maximize } = RPROP.parse(o, sourceOf(a));
  noMaximize(maximize, 'Rprop', a);
  return makeOptimizer('Rprop', 'torch.optim.Rprop', { etas: [etaMinus, etaPlus], step_sizes: [sMin, sMax] }, vars, lr, 2, (p, g, [prev, size]) => {
    const s = tf.mul(g, prev);
    const up = tf.cast(tf.greater(s, 0), 'float32');
    const down = tf.cast(tf.less(s, 0), 'float32');
    const factor = tf.add(tf.add(tf.mul(up, etaPlus - 1), tf.mul(down, etaMinus - 1)), 1);
    const size1 = tf.clipByValue(tf.mul(size, factor), sMin, sMax);
    size.assign(size1);
    const gk = tf.mul(g, tf.sub(1, down));
    prev.assign(gk);
    p.assign(tf.sub(p, tf.mul(tf.sign(gk), size1)));
  }, (p, k) => (k === 1 ? tf.fill(p.shape, lr) : tf.zerosLike(p)));
};

/** The declared options of {@link MORE_OPTIMIZERS}, by class name. */
export const MORE_SCHEMAS: Readonly<Record<string, OptionSchema>> = Object.freeze({ Adadelta: ADADELTA, Adamax: ADAMAX, NAdam: NADAM, RAdam: RADAM, ASGD, Rprop: RPROP });

/** torch optimizers beyond the first five, by class name. */
export const MORE_OPTIMIZERS: Readonly<Record<string, OptimizerBuilder>> = Object.freeze({ Adadelta: adadelta, Adamax: adamax, NAdam: nadam, RAdam: radam, ASGD: asgd, Rprop: rprop });

/** torch optimizers refused by name, with the reason. */
export const REFUSED_OPTIMIZERS: Readonly<Record<string, string>> = Object.freeze({
  LBFGS: 'torch.optim.LBFGS is not supported: its step(closure) re-evaluates the loss several times per step (line search), and the trainer takes one gradient per step; use Adam, AdamW or SGD',
  SparseAdam: 'torch.optim.SparseAdam is not supported: it takes only sparse gradients (torch refuses dense ones) and every gradient here is dense; use Adam',
});

/** Throws the typed refusal when `shortName` is a refused optimizer. */
export function refuseOptimizer(shortName: string, argument: string): void {
  const why = Object.prototype.hasOwnProperty.call(REFUSED_OPTIMIZERS, shortName) ? REFUSED_OPTIMIZERS[shortName] : undefined;
  if (why) throw new UnsupportedError(why, { argument, expected: 'an optimizer that takes one dense gradient per step', received: JSON.stringify(shortName) });
}
