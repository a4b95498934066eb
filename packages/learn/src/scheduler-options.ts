import { any, bool, defineOptions, int, list, num, oneOf, type OptionSchema } from '@rpn/core';

// The torch lr schedulers' options, declared once (core's option schema), with torch's names
// (camelCase in code, snake_case in configs) and defaults. The scheduler functions parse their
// options with them (ValueError naming the camelCase option); the registry entries carry them, so a
// config is checked first (ConfigError naming the tinyBIG key) and forms can list them.

/** torch keyword arguments that only steer torch's bookkeeping: accepted, ignored. */
const IGNORED = {
  lastEpoch: int({ min: -1, doc: "torch's last_epoch (accepted, ignored: a scheduler starts at step 0)" }),
  verbose: any({ doc: "torch's deprecated verbose flag (accepted, ignored)" }),
} as const;

const positive = (doc: string, d?: number) => num({ ...(d !== undefined ? { default: d } : { required: true }), min: 0, exclusiveMin: true, doc });
const gamma = (d?: number) => positive('multiplicative decay γ', d);
const etaMin = num({ default: 0, min: 0, doc: 'minimum learning rate η_min' });
const unitInterval = (d: number, doc: string) => num({ default: d, min: 0, max: 1, doc });

/** `ExponentialLR(gamma)`. */
export const EXPONENTIAL_LR = defineOptions('ExponentialLR', { gamma: gamma(), ...IGNORED });
/** `StepLR(step_size, gamma=0.1)`. */
export const STEP_LR = defineOptions('StepLR', { stepSize: int({ required: true, min: 1, doc: 'epochs per decay' }), gamma: gamma(0.1), ...IGNORED });
/** `CosineAnnealingLR(T_max, eta_min=0)`. */
export const COSINE_ANNEALING_LR = defineOptions('CosineAnnealingLR', {
  tMax: num({ required: true, min: 0, exclusiveMin: true, configKey: 'T_max', aliases: ['TMax'], doc: 'half period T_max' }),
  etaMin, ...IGNORED,
});
/** `MultiStepLR(milestones, gamma=0.1)`. */
export const MULTI_STEP_LR = defineOptions('MultiStepLR', { milestones: list(int({ min: 0 }), { required: true, doc: 'epochs at which lr ← lr·γ' }), gamma: gamma(0.1), ...IGNORED });
/** `LambdaLR(lr_lambda)`: a function in code; in a config one of the built-in forms (see `lambdaForm`). */
export const LAMBDA_LR = defineOptions('LambdaLR', {
  lrLambda: any({ required: true, expected: 'a function (code) or {form: exponential | step | warmup, …} (config)', doc: 'factor f(e) of lr₀' }),
  ...IGNORED,
});
/** `LinearLR(start_factor=1/3, end_factor=1, total_iters=5)`. */
export const LINEAR_LR = defineOptions('LinearLR', {
  startFactor: num({ default: 1 / 3, min: 0, exclusiveMin: true, max: 1, doc: 'factor at step 0' }),
  endFactor: unitInterval(1, 'factor after total_iters'),
  totalIters: int({ default: 5, min: 1, doc: 'steps of the ramp' }),
  ...IGNORED,
});
/** `ConstantLR(factor=1/3, total_iters=5)`. */
export const CONSTANT_LR = defineOptions('ConstantLR', { factor: unitInterval(1 / 3, 'factor before total_iters'), totalIters: int({ default: 5, min: 0, doc: 'steps at the factor' }), ...IGNORED });
/** `PolynomialLR(total_iters=5, power=1)`. */
export const POLYNOMIAL_LR = defineOptions('PolynomialLR', { totalIters: int({ default: 5, min: 1, doc: 'steps of the decay' }), power: num({ default: 1, doc: 'power of the decay' }), ...IGNORED });
/** `CosineAnnealingWarmRestarts(T_0, T_mult=1, eta_min=0)`. */
export const COSINE_ANNEALING_WARM_RESTARTS = defineOptions('CosineAnnealingWarmRestarts', {
  t0: int({ required: true, min: 1, configKey: 'T_0', aliases: ['T0'], doc: 'first period T_0' }),
  tMult: int({ default: 1, min: 1, configKey: 'T_mult', aliases: ['TMult'], doc: 'period growth T_mult' }),
  etaMin, ...IGNORED,
});
/** `CyclicLR` (momentum cycling refused: set cycle_momentum false). */
export const CYCLIC_LR = defineOptions('CyclicLR', {
  baseLr: num({ required: true, min: 0, doc: 'lower learning rate' }),
  maxLr: num({ required: true, min: 0, doc: 'upper learning rate' }),
  stepSizeUp: int({ default: 2000, min: 1, doc: 'steps of the rising half' }),
  stepSizeDown: int({ min: 1, doc: 'steps of the falling half (default step_size_up)' }),
  mode: oneOf(['triangular', 'triangular2', 'exp_range'], { default: 'triangular', doc: 'amplitude scaling' }),
  gamma: gamma(1),
  scaleFn: any({ doc: 'custom scaling x ↦ factor (code only)' }),
  scaleMode: oneOf(['cycle', 'iterations'], { doc: 'what scale_fn reads (default cycle)' }),
  cycleMomentum: bool({ default: true, doc: 'cycle the momentum (not supported: must be false)' }),
  baseMomentum: num({ doc: 'accepted, unused (no momentum cycling)' }),
  maxMomentum: num({ doc: 'accepted, unused (no momentum cycling)' }),
  ...IGNORED,
});
/** `OneCycleLR` (total_steps, or epochs × steps_per_epoch; momentum cycling refused). */
export const ONE_CYCLE_LR = defineOptions('OneCycleLR', {
  maxLr: num({ required: true, min: 0, doc: 'peak learning rate' }),
  totalSteps: int({ min: 1, doc: 'steps of the cycle' }),
  epochs: int({ min: 1, doc: 'epochs (with steps_per_epoch)' }),
  stepsPerEpoch: int({ min: 1, doc: 'batches per epoch (with epochs)' }),
  pctStart: unitInterval(0.3, 'share of the rising phase'),
  annealStrategy: oneOf(['cos', 'linear'], { default: 'cos', doc: 'annealing' }),
  cycleMomentum: bool({ default: true, doc: 'cycle the momentum (not supported: must be false)' }),
  baseMomentum: num({ doc: 'accepted, unused (no momentum cycling)' }),
  maxMomentum: num({ doc: 'accepted, unused (no momentum cycling)' }),
  divFactor: positive('initial lr = max_lr / div_factor', 25),
  finalDivFactor: positive('minimum lr = initial lr / final_div_factor', 1e4),
  threePhase: bool({ default: false, doc: 'three phases (up, down to the start, down to the minimum)' }),
  ...IGNORED,
});
/** `ReduceLROnPlateau` (stepped with the epoch's monitored value). */
export const REDUCE_LR_ON_PLATEAU = defineOptions('ReduceLROnPlateau', {
  mode: oneOf(['min', 'max'], { default: 'min', doc: 'min: lower is better' }),
  factor: num({ default: 0.1, min: 0, check: (v: number) => v < 1, expected: 'a number in [0, 1)', doc: 'lr ← lr·factor' }),
  patience: int({ default: 10, min: 0, doc: 'bad epochs tolerated' }),
  threshold: num({ default: 1e-4, min: 0, doc: 'improvement threshold θ' }),
  thresholdMode: oneOf(['rel', 'abs'], { default: 'rel', doc: 'relative or absolute threshold' }),
  cooldown: int({ default: 0, min: 0, doc: 'epochs without counting after a reduction' }),
  minLr: num({ default: 0, min: 0, doc: 'lower bound of lr' }),
  eps: num({ default: 1e-8, min: 0, doc: 'smallest change applied' }),
  ...IGNORED,
});

