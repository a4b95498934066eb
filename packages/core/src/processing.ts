import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { ConfigError, UnknownNameError, ValueError } from './errors.js';
import { functionConfig, isEnvelope, optionsFromParameters, readEnvelope } from './config.js';
import type { ForwardContext, FunctionConfig, Params, ParameterSpec, ProcessingFunction, ProcessingSpec } from './contracts.js';
import { celu, elementwiseFunction, elementwiseKey, elementwiseNames, gelu, softplus } from './elementwise.js';

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

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

/** Layer normalisation over the last axis: `(x − mean)/√(var + ε)` (biased variance), then optional affine. */
function layerNorm(x: Tensor, eps = 1e-5, weight?: Tensor, bias?: Tensor): Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const { mean, variance } = tf.moments(x, axis, true);
    let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
    if (weight) y = tf.mul(y, weight);
    if (bias) y = tf.add(y, bias);
    return y;
  });
}
function dropout(x: Tensor, p: number, ctx?: ForwardContext): Tensor {
  if (!ctx?.training || p === 0) return tf.clone(x);
  return tf.dropout(x, p, undefined, ctx.seed);
}

/** Softmax along `dim` (default last). */
function softmaxDim(x: Tensor, dim: number | undefined, log: boolean): Tensor {
  const axis = dim == null ? -1 : dim;
  const ax = axis < 0 ? x.rank + axis : axis;
  if (ax === x.rank - 1) return log ? tf.logSoftmax(x) : tf.softmax(x);
  return tf.tidy(() => {
    const perm = x.shape.map((_, i) => i);
    [perm[ax], perm[x.rank - 1]] = [perm[x.rank - 1], perm[ax]];
    const t = tf.transpose(x, perm);
    return tf.transpose(log ? tf.logSoftmax(t) : tf.softmax(t), perm);
  });
}

/**
 * Batch normalisation over the feature axis of `[b, f]` (torch `BatchNorm1d`): training mode
 * uses the batch mean and biased variance and updates `running_mean`/`running_var`
 * (unbiased) with `momentum`; eval mode uses the running statistics. Without buffers
 * (tinyBIG's string form) it always uses batch statistics.
 */
function batchNorm(x: Tensor, o: Params, ctx?: ForwardContext): Tensor {
  const eps = num(o.eps, 1e-5);
  const momentum = num(o.momentum, 0.1);
  const p = ctx?.params ?? {};
  const rm = p.running_mean as Variable | undefined;
  const rv = p.running_var as Variable | undefined;
  const useBatch = ctx?.training !== false || !rm || !rv;
  return tf.tidy(() => {
    let y: Tensor;
    if (useBatch) {
      const { mean, variance } = tf.moments(x, 0);
      y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
      if (ctx?.training && rm && rv) {
        const b = x.shape[0];
        const unbiased = b > 1 ? tf.mul(variance, b / (b - 1)) : variance;
        rm.assign(tf.add(tf.mul(rm, 1 - momentum), tf.mul(mean, momentum)));
        rv.assign(tf.add(tf.mul(rv, 1 - momentum), tf.mul(unbiased, momentum)));
        const nb = p.num_batches_tracked as Variable | undefined;
        if (nb) nb.assign(tf.add(nb, tf.scalar(1, nb.dtype)));
      }
    } else {
      y = tf.div(tf.sub(x, rm!), tf.sqrt(tf.add(rv!, eps)));
    }
    if (p.weight) y = tf.mul(y, p.weight);
    if (p.bias) y = tf.add(y, p.bias);
    return y;
  });
}

type Maker = (o: Params) => ProcessingFunction;

const simple = (className: string, functionClass: string, fn: (x: Tensor, o: Params, ctx?: ForwardContext) => Tensor): Maker =>
  (o) => make(className, functionClass, o, (x, ctx) => fn(x, o, ctx));

/**
 * The processing forms that are not element-wise functions: tinyBIG's `str_func_x` names
 * `layer_norm` and `dropout`, plus softmax/log_softmax, which tinyBIG ignores with a warning and we
 * apply (see docs/tinybig-differences.md). Element-wise callables (`sigmoid`, `torch.tanh`,
 * `torch.nn.functional.gelu`, …) come from the one table in `elementwise.ts`.
 */
