import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ValueError, defineEntry, type OptionSchema, type Params, type Registry, type RegistryEntry } from '@rpn/core';
import { ADAGRAD, ADAM, ADAMW, RMSPROP, SGD, sourceOf } from './optimizer-options.js';
import { makeOptimizer, type Optimizer, type OptimizerFactory, type StepScalars, type Update } from './optimizer-base.js';
import { MORE_OPTIMIZERS, MORE_SCHEMAS, noMaximize, refuseOptimizer, type OptimizerBuilder } from './optimizers-more.js';
import { buildPart, type PartLookup } from './lookup.js';
import { fusedAdamAvailable, fusedAdamStep } from './adam-fused.js';

export type { Optimizer, OptimizerFactory } from './optimizer-base.js';

/** Options of {@link adamW} / {@link adam} (torch names, camelCase). */
export interface AdamOptions { lr?: number; betas?: readonly [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean }

/**
 * Adam's step scalars: β₁, 1−β₁, β₂, 1−β₂, the decay factor (1 − lr·λ decoupled, λ coupled),
 * ε·√(1−β₂ᵗ) and lr·√(1−β₂ᵗ)/(1−β₁ᵗ).
 */
function adamScalars(decoupled: boolean, b1: number, b2: number, eps: number, wd: number): StepScalars {
  return (t, lr) => {
    const s2 = Math.sqrt(1 - Math.pow(b2, t));
    return [b1, 1 - b1, b2, 1 - b2, decoupled ? 1 - lr * wd : wd, eps * s2, (lr * s2) / (1 - Math.pow(b1, t))];
  };
}

/**
 * torch's rule p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε), written with the bias corrections
 * moved into the two scalars (the same quantity: √v/s + ε = (√v + ε·s)/s, s = √(1−β₂ᵗ)):
 * p ← p − (lr·s/(1−β₁ᵗ)) · m / (√v + ε·s). 13 elementwise kernels per variable instead of 14
 * (the division of √v by s is gone); the scalars are shared tensors of the step. Without amsgrad,
 * on wasm and cpu and unless RPN_FAST_PATHS=0, the same operations run as one fused kernel per
 * tensor (adam-fused.ts), with the same float32 result.
 */
function adamUpdate(decoupled: boolean, wd: number, amsgrad: boolean, scalarsOf: StepScalars): Update {
  const mode = wd === 0 ? 0 : decoupled ? 1 : 2;
  return (p, g0, [m, v, vmax], t, lr, scalars) => {
    if (!amsgrad && fusedAdamAvailable(p, g0, m, v)) {
      // one kernel instead of 13 (same bits; see adam-fused.ts); the scalars are read back from the step's values
      const [bb1, bb1c, bb2, bb2c, bwd, beps, bstep] = scalarsOf(t, lr);
      const [p1, m1, v1] = fusedAdamStep(p, g0, m, v, { mode, kb1: bb1, k1b1: bb1c, kb2: bb2, k1b2: bb2c, kwd: bwd, keps: beps, kstep: bstep });
      p.assign(p1);
      m.assign(m1);
      v.assign(v1);
      return;
    }
    const [kb1, k1b1, kb2, k1b2, kwd, keps, kstep] = scalars();
    // every intermediate is freed as soon as it is used (inside the caller's tidy): the next
    // kernel's output reuses the freed, cache-warm buffer instead of a fresh one (wasm: 457k
    // parameters, 6.6–7.0 → 5.4–5.8 ms per step together with the kernel saved)
    const used = <T extends tf.Tensor>(r: T, ...xs: tf.Tensor[]): T => { tf.dispose(xs); return r; };
    let g = g0;
    // the decayed p replaces p at once (its old values are freed before the moments are built)
    if (decoupled) {
      if (wd !== 0) p.assign(tf.mul(p, kwd));
    } else if (wd !== 0) {
      const pw = tf.mul(p, kwd);
      g = used(tf.add(g, pw), pw);
    }
    let a = tf.mul(m, kb1);
    let c = tf.mul(g, k1b1);
    const m1 = used(tf.add(a, c), a, c);
    const g2 = tf.square(g);
    a = tf.mul(v, kb2);
    c = used(tf.mul(g2, k1b2), g2);
    const v1 = used(tf.add(a, c), a, c);
    if (g !== g0) g.dispose();
    m.assign(m1);
    v.assign(v1);
    let vUse: tf.Tensor = v1;
    if (amsgrad) { const vm = tf.maximum(vmax, v1); vmax.assign(vm); vUse = vm; }
    const r = tf.sqrt(vUse);
    const den = used(tf.add(r, keps), r);
    const q = used(tf.div(m1, den), den);
    const u = used(tf.mul(q, kstep), q);
    p.assign(used(tf.sub(p, u), u));
  };
}

/**
 * `torch.optim.AdamW`: p ← p·(1 − lr·λ); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). Defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2.
 */
export function adamW(variables: readonly tf.Variable[], o: AdamOptions = {}): Optimizer {
  return fromOptions('AdamW', variables, o as Params);
}

/** `torch.optim.Adam` (L2 weight decay added to the gradient). Defaults lr 1e-3, eps 1e-8, weight_decay 0. */
export function adam(variables: readonly tf.Variable[], o: AdamOptions = {}): Optimizer {
  return fromOptions('Adam', variables, o as Params);
}

/** `torch.optim.SGD`: momentum, dampening, nesterov, weight_decay (torch's rule; first step's buffer is g). */
export function sgd(variables: readonly tf.Variable[], o: { lr?: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean } = {}): Optimizer {
  return fromOptions('SGD', variables, o as Params);
}

/** `torch.optim.RMSprop` (alpha 0.99, eps 1e-8, momentum, centered). */
export function rmsprop(variables: readonly tf.Variable[], o: { lr?: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean } = {}): Optimizer {
  return fromOptions('RMSprop', variables, o as Params);
}

/** `torch.optim.Adagrad` (lr 1e-2, lr_decay, initial_accumulator_value, eps 1e-10). */
export function adagrad(variables: readonly tf.Variable[], o: { lr?: number; lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number } = {}): Optimizer {
  return fromOptions('Adagrad', variables, o as Params);
}

const BUILDERS: readonly (readonly [string, OptimizerBuilder])[] = Object.entries({
  AdamW: (vars, o, a) => adamLike('AdamW', true, vars, o, a),
  Adam: (vars, o, a) => adamLike('Adam', false, vars, o, a),
  SGD: (vars, o, a) => {
    const { lr, momentum: mu, dampening: damp, weightDecay: wd, nesterov, maximize } = SGD.parse(o, sourceOf(a));
    noMaximize(maximize, 'SGD', a);
    if (nesterov && (mu <= 0 || damp !== 0)) throw new ValueError('Nesterov momentum requires a momentum and zero dampening', { argument: `${a}.nesterov`, expected: 'momentum > 0 and dampening 0', received: `momentum ${mu}, dampening ${damp}` });
    return makeOptimizer('SGD', 'torch.optim.SGD', { momentum: mu, dampening: damp, weight_decay: wd, nesterov }, vars, lr, mu ? 1 : 0, (p, g0, [buf], t, lrNow) => {
      let g = wd ? tf.add(g0, tf.mul(p, wd)) : g0;
      if (mu) {
        const b = t === 1 ? g : tf.add(tf.mul(buf, mu), tf.mul(g, 1 - damp));
        buf.assign(b);
        g = nesterov ? tf.add(g, tf.mul(b, mu)) : b;
      }
      p.assign(tf.sub(p, tf.mul(g, lrNow)));
    });
  },
  RMSprop: (vars, o, a) => {
    const { lr, alpha, eps, weightDecay: wd, momentum: mu, centered, maximize } = RMSPROP.parse(o, sourceOf(a));
    noMaximize(maximize, 'RMSprop', a);
    return makeOptimizer('RMSprop', 'torch.optim.RMSprop', { alpha, eps, weight_decay: wd, momentum: mu, centered }, vars, lr, 3, (p, g0, [sq, buf, gavg], _t, lrNow) => {
      const g = wd ? tf.add(g0, tf.mul(p, wd)) : g0;
      const s = tf.add(tf.mul(sq, alpha), tf.mul(tf.square(g), 1 - alpha));
      sq.assign(s);
      let avg: tf.Tensor;
      if (centered) {
        const ga = tf.add(tf.mul(gavg, alpha), tf.mul(g, 1 - alpha));
        gavg.assign(ga);
        avg = tf.add(tf.sqrt(tf.sub(s, tf.square(ga))), eps);
      } else {
        avg = tf.add(tf.sqrt(s), eps);
      }
      if (mu > 0) {
        const b = tf.add(tf.mul(buf, mu), tf.div(g, avg));
        buf.assign(b);
        p.assign(tf.sub(p, tf.mul(b, lrNow)));
      } else {
        p.assign(tf.sub(p, tf.mul(tf.div(g, avg), lrNow)));
      }
    });
  },
  Adagrad: (vars, o, a) => {
    const { lr, lrDecay, weightDecay: wd, initialAccumulatorValue: init, eps, maximize } = ADAGRAD.parse(o, sourceOf(a));
    noMaximize(maximize, 'Adagrad', a);
    return makeOptimizer('Adagrad', 'torch.optim.Adagrad', { lr_decay: lrDecay, weight_decay: wd, initial_accumulator_value: init, eps }, vars, lr, 1, (p, g0, [sum], t, lrNow) => {
      const g = wd ? tf.add(g0, tf.mul(p, wd)) : g0;
      const clr = lrNow / (1 + (t - 1) * lrDecay);
      const s = tf.add(sum, tf.square(g));
      sum.assign(s);
      p.assign(tf.sub(p, tf.mul(tf.div(g, tf.add(tf.sqrt(s), eps)), clr)));
    }, (p) => tf.fill(p.shape, init));
  },
  ...MORE_OPTIMIZERS,
} satisfies Record<string, OptimizerBuilder>);

function adamLike(name: 'Adam' | 'AdamW', decoupled: boolean, vars: readonly tf.Variable[], o: Params, a: string): Optimizer {
  const { lr, betas: [b1, b2], eps, weightDecay: wd, amsgrad: ams, maximize } = (decoupled ? ADAMW : ADAM).parse(o, sourceOf(a));
  noMaximize(maximize, name, a);
  return makeOptimizer(name, `torch.optim.${name}`, { betas: [b1, b2], eps, weight_decay: wd, amsgrad: ams }, vars, lr, ams ? 3 : 2, adamUpdate(decoupled, wd, ams, adamScalars(decoupled, b1, b2, eps, wd)), undefined, adamScalars(decoupled, b1, b2, eps, wd));
}

/** `torch.optim.Adadelta` (lr 1.0, rho 0.9, eps 1e-6, weight_decay 0); see MORE_OPTIMIZERS for the rule. */
export function adadelta(variables: readonly tf.Variable[], o: { lr?: number; rho?: number; eps?: number; weightDecay?: number } = {}): Optimizer {
  return fromOptions('Adadelta', variables, o as Params);
}

/** `torch.optim.Adamax`: u ← max(β₂u, |g|+ε), p ← p − lr/(1−β₁ᵗ)·m/u (lr 2e-3). */
export function adamax(variables: readonly tf.Variable[], o: { lr?: number; betas?: readonly [number, number]; eps?: number; weightDecay?: number } = {}): Optimizer {
  return fromOptions('Adamax', variables, o as Params);
}

/** `torch.optim.NAdam`: Adam with Nesterov momentum and μₜ = β₁(1 − ½·0.96^(t·momentum_decay)) (lr 2e-3). */
export function nadam(variables: readonly tf.Variable[], o: { lr?: number; betas?: readonly [number, number]; eps?: number; weightDecay?: number; momentumDecay?: number; decoupledWeightDecay?: boolean } = {}): Optimizer {
  return fromOptions('NAdam', variables, o as Params);
}

/** `torch.optim.RAdam`: Adam with the variance rectification r(ρₜ) once ρₜ > 5, plain momentum SGD before (lr 1e-3). */
export function radam(variables: readonly tf.Variable[], o: { lr?: number; betas?: readonly [number, number]; eps?: number; weightDecay?: number; decoupledWeightDecay?: boolean } = {}): Optimizer {
  return fromOptions('RAdam', variables, o as Params);
}

/** `torch.optim.ASGD`: p ← p(1 − λη) − ηg, ηₜ₊₁ = lr/(1 + λ·lr·t)^α (lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6). */
export function asgd(variables: readonly tf.Variable[], o: { lr?: number; lambd?: number; alpha?: number; t0?: number; weightDecay?: number } = {}): Optimizer {
  return fromOptions('ASGD', variables, o as Params);
}

/** `torch.optim.Rprop`: per-element step sizes grown by η₊ / shrunk by η₋ on sign agreement, p ← p − sign(g)·step. */
export function rprop(variables: readonly tf.Variable[], o: { lr?: number; etas?: readonly [number, number]; stepSizes?: readonly [number, number] } = {}): Optimizer {
  return fromOptions('Rprop', variables, o as Params);
}

function fromOptions(shortName: string, variables: readonly tf.Variable[], o: Params): Optimizer {
  return BUILDERS.find(([n]) => n === shortName)![1](variables, o, 'optimizer_parameters');
}

const A = 'optimizer_configs.optimizer_parameters';
const SCHEMAS: Readonly<Record<string, OptionSchema>> = { AdamW: ADAMW, Adam: ADAM, SGD, RMSprop: RMSPROP, Adagrad: ADAGRAD, ...MORE_SCHEMAS };

/**
 * Registry entries (kind `optimizer`) of the torch optimizers, `torch.optim.<Name>` or `<Name>`:
 * each makes an {@link OptimizerFactory} from camelCase options (the optimizer is built over the
 * model's variables by {@link optimizerFromConfig}).
 */
export const optimizerEntries: readonly RegistryEntry[] = Object.freeze(BUILDERS.map(([name, build]) =>
  defineEntry('optimizer', name, (o): OptimizerFactory => (variables) => build(variables, o, A), { module: 'torch.optim', options: SCHEMAS[name] })));

/** The optimizer class names accepted in configs (`torch.optim.<name>` or the bare name). */
export const OPTIMIZER_NAMES: readonly string[] = Object.freeze(optimizerEntries.map((e) => e.className));

const PART: PartLookup = {
  kind: 'optimizer', builtins: optimizerEntries, argument: 'optimizer_configs', what: 'optimizer',
  made: (v) => typeof v === 'function', expected: 'a function from the model variables to an optimizer',
};

/**
 * Builds an optimizer from a tinyBIG `optimizer_configs` mapping
 * (`{optimizer_class: torch.optim.AdamW, optimizer_parameters: {lr, weight_decay}}`) over `variables`.
 * The class is an `optimizer` entry of `registry` (a user's own optimizer) or a built-in one.
 */
export function optimizerFromConfig(config: unknown, variables: readonly tf.Variable[], registry?: Registry): Optimizer {
  const make = buildPart<OptimizerFactory>(config, PART, registry, (shortName, options) => {
    refuseOptimizer(shortName, 'optimizer_configs.optimizer_class');
    delete options.params;
  });
  const opt = make(variables);
  if (!opt || typeof (opt as Optimizer).step !== 'function') {
    throw new ConfigError('the optimizer entry did not make an optimizer', { argument: 'optimizer_configs.optimizer_class', expected: 'an object with step(grads)', received: String(opt) });
  }
  return opt;
}
