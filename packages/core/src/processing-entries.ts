import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError } from './errors.js';
import { functionConfig } from './config.js';
import { defineEntry, type RegistryEntry } from './registry.js';
import type { ForwardContext, FunctionConfig, Params, ParameterSpec, ProcessingFunction } from './contracts.js';
import { celu, elementwiseFunction, elementwiseNames, gelu, softplus } from './elementwise.js';
import { batchNorm, dropout, layerNorm, softmaxDim } from './processing-ops.js';
import { any, bool, defineOptions, either, int, list, num, oneOf, str, type OptionFields, type OptionSchema } from './options.js';

// The options of the processing functions, declared once per class (core's option schema): the
// registry checks a config's with them (ConfigError naming the tinyBIG key); the makers parse what
// they are given in code (ValueError naming the camelCase option).
const NAME = { name: str({ doc: 'instance name' }) } as const;
const INPLACE = { inplace: bool({ doc: "torch's inplace flag (accepted, ignored: x is never mutated)" }) } as const;
const EPS = num({ default: 1e-5, min: 0, exclusiveMin: true, doc: 'ε added to the variance' });
const P = num({ default: 0.5, min: 0, max: 1, doc: 'dropout probability' });
const DIM = int({ nullable: true, doc: 'axis (default the last)' });
const schema = (cls: string, fields: OptionFields = {}): OptionSchema => defineOptions(cls, { ...NAME, ...fields });

/** Options of the processing functions that are not element-wise, by class name. */
export const PROCESSING_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze({
  layer_norm: schema('layer_norm', { eps: EPS }),
  dropout: schema('dropout', { p: P, ...INPLACE }),
  softmax: schema('softmax', { dim: DIM }),
  log_softmax: schema('log_softmax', { dim: DIM }),
  identity: schema('identity'),
  'torch.nn.ReLU': schema('torch.nn.ReLU', INPLACE),
  'torch.nn.Sigmoid': schema('torch.nn.Sigmoid'),
  'torch.nn.Tanh': schema('torch.nn.Tanh'),
  'torch.nn.GELU': schema('torch.nn.GELU', { approximate: oneOf(['none', 'tanh'], { default: 'none', doc: "'tanh' for the tanh approximation" }) }),
  'torch.nn.SiLU': schema('torch.nn.SiLU', INPLACE),
  'torch.nn.ELU': schema('torch.nn.ELU', { alpha: num({ default: 1, doc: 'α of the negative part' }), ...INPLACE }),
  'torch.nn.CELU': schema('torch.nn.CELU', { alpha: num({ default: 1, min: 0, exclusiveMin: true, doc: 'α of the negative part' }), ...INPLACE }),
  'torch.nn.LeakyReLU': schema('torch.nn.LeakyReLU', { negativeSlope: num({ default: 0.01, doc: 'slope for x < 0' }), ...INPLACE }),
  'torch.nn.Softplus': schema('torch.nn.Softplus', { beta: num({ default: 1, min: 0, exclusiveMin: true, doc: 'β' }), threshold: num({ default: 20, doc: 'linear above βx > threshold' }) }),
  'torch.nn.Softmax': schema('torch.nn.Softmax', { dim: DIM }),
  'torch.nn.LogSoftmax': schema('torch.nn.LogSoftmax', { dim: DIM }),
  'torch.nn.Identity': schema('torch.nn.Identity'),
  'torch.nn.Dropout': schema('torch.nn.Dropout', { p: P, ...INPLACE }),
  'torch.nn.LayerNorm': schema('torch.nn.LayerNorm', {
    normalizedShape: either([int({ min: 1 }), list(int({ min: 1 }), { length: 1 })], { required: true, doc: 'width of the last axis (an integer or [integer])' }),
    eps: EPS,
    elementwiseAffine: bool({ default: true, doc: 'learn weight and bias' }),
    bias: bool({ default: true, doc: "torch's bias flag (the bias is learnt with elementwise_affine)" }),
    device: any({ doc: "torch's device (ignored)" }),
    dtype: any({ doc: "torch's dtype (ignored)" }),
  }),
  'torch.nn.BatchNorm1d': schema('torch.nn.BatchNorm1d', {
    numFeatures: int({ min: 1, doc: 'features f (without it: batch statistics only, no buffers)' }),
    eps: EPS,
    momentum: num({ default: 0.1, min: 0, max: 1, doc: 'running-statistics momentum' }),
    affine: bool({ default: true, doc: 'learn weight and bias' }),
    trackRunningStats: bool({ default: true, doc: 'keep running mean and variance' }),
    device: any({ doc: "torch's device (ignored)" }),
    dtype: any({ doc: "torch's dtype (ignored)" }),
  }),
});