const FUNCTIONAL: Record<string, Maker> = {
  layer_norm: simple('layer_norm', 'torch.nn.functional.layer_norm', (x, o) => layerNorm(x, num(o.eps, 1e-5))),
  dropout: simple('dropout', 'torch.nn.functional.dropout', (x, o, ctx) => dropout(x, num(o.p, 0.5), ctx)),
  softmax: simple('softmax', 'torch.nn.functional.softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, false)),
  log_softmax: simple('log_softmax', 'torch.nn.functional.log_softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, true)),
  identity: simple('identity', 'torch.nn.Identity', (x) => tf.clone(x)),
};

/** An element-wise torch callable as a processing function: `y = f(x)` with its keyword options. */
function elementwiseMaker(name: string, className?: string): Maker | undefined {
  const key = elementwiseKey(name);
  if (!key) return undefined;
  const f = elementwiseFunction(key);
  return (o) => make(className ?? f.op, className ?? f.functionClass, o, (x) => f.apply(x, o));
}

/**
 * A `torch.nn.<Module>` class whose lower-cased name is an element-wise `torch.nn.functional` op
 * (`torch.nn.Hardtanh`, `torch.nn.Mish`, `torch.nn.SELU`, …), built with its parameters.
 */
function moduleMaker(className: string): Maker | undefined {
  const prefix = 'torch.nn.';
  if (!className.startsWith(prefix) || className.slice(prefix.length).includes('.')) return undefined;
  const fname = `torch.nn.functional.${className.slice(prefix.length).toLowerCase()}`;
  return elementwiseKey(fname) === fname ? elementwiseMaker(fname, className) : undefined;
}

function affineSpecs(shape: number[], enabled: boolean): ParameterSpec[] {
  return enabled ? [{ name: 'weight', shape, init: 'ones', trainable: true }, { name: 'bias', shape, init: 'zeros', trainable: true }] : [];
}

/** torch.nn module classes accepted in `*_function_configs` (constructed with their parameters). */
const MODULES: Record<string, Maker> = {
  'torch.nn.ReLU': simple('torch.nn.ReLU', 'torch.nn.ReLU', (x) => tf.relu(x)),
  'torch.nn.Sigmoid': simple('torch.nn.Sigmoid', 'torch.nn.Sigmoid', (x) => tf.sigmoid(x)),
  'torch.nn.Tanh': simple('torch.nn.Tanh', 'torch.nn.Tanh', (x) => tf.tanh(x)),
  'torch.nn.GELU': simple('torch.nn.GELU', 'torch.nn.GELU', (x) => gelu(x)),
  'torch.nn.SiLU': simple('torch.nn.SiLU', 'torch.nn.SiLU', (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x)))),
  'torch.nn.ELU': simple('torch.nn.ELU', 'torch.nn.ELU', (x) => tf.elu(x)),
  'torch.nn.CELU': simple('torch.nn.CELU', 'torch.nn.CELU', (x, o) => celu(x, num(o.alpha, 1))),
  'torch.nn.LeakyReLU': simple('torch.nn.LeakyReLU', 'torch.nn.LeakyReLU', (x, o) => tf.leakyRelu(x, num(o.negativeSlope, 0.01))),
  'torch.nn.Softplus': simple('torch.nn.Softplus', 'torch.nn.Softplus', (x, o) => softplus(x, num(o.beta, 1), num(o.threshold, 20))),
  'torch.nn.Softmax': simple('torch.nn.Softmax', 'torch.nn.Softmax', (x, o) => softmaxDim(x, o.dim as number | undefined, false)),
  'torch.nn.LogSoftmax': simple('torch.nn.LogSoftmax', 'torch.nn.LogSoftmax', (x, o) => softmaxDim(x, o.dim as number | undefined, true)),
  'torch.nn.Identity': simple('torch.nn.Identity', 'torch.nn.Identity', (x) => tf.clone(x)),
  'torch.nn.Dropout': simple('torch.nn.Dropout', 'torch.nn.Dropout', (x, o, ctx) => dropout(x, num(o.p, 0.5), ctx)),
  'torch.nn.LayerNorm': (o) => {
    const ns = o.normalizedShape;
    const shape = Array.isArray(ns) ? (ns as number[]) : typeof ns === 'number' ? [ns] : null;
    if (!shape || shape.length !== 1) throw new ConfigError('LayerNorm needs an integer normalized_shape', { argument: 'normalized_shape', expected: 'an integer (the width of the last axis)', received: JSON.stringify(ns) });
    const affine = o.elementwiseAffine !== false;
    return make('torch.nn.LayerNorm', 'torch.nn.LayerNorm', o, (x, ctx) => {
      if (x.shape[x.rank - 1] !== shape[0]) throw new ValueError('LayerNorm width mismatch', { argument: 'x', expected: `last axis ${shape[0]}`, received: `shape [${x.shape.join(', ')}]` });
      return layerNorm(x, num(o.eps, 1e-5), ctx?.params?.weight, ctx?.params?.bias);
    }, () => affineSpecs(shape, affine));
  },
  'torch.nn.BatchNorm1d': (o) => {
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
  },
};

/** Names accepted for processing functions (non-element-wise short names, module classes, element-wise torch callables). */
export function processingNames(): string[] {
  return [...Object.keys(FUNCTIONAL), ...Object.keys(MODULES), ...elementwiseNames()].sort();
}

/** The maker for a name or class, or undefined: short names (case-insensitive), dotted names, module classes. */
function makerFor(name: string): Maker | undefined {
  const s = name.trim();
  const prefix = 'torch.nn.functional.';
  if (!s.includes('.')) return FUNCTIONAL[s.toLowerCase()] ?? elementwiseMaker(s);
  if (s.startsWith(prefix) && FUNCTIONAL[s.slice(prefix.length).toLowerCase()]) return FUNCTIONAL[s.slice(prefix.length).toLowerCase()];
  return MODULES[s] ?? elementwiseMaker(s) ?? moduleMaker(s);
}

