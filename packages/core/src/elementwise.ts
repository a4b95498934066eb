import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { UnknownNameError } from './errors.js';
import { bool, defineOptions, num, oneOf, str, type OptionFields, type OptionSchema } from './options.js';
import type { Params } from './contracts.js';

/**
 * An element-wise function `y_i = f(x_i)` that tinyBIG takes as a callable by its dotted torch
 * name (`torch.tanh`, `torch.nn.functional.silu`, …). `options` are the camelCase keyword
 * arguments torch accepts for it (`negativeSlope`, `beta`, `threshold`, `alpha`, `lambd`, …).
 */
export interface ElementwiseFunction {
  /** The dotted torch name it was resolved from, e.g. `torch.nn.functional.leaky_relu`. */
  readonly functionClass: string;
  /** The bare op name (the last segment), e.g. `leaky_relu`. */
  readonly op: string;
  /** Its keyword arguments (torch's, camelCase), with types and defaults; `name` and `inplace` (ignored) are accepted too. */
  readonly options: OptionSchema;
  /**
   * Applies the function; never mutates `x`; runs inside `tf.tidy`. `options` are checked by
   * {@link ElementwiseFunction.options}: a wrong type or an unknown key is a ValueError naming it.
   */
  apply(x: Tensor, options?: Params): Tensor;
}

/** An op on checked options (defaults applied). */
type Op = (x: Tensor, o: Record<string, unknown>) => Tensor;

/** GELU, exact erf form `½x(1 + erf(x/√2))`, or the tanh form `½x(1 + tanh(√(2/π)(x + 0.044715x³)))` (torch `F.gelu(approximate)`). */
export function gelu(x: Tensor, approximate: unknown = 'none'): Tensor {
  return tf.tidy(() => {
    if (approximate === 'tanh') {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  });
}

/** CELU: `max(0, x) + min(0, α(exp(x/α) − 1))` (torch `F.celu`). */
export function celu(x: Tensor, alpha = 1): Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.minimum(0, tf.mul(alpha, tf.sub(tf.exp(tf.div(x, alpha)), 1)))));
}

/** Softplus with torch's `beta`, `threshold`: `x` where `βx > threshold`, else `log(1 + exp(βx))/β`. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return tf.tidy(() => {
    const bx = tf.mul(x, beta);
    const sp = tf.div(tf.softplus(bx), beta);
    const mask = tf.greater(bx, threshold);
    return tf.where(mask, x, sp);
  });
}

/** ELU with torch's `alpha`: `max(0, x) + α(exp(min(0, x)) − 1)` (no comparison op, so it differentiates on every backend). */
function elu(x: Tensor, alpha: number): Tensor {
  return tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(tf.neg(tf.relu(tf.neg(x)))), 1)));
}