/** A processing function: `name` (tinyBIG's attribute name), `className`, and `functionClass` written by `toConfig`. */
function make(className: string, functionClass: string, options: Params, forward: (x: Tensor, ctx?: ForwardContext) => Tensor, specs?: () => ParameterSpec[]): ProcessingFunction {
  const f: ProcessingFunction = {
    name: (options.name as string | undefined) ?? className,
    kind: 'processing',
    className,
    forward,
    toConfig: (): FunctionConfig => functionConfig(functionClass, options),
    ...(specs ? { parameterSpecs: specs } : {}),
  };
  return Object.freeze(f);
}

type Maker = (o: Params) => ProcessingFunction;
type Values = Record<string, unknown>;

/** A processing function `fn` whose options are checked (and defaulted) by `PROCESSING_OPTIONS[className]` when it is made. */
const simple = (className: string, functionClass: string, fn: (x: Tensor, o: Values, ctx?: ForwardContext) => Tensor): Maker =>
  (o) => {
    const v = PROCESSING_OPTIONS[className].parse(o) as Values;
    return make(className, functionClass, o, (x, ctx) => fn(x, v, ctx));
  };

/**
 * An element-wise torch callable (`torch.tanh`, `torch.nn.functional.gelu`, …; see elementwise.ts) as
 * a processing function `y = f(x)` with its keyword options. `className` (a `torch.nn.<Module>` such
 * as `torch.nn.Hardtanh`) replaces the callable's name in the function and its config.
 */
export function elementwiseProcessing(key: string, className?: string): Maker {
  const f = elementwiseFunction(key);
  return (o) => {
    f.options.named(className ?? key).parse(o);
    return make(className ?? f.op, className ?? f.functionClass, o, (x) => f.apply(x, o));
  };
}

function affineSpecs(shape: number[], enabled: boolean): ParameterSpec[] {
  return enabled ? [{ name: 'weight', shape, init: 'ones', trainable: true }, { name: 'bias', shape, init: 'zeros', trainable: true }] : [];
}

/** `torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)`: (x − mean)/√(var + ε)·weight + bias over the last axis. */
const layerNormModule: Maker = (o) => {
  const v = PROCESSING_OPTIONS['torch.nn.LayerNorm'].parse(o) as Values;
  const ns = v.normalizedShape as number | number[];
  const shape = Array.isArray(ns) ? ns : [ns];
  const affine = v.elementwiseAffine as boolean;
  return make('torch.nn.LayerNorm', 'torch.nn.LayerNorm', o, (x, ctx) => {
    if (x.shape[x.rank - 1] !== shape[0]) throw new ValueError('LayerNorm width mismatch', { argument: 'x', expected: `last axis ${shape[0]}`, received: `shape [${x.shape.join(', ')}]` });
    return layerNorm(x, v.eps as number, ctx?.params?.weight, ctx?.params?.bias);
  }, () => affineSpecs(shape, affine));
};

/** `torch.nn.BatchNorm1d(num_features, eps, momentum, affine, track_running_stats)`: (x − μ)/√(σ² + ε)·weight + bias over the batch. */
const batchNormModule: Maker = (o) => {
  const v = PROCESSING_OPTIONS['torch.nn.BatchNorm1d'].parse(o) as Values;
  const nf = v.numFeatures as number | undefined;
  const track = v.trackRunningStats as boolean;
  const stats = { eps: v.eps as number, momentum: v.momentum as number };
  return make('torch.nn.BatchNorm1d', 'torch.nn.BatchNorm1d', o, (x, ctx) => batchNorm(x, stats, ctx), () => {
    if (nf === undefined) return [];
    const specs = affineSpecs([nf], v.affine as boolean);
    if (track) {
      specs.push({ name: 'running_mean', shape: [nf], init: 'zeros', trainable: false });
      specs.push({ name: 'running_var', shape: [nf], init: 'ones', trainable: false });
      specs.push({ name: 'num_batches_tracked', shape: [], init: 'zeros', trainable: false, dtype: 'int32' });
    }
    return specs;
  });
};

