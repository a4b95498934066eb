import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, ValueError } from './errors.js';
import { functionConfig } from './config.js';
import { defineEntry, type RegistryEntry } from './registry.js';
import type { ForwardContext, FunctionConfig, Params, ParameterSpec, ProcessingFunction } from './contracts.js';
import { celu, elementwiseFunction, elementwiseNames, gelu, softplus } from './elementwise.js';
import { batchNorm, dropout, layerNorm, num, softmaxDim } from './processing-ops.js';

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

const simple = (className: string, functionClass: string, fn: (x: Tensor, o: Params, ctx?: ForwardContext) => Tensor): Maker =>
  (o) => make(className, functionClass, o, (x, ctx) => fn(x, o, ctx));

/**
 * An element-wise torch callable (`torch.tanh`, `torch.nn.functional.gelu`, …; see elementwise.ts) as
 * a processing function `y = f(x)` with its keyword options. `className` (a `torch.nn.<Module>` such
 * as `torch.nn.Hardtanh`) replaces the callable's name in the function and its config.
 */
export function elementwiseProcessing(key: string, className?: string): Maker {
  const f = elementwiseFunction(key);
  return (o) => make(className ?? f.op, className ?? f.functionClass, o, (x) => f.apply(x, o));
}

function affineSpecs(shape: number[], enabled: boolean): ParameterSpec[] {
  return enabled ? [{ name: 'weight', shape, init: 'ones', trainable: true }, { name: 'bias', shape, init: 'zeros', trainable: true }] : [];
}

/** `torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)`: (x − mean)/√(var + ε)·weight + bias over the last axis. */
const layerNormModule: Maker = (o) => {
  const ns = o.normalizedShape;
  const shape = Array.isArray(ns) ? (ns as number[]) : typeof ns === 'number' ? [ns] : null;
  if (!shape || shape.length !== 1) throw new ConfigError('LayerNorm needs an integer normalized_shape', { argument: 'normalized_shape', expected: 'an integer (the width of the last axis)', received: JSON.stringify(ns) });
  const affine = o.elementwiseAffine !== false;
  return make('torch.nn.LayerNorm', 'torch.nn.LayerNorm', o, (x, ctx) => {
    if (x.shape[x.rank - 1] !== shape[0]) throw new ValueError('LayerNorm width mismatch', { argument: 'x', expected: `last axis ${shape[0]}`, received: `shape [${x.shape.join(', ')}]` });
    return layerNorm(x, num(o.eps, 1e-5), ctx?.params?.weight, ctx?.params?.bias);
  }, () => affineSpecs(shape, affine));
};

/** `torch.nn.BatchNorm1d(num_features, eps, momentum, affine, track_running_stats)`: (x − μ)/√(σ² + ε)·weight + bias over the batch. */
const batchNormModule: Maker = (o) => {
  const nf = o.numFeatures;
  const track = o.trackRunningStats !== false;
  return make('torch.nn.BatchNorm1d', 'torch.nn.BatchNorm1d', o, (x, ctx) => batchNorm(x, o, ctx), () => {
    if (typeof nf !== 'number') return [];
    const specs = affineSpecs([nf], o.affine !== false);
    if (track) {
      specs.push({ name: 'running_mean', shape: [nf], init: 'zeros', trainable: false });
      specs.push({ name: 'running_var', shape: [nf], init: 'ones', trainable: false });
      specs.push({ name: 'num_batches_tracked', shape: [], init: 'zeros', trainable: false, dtype: 'int32' });
    }
    return specs;
  });
};

const entry = (className: string, maker: Maker, aliases: readonly string[] = []): RegistryEntry =>
  defineEntry('processing', className, (o) => maker(o), { aliases });

/**
 * The processing forms that are not element-wise functions: tinyBIG's `str_func_x` names
 * `layer_norm` and `dropout`, plus softmax/log_softmax, which tinyBIG ignores with a warning and we
 * apply (see docs/tinybig-differences.md).
 */
const functionalEntries: readonly RegistryEntry[] = [
  entry('layer_norm', simple('layer_norm', 'torch.nn.functional.layer_norm', (x, o) => layerNorm(x, num(o.eps, 1e-5))), ['torch.nn.functional.layer_norm']),
  entry('dropout', simple('dropout', 'torch.nn.functional.dropout', (x, o, ctx) => dropout(x, num(o.p, 0.5), ctx)), ['torch.nn.functional.dropout']),
  entry('softmax', simple('softmax', 'torch.nn.functional.softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, false)), ['torch.nn.functional.softmax']),
  entry('log_softmax', simple('log_softmax', 'torch.nn.functional.log_softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, true)), ['torch.nn.functional.log_softmax']),
  entry('identity', simple('identity', 'torch.nn.Identity', (x) => tf.clone(x))),
];

const mod = (cls: string, fn: (x: Tensor, o: Params, ctx?: ForwardContext) => Tensor): RegistryEntry => entry(cls, simple(cls, cls, fn));

/** torch.nn module classes accepted in `*_function_configs` (constructed with their parameters). */
const moduleEntries: readonly RegistryEntry[] = [
  mod('torch.nn.ReLU', (x) => tf.relu(x)),
  mod('torch.nn.Sigmoid', (x) => tf.sigmoid(x)),
  mod('torch.nn.Tanh', (x) => tf.tanh(x)),
  mod('torch.nn.GELU', (x) => gelu(x)),
  mod('torch.nn.SiLU', (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x)))),
  mod('torch.nn.ELU', (x) => tf.elu(x)),
  mod('torch.nn.CELU', (x, o) => celu(x, num(o.alpha, 1))),
  mod('torch.nn.LeakyReLU', (x, o) => tf.leakyRelu(x, num(o.negativeSlope, 0.01))),
  mod('torch.nn.Softplus', (x, o) => softplus(x, num(o.beta, 1), num(o.threshold, 20))),
  mod('torch.nn.Softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, false)),
  mod('torch.nn.LogSoftmax', (x, o) => softmaxDim(x, o.dim as number | undefined, true)),
  mod('torch.nn.Identity', (x) => tf.clone(x)),
  mod('torch.nn.Dropout', (x, o, ctx) => dropout(x, num(o.p, 0.5), ctx)),
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
  ...elementwiseNames().map((key) => entry(key, elementwiseProcessing(key))),
]);