/**
 * Resolves one processing function from tinyBIG's forms: a name without a dot
 * (case-insensitive, `torch.nn.functional.<name>`), a dotted name (`torch.nn.functional.gelu`,
 * `torch.exp`, `torch.tanh`, `torch.nn.ReLU`), a `{function_class, function_parameters}` config, or an object.
 * Element-wise callables resolve through {@link elementwiseFunction}, the table every consumer shares.
 */
export function processingFunction(spec: string | FunctionConfig | ProcessingFunction): ProcessingFunction {
  if (typeof spec === 'string') {
    const m = makerFor(spec);
    if (m) return m({});
    throw new UnknownNameError(spec, processingNames(), 'processing function');
  }
  if (isEnvelope(spec)) {
    const env = readEnvelope(spec, 'function_configs');
    const o = optionsFromParameters(env.parameters);
    delete o.device;
    const m = makerFor(env.className);
    if (!m) throw new UnknownNameError(env.className, processingNames(), 'processing function');
    return m(o);
  }
  const f = spec as ProcessingFunction;
  if (f && typeof f.forward === 'function') return f;
  throw new ConfigError('not a processing function', { argument: 'functions', expected: 'a name, a {function_class} config or a processing function', received: JSON.stringify(spec) });
}

/**
 * A resolved chain of processing functions, applied left to right (tinyBIG `func_x`), with the
 * naming of their parameters: a single function's parameters are `<name>`; list members'
 * are `<index>.<name>`. tinyBIG never registers modules held in a list, so their parameters
 * are never trained: a list member's affine `weight`/`bias` (LayerNorm, BatchNorm) become
 * optional non-trainable buffers (1 and 0 unless a checkpoint sets them, as in tinyBIG), and
 * its running-statistics buffers are kept (optional) so eval mode works.
 */
export interface ProcessingChain {
  readonly functions: readonly ProcessingFunction[];
  /** True when the spec was one function (not a list): tinyBIG registers its parameters. */
  readonly single: boolean;
  readonly length: number;
  parameterSpecs(): ParameterSpec[];
  forward(x: Tensor, ctx?: ForwardContext): Tensor;
  /** The spec back in config form (a config, or a list of configs), or undefined if empty. */
  toConfigValue(): FunctionConfig | FunctionConfig[] | undefined;
}

/** Resolves a {@link ProcessingSpec} (name, config, object, or a list of those) into a chain. */
export function processingChain(spec: ProcessingSpec): ProcessingChain {
  const single = spec != null && !Array.isArray(spec);
  const list = spec == null ? [] : Array.isArray(spec) ? spec : [spec];
  const functions = Object.freeze(list.flatMap((s) => (Array.isArray(s) ? processingChain(s).functions : [processingFunction(s as string | FunctionConfig | ProcessingFunction)])));
  const specsOf = (i: number): ParameterSpec[] => {
    const f = functions[i];
    const own = f.parameterSpecs ? f.parameterSpecs() : [];
    if (single) return own.map((s) => ({ ...s }));
    // A list member is never registered by tinyBIG, so nothing of it is trained. A BatchNorm keeps
    // its running statistics AND its affine weight/bias as optional NON-trainable buffers (init
    // ones/zeros: tinyBIG's values and parameter counts) that a checkpoint or the golden harness can
    // set. Any other list member (LayerNorm) has no buffers at all: it stays the no-affine
    // normalisation tinyBIG computes, which the fused order-2 Taylor path relies on (a Taylor
    // expansion whose LayerNorm declared buffers would lose its fused path: 2.5 GB at b = 1000).
    if (!own.some((s) => !s.trainable)) return [];
    return own.map((s) => ({ ...s, name: `${i}.${s.name}`, trainable: false, optional: true }));
  };
  const chain: ProcessingChain = {
    functions,
    single: single && functions.length === 1,
    length: functions.length,
    parameterSpecs: () => functions.flatMap((_, i) => specsOf(i)),
    forward(x: Tensor, ctx?: ForwardContext): Tensor {
      if (functions.length === 0) return x;
      return tf.tidy(() => {
        let y = x;
        functions.forEach((f, i) => {
          let params: Record<string, Variable> | undefined;
          if (ctx?.params) {
            params = {};
            const prefix = single ? '' : `${i}.`;
            for (const [k, v] of Object.entries(ctx.params)) if (k.startsWith(prefix) && (single || k.length > prefix.length)) params[k.slice(prefix.length)] = v;
          }
          y = f.forward(y, { training: ctx?.training, seed: ctx?.seed, params });
        });
        return y;
      });
    },
    toConfigValue() {
      if (functions.length === 0) return undefined;
      const c = functions.map((f) => f.toConfig());
      return single && c.length === 1 ? c[0] : c;
    },
  };
  return Object.freeze(chain);
}