const entry = (className: string, maker: Maker, aliases: readonly string[] = [], options: OptionSchema = PROCESSING_OPTIONS[className]): RegistryEntry =>
  defineEntry('processing', className, (o) => maker(o), { aliases, options });

/**
 * The processing forms that are not element-wise functions: tinyBIG's `str_func_x` names
 * `layer_norm` and `dropout`, plus softmax/log_softmax, which tinyBIG ignores with a warning and we
 * apply (see docs/tinybig-differences.md).
 */
const functionalEntries: readonly RegistryEntry[] = [
  entry('layer_norm', simple('layer_norm', 'torch.nn.functional.layer_norm', (x, o) => layerNorm(x, o.eps as number)), ['torch.nn.functional.layer_norm']),
  entry('dropout', simple('dropout', 'torch.nn.functional.dropout', (x, o, ctx) => dropout(x, o.p as number, ctx)), ['torch.nn.functional.dropout']),
  entry('softmax', simple('softmax', 'torch.nn.functional.softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, false)), ['torch.nn.functional.softmax']),
  entry('log_softmax', simple('log_softmax', 'torch.nn.functional.log_softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, true)), ['torch.nn.functional.log_softmax']),
  entry('identity', simple('identity', 'torch.nn.Identity', (x) => tf.clone(x))),
];

const ELU = elementwiseFunction('torch.nn.functional.elu');
const mod = (cls: string, fn: (x: Tensor, o: Params, ctx?: ForwardContext) => Tensor): RegistryEntry => entry(cls, simple(cls, cls, fn));

/** torch.nn module classes accepted in `*_function_configs` (constructed with their parameters). */
const moduleEntries: readonly RegistryEntry[] = [
  mod('torch.nn.ReLU', (x) => tf.relu(x)),
  mod('torch.nn.Sigmoid', (x) => tf.sigmoid(x)),
  mod('torch.nn.Tanh', (x) => tf.tanh(x)),
  mod('torch.nn.GELU', (x, o) => gelu(x, o.approximate)),
  mod('torch.nn.SiLU', (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x)))),
  mod('torch.nn.ELU', (x, o) => ELU.apply(x, { alpha: o.alpha })),
  mod('torch.nn.CELU', (x, o) => celu(x, o.alpha as number)),
  mod('torch.nn.LeakyReLU', (x, o) => tf.leakyRelu(x, o.negativeSlope as number)),
  mod('torch.nn.Softplus', (x, o) => softplus(x, o.beta as number, o.threshold as number)),
  mod('torch.nn.Softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, false)),
  mod('torch.nn.LogSoftmax', (x, o) => softmaxDim(x, o.dim as number | undefined, true)),
  mod('torch.nn.Identity', (x) => tf.clone(x)),
  mod('torch.nn.Dropout', (x, o, ctx) => dropout(x, o.p as number, ctx)),
  entry('torch.nn.LayerNorm', layerNormModule),
  entry('torch.nn.BatchNorm1d', batchNormModule),
];

/**
 * Registry entries (kind `processing`) of every built-in processing function: tinyBIG's `func_x`
 * forms `layer_norm`, `dropout`, `softmax`, `log_softmax`, `identity`; the torch.nn modules
 * (`torch.nn.ReLU`, `torch.nn.LayerNorm`, `torch.nn.BatchNorm1d`, …); and one entry per element-wise
 * torch callable, named by its dotted torch name (`torch.nn.functional.gelu`, `torch.exp`,
 * `torch.special.expit`, …). {@link processingFunction} resolves names among them (after the entries of
 * the registry a config is built with, so a user's own activation can be named in a config).
 */
export const processingEntries: readonly RegistryEntry[] = Object.freeze([
  ...functionalEntries,
  ...moduleEntries,
  ...elementwiseNames().map((key) => entry(key, elementwiseProcessing(key), [], elementwiseFunction(key).options)),
]);