/** Every scheduler schema by torch class name. */
export const SCHEDULER_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze({
  ExponentialLR: EXPONENTIAL_LR, StepLR: STEP_LR, CosineAnnealingLR: COSINE_ANNEALING_LR, MultiStepLR: MULTI_STEP_LR,
  LambdaLR: LAMBDA_LR, LinearLR: LINEAR_LR, ConstantLR: CONSTANT_LR, PolynomialLR: POLYNOMIAL_LR,
  CosineAnnealingWarmRestarts: COSINE_ANNEALING_WARM_RESTARTS, CyclicLR: CYCLIC_LR, OneCycleLR: ONE_CYCLE_LR, ReduceLROnPlateau: REDUCE_LR_ON_PLATEAU,
});

/** The built-in `lr_lambda` forms of a config, one schema each (the nested object is snake_case or camelCase). */
export const LAMBDA_FORMS: Readonly<Record<string, OptionSchema>> = Object.freeze({
  exponential: defineOptions('lr_lambda exponential', { form: oneOf(['exponential']), gamma: gamma() }),
  step: defineOptions('lr_lambda step', { form: oneOf(['step']), stepSize: int({ required: true, min: 1, doc: 'epochs per decay' }), gamma: gamma(0.1) }),
  warmup: defineOptions('lr_lambda warmup', { form: oneOf(['warmup']), warmup: int({ required: true, min: 1, doc: 'warm-up epochs' }) }),
});
