import { any, bool, defineOptions, list, num, type OptionSource } from '@rpn/core';

// The torch optimizers' options, declared once (core's option schema): keys, types, defaults and
// bounds, with torch's names (camelCase in code, snake_case in configs). The builders read their values
// from `SCHEMA.parse`, the registry entries carry the schemas (`entry.options`) for forms and docs.

/** torch keyword arguments that only choose an implementation: accepted, ignored. */
const IMPL = { foreach: any(), capturable: any(), differentiable: any(), fused: any() } as const;

const lr = (d: number) => num({ default: d, min: 0, doc: 'learning rate' });
const eps = (d: number) => num({ default: d, min: 0, doc: 'term added to the denominator' });
const weightDecay = (d = 0) => num({ default: d, min: 0, doc: 'weight decay λ' });
const unit = num({ min: 0, check: (v: number) => v < 1, expected: 'a number in [0, 1)' });
const betas = list(unit, { length: 2, default: [0.9, 0.999], doc: 'coefficients (β₁, β₂) of the running averages of g and g²' });
const maximize = bool({ default: false, doc: 'maximise instead of minimise (refused: not supported)' });

/** `torch.optim.Adam` / `AdamW` (weight_decay 0 / 1e-2). */
export const ADAM = defineOptions('torch.optim.Adam', { lr: lr(1e-3), betas, eps: eps(1e-8), weightDecay: weightDecay(0), amsgrad: bool({ default: false }), maximize, ...IMPL });
export const ADAMW = defineOptions('torch.optim.AdamW', { ...ADAM.fields, weightDecay: weightDecay(1e-2) });
/** `torch.optim.SGD`. */
export const SGD = defineOptions('torch.optim.SGD', { lr: lr(1e-3), momentum: num({ default: 0, min: 0 }), dampening: num({ default: 0 }), weightDecay: weightDecay(), nesterov: bool({ default: false }), maximize, ...IMPL });
/** `torch.optim.RMSprop`. */
export const RMSPROP = defineOptions('torch.optim.RMSprop', { lr: lr(1e-2), alpha: num({ default: 0.99, min: 0 }), eps: eps(1e-8), weightDecay: weightDecay(), momentum: num({ default: 0, min: 0 }), centered: bool({ default: false }), maximize, ...IMPL });
/** `torch.optim.Adagrad`. */
export const ADAGRAD = defineOptions('torch.optim.Adagrad', { lr: lr(1e-2), lrDecay: num({ default: 0, min: 0 }), weightDecay: weightDecay(), initialAccumulatorValue: num({ default: 0, min: 0 }), eps: eps(1e-10), maximize, ...IMPL });
/** `torch.optim.Adadelta`. */
export const ADADELTA = defineOptions('torch.optim.Adadelta', { lr: lr(1.0), rho: num({ default: 0.9, min: 0, max: 1 }), eps: eps(1e-6), weightDecay: weightDecay(), maximize, ...IMPL });
/** `torch.optim.Adamax`. */
export const ADAMAX = defineOptions('torch.optim.Adamax', { lr: lr(2e-3), betas, eps: eps(1e-8), weightDecay: weightDecay(), maximize, ...IMPL });
/** `torch.optim.NAdam`. */
export const NADAM = defineOptions('torch.optim.NAdam', { lr: lr(2e-3), betas, eps: eps(1e-8), weightDecay: weightDecay(), momentumDecay: num({ default: 4e-3, min: 0 }), decoupledWeightDecay: bool({ default: false }), maximize, ...IMPL });
/** `torch.optim.RAdam`. */
export const RADAM = defineOptions('torch.optim.RAdam', { lr: lr(1e-3), betas, eps: eps(1e-8), weightDecay: weightDecay(), decoupledWeightDecay: bool({ default: false }), maximize, ...IMPL });
/** `torch.optim.ASGD`. */
export const ASGD = defineOptions('torch.optim.ASGD', { lr: lr(1e-2), lambd: num({ default: 1e-4, min: 0 }), alpha: num({ default: 0.75 }), t0: num({ default: 1e6 }), weightDecay: weightDecay(), maximize, ...IMPL });
/** `torch.optim.Rprop`. */
export const RPROP = defineOptions('torch.optim.Rprop', {
  lr: lr(1e-2),
  etas: list(num(), { length: 2, default: [0.5, 1.2], check: (v: number[]) => v[0] > 0 && v[0] < 1 && v[1] > 1, expected: 'two numbers (η₋, η₊) with 0 < η₋ < 1 < η₊' }),
  stepSizes: list(num(), { length: 2, default: [1e-6, 50], check: (v: number[]) => v[0] >= 0 && v[1] >= v[0], expected: 'two numbers (min, max) with 0 ≤ min ≤ max' }),
  maximize, ...IMPL,
});

/** Options from a config (the builder's argument path starts with `optimizer_configs`) or from code. */
export const sourceOf = (argument: string): OptionSource => (argument.startsWith('optimizer_configs') ? 'config' : 'code');