/** The bare element-wise ops, by torch's own names. */
const OPS: Record<string, Op> = {
  // torch.nn.functional activations
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  gelu: (x, o) => gelu(x, o.approximate),
  elu: (x, o) => elu(x, (o.alpha as number)),
  selu: (x) => tf.selu(x),
  celu: (x, o) => celu(x, (o.alpha as number)),
  leaky_relu: (x, o) => tf.leakyRelu(x, (o.negativeSlope as number)),
  softplus: (x, o) => softplus(x, (o.beta as number), (o.threshold as number)),
  softsign: (x) => tf.div(x, tf.add(1, tf.abs(x))),
  hardtanh: (x, o) => tf.clipByValue(x, (o.minVal as number), (o.maxVal as number)),
  hardsigmoid: (x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
  hardswish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  logsigmoid: (x) => tf.logSigmoid(x),
  tanhshrink: (x) => tf.sub(x, tf.tanh(x)),
  softshrink: (x, o) => { const l = (o.lambd as number); return tf.sub(tf.relu(tf.sub(x, l)), tf.relu(tf.sub(tf.neg(x), l))); },
  hardshrink: (x, o) => tf.mul(x, tf.step(tf.sub(tf.abs(x), (o.lambd as number)))),
  // torch.* element-wise math
  abs: (x) => tf.abs(x),
  neg: (x) => tf.neg(x),
  exp: (x) => tf.exp(x),
  exp2: (x) => tf.pow(2, x),
  expm1: (x) => tf.expm1(x),
  log: (x) => tf.log(x),
  log1p: (x) => tf.log1p(x),
  log2: (x) => tf.div(tf.log(x), Math.LN2),
  log10: (x) => tf.div(tf.log(x), Math.LN10),
  sqrt: (x) => tf.sqrt(x),
  rsqrt: (x) => tf.rsqrt(x),
  square: (x) => tf.square(x),
  reciprocal: (x) => tf.reciprocal(x),
  sign: (x) => tf.sign(x),
  floor: (x) => tf.floor(x),
  ceil: (x) => tf.ceil(x),
  round: (x) => tf.round(x),
  trunc: (x) => tf.mul(tf.sign(x), tf.floor(tf.abs(x))),
  erf: (x) => tf.erf(x),
  sin: (x) => tf.sin(x),
  cos: (x) => tf.cos(x),
  tan: (x) => tf.tan(x),
  asin: (x) => tf.asin(x),
  acos: (x) => tf.acos(x),
  atan: (x) => tf.atan(x),
  sinh: (x) => tf.sinh(x),
  cosh: (x) => tf.cosh(x),
  asinh: (x) => tf.asinh(x),
  acosh: (x) => tf.acosh(x),
  atanh: (x) => tf.atanh(x),
};

/** The keyword arguments of the ops that take any (torch's names, camelCase, and defaults). */
const OP_FIELDS: Readonly<Record<string, OptionFields>> = Object.freeze({
  gelu: { approximate: oneOf(['none', 'tanh'], { default: 'none', doc: "'tanh' for the tanh approximation" }) },
  elu: { alpha: num({ default: 1, doc: 'α of the negative part' }) },
  celu: { alpha: num({ default: 1, min: 0, exclusiveMin: true, doc: 'α of the negative part' }) },
  leaky_relu: { negativeSlope: num({ default: 0.01, doc: 'slope for x < 0' }) },
  softplus: { beta: num({ default: 1, min: 0, exclusiveMin: true, doc: 'β' }), threshold: num({ default: 20, doc: 'linear above βx > threshold' }) },
  hardtanh: { minVal: num({ default: -1, doc: 'lower clip' }), maxVal: num({ default: 1, doc: 'upper clip' }) },
  softshrink: { lambd: num({ default: 0.5, min: 0, doc: 'λ' }) },
  hardshrink: { lambd: num({ default: 0.5, min: 0, doc: 'λ' }) },
});

/** Accepted by every op: the processing function's instance name, and torch's `inplace` (ignored: `x` is never mutated). */
const COMMON_FIELDS = Object.freeze({
  name: str({ doc: 'instance name' }),
  inplace: bool({ doc: "torch's inplace flag (accepted, ignored: x is never mutated)" }),
});

const schemas = new Map<string, OptionSchema>();
/** The option schema of the element-wise function `key` (a dotted torch name from {@link elementwiseNames}). */
function schemaOf(key: string, op: string): OptionSchema {
  let sc = schemas.get(key);
  if (!sc) { sc = defineOptions(key, { ...COMMON_FIELDS, ...(OP_FIELDS[op] ?? {}) }); schemas.set(key, sc); }
  return sc;
}

/** `torch.nn.functional.<op>` names (tinyBIG's `str_func_x` reads a dot-free name as one of these). */
const FUNCTIONAL_OPS = ['relu', 'relu6', 'sigmoid', 'tanh', 'silu', 'gelu', 'elu', 'selu', 'celu', 'leaky_relu', 'softplus', 'softsign',
  'hardtanh', 'hardsigmoid', 'hardswish', 'mish', 'logsigmoid', 'tanhshrink', 'softshrink', 'hardshrink'];
/** `torch.<op>` names. */
const TORCH_OPS = ['relu', 'sigmoid', 'tanh', 'selu', 'celu', 'abs', 'neg', 'exp', 'exp2', 'expm1', 'log', 'log1p', 'log2', 'log10', 'sqrt',
  'rsqrt', 'square', 'reciprocal', 'sign', 'floor', 'ceil', 'round', 'trunc', 'erf', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
  'sinh', 'cosh', 'asinh', 'acosh', 'atanh'];
/** torch's alternative spellings: `torch.absolute`, `torch.arcsin`, `torch.special.expit`, … */
const ALIASES: Record<string, string> = {
  'torch.absolute': 'abs', 'torch.negative': 'neg', 'torch.fix': 'trunc',
  'torch.arcsin': 'asin', 'torch.arccos': 'acos', 'torch.arctan': 'atan',
  'torch.arcsinh': 'asinh', 'torch.arccosh': 'acosh', 'torch.arctanh': 'atanh',
  'torch.special.expit': 'sigmoid', 'torch.special.erf': 'erf', 'torch.special.expm1': 'expm1',
  'torch.special.exp2': 'exp2', 'torch.special.log1p': 'log1p', 'torch.special.round': 'round',
};

const TABLE: Readonly<Record<string, string>> = Object.freeze({
  ...Object.fromEntries(FUNCTIONAL_OPS.map((op) => [`torch.nn.functional.${op}`, op])),
  ...Object.fromEntries(TORCH_OPS.map((op) => [`torch.${op}`, op])),
  ...ALIASES,
});

/** Every dotted torch name {@link elementwiseFunction} resolves, sorted. */
export function elementwiseNames(): string[] {
  return Object.keys(TABLE).sort();
}

/** The canonical dotted name for `name`, or null: a dotted name as written; a dot-free one as `torch.nn.functional.<lower(name)>` (then `torch.<name>`). */
export function elementwiseKey(name: string): string | null {
  const s = name.trim();
  if (s.includes('.')) {
    if (TABLE[s]) return s;
    const fPrefix = 'torch.nn.functional.';
    if (s.startsWith(fPrefix) && TABLE[fPrefix + s.slice(fPrefix.length).toLowerCase()]) return fPrefix + s.slice(fPrefix.length).toLowerCase();
    return null;
  }
  const lower = s.toLowerCase();
  if (TABLE[`torch.nn.functional.${lower}`]) return `torch.nn.functional.${lower}`;
  if (TABLE[`torch.${lower}`]) return `torch.${lower}`;
  return null;
}

/** True when {@link elementwiseFunction} resolves `name`. */
export function isElementwiseName(name: unknown): boolean {
  return typeof name === 'string' && elementwiseKey(name) !== null;
}

/**
 * Resolves an element-wise torch callable by name (`torch.tanh`, `torch.nn.functional.gelu`,
 * `torch.special.expit`, or a dot-free `relu`), the one table every consumer of tinyBIG callables
 * uses: `y = f(x)` element by element. Throws {@link UnknownNameError} listing every known name.
 */
export function elementwiseFunction(name: string): ElementwiseFunction {
  const key = typeof name === 'string' ? elementwiseKey(name) : null;
  if (!key) throw new UnknownNameError(String(name), elementwiseNames(), 'element-wise function');
  const op = TABLE[key];
  const impl = OPS[op];
  const options = schemaOf(key, op);
  return Object.freeze({
    functionClass: key,
    op,
    options,
    apply: (x: Tensor, o: Params = {}) => {
      const v = options.parse(o);
      return tf.tidy(() => impl(x, v));
    },
  });
}
