import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ConfigError, ShapeError, UnknownNameError, activeRegistry, builtinRegistry, defineEntry, formatShape, functionConfig, processingChain,
  type BuildContext, type Fusion, type FunctionConfig, type Params, type ProcessingSpec, type Reconciliation, type RegistryEntry,
} from '@rpn/core';
import { reconciliationEntries } from '@rpn/reconciliation';

/** Options every fusion accepts (tinyBIG `fusion.__init__`). */
export interface FusionOptions {
  readonly dims?: readonly number[] | null;
  readonly name?: string;
  readonly preprocessFunctions?: ProcessingSpec;
  readonly postprocessFunctions?: ProcessingSpec;
  readonly preprocessFunctionConfigs?: ProcessingSpec;
  readonly postprocessFunctionConfigs?: ProcessingSpec;
  readonly [key: string]: unknown;
}

interface FusionDef {
  readonly className: string;
  /** tinyBIG module path, e.g. `tinybig.fusion.metric_fusion`. */
  readonly module: string;
  readonly exported: boolean;
  readonly requireParameters: boolean;
  /** Options written back by `toConfig` (camelCase). */
  readonly options: Params;
  calculateN(dims: readonly number[] | undefined): number;
  calculateL(dims: readonly number[] | undefined): number;
  /** Fuses the (pre-processed) inputs. Runs inside a tidy. */
  fuse(xs: readonly Tensor[], w: Tensor | null): Tensor;
  /** Inputs must all have the same shape. */
  readonly sameShape: boolean;
}

function dimsOf(o: FusionOptions): number[] | undefined {
  const d = o.dims;
  if (d == null) return undefined;
  if (!Array.isArray(d) || d.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
    throw new ConfigError('fusion dims must be a list of positive integers', { argument: 'dims', expected: 'e.g. [3, 3]', received: JSON.stringify(d) });
  }
  return [...d];
}

function needDims(dims: readonly number[] | undefined, className: string): readonly number[] {
  if (!dims || dims.length === 0) throw new ConfigError(`${className} needs its input dims`, { argument: 'dims', expected: 'a non-empty list of input widths', received: JSON.stringify(dims ?? null) });
  return dims;
}

function makeFusion(def: FusionDef, o: FusionOptions): Fusion {
  const dims = dimsOf(o);
  const pre = processingChain((o.preprocessFunctions ?? o.preprocessFunctionConfigs) as ProcessingSpec);
  const post = processingChain((o.postprocessFunctions ?? o.postprocessFunctionConfigs) as ProcessingSpec);
  const name = (o.name as string | undefined) ?? def.className;
  const f: Fusion = {
    name,
    kind: 'fusion',
    className: def.className,
    requireParameters: def.requireParameters,
    dims: dims ? Object.freeze([...dims]) : undefined,
    calculateN: (d?: readonly number[]) => def.calculateN(d ?? dims),
    calculateL: () => def.calculateL(dims),
    forward(xs: readonly Tensor[], w?: Tensor | null): Tensor {
      if (!Array.isArray(xs) || xs.length === 0) throw new ShapeError('fusion needs at least one input', { argument: 'x', expected: 'a non-empty list of tensors', received: String(xs) });
      if (dims && dims.length !== xs.length) {
        throw new ShapeError(`${def.className} got the wrong number of inputs`, { argument: 'x', expected: `${dims.length} tensors (dims ${formatShape(dims)})`, received: `${xs.length}` });
      }
      if (def.sameShape) {
        const s0 = xs[0].shape as number[];
        for (let i = 1; i < xs.length; i++) {
          const s = xs[i].shape as number[];
          if (s.length !== s0.length || s.some((v: number, j: number) => v !== s0[j])) {
            throw new ShapeError(`${def.className} needs inputs of one shape`, { argument: `x[${i}]`, expected: `shape ${formatShape(s0)}`, received: `shape ${formatShape(s)}` });
          }
        }
      }
      if (def.requireParameters && w == null) throw new ConfigError(`${def.className} needs its parameters`, { argument: 'w', expected: `a tensor of ${def.calculateL(dims)} values`, received: 'null' });
      return tf.tidy(() => {
        const ins = pre.length ? xs.map((x) => pre.forward(x)) : xs;
        return post.forward(def.fuse(ins, w ?? null));
      });
    },
    toConfig: (): FunctionConfig =>
      functionConfig(def.exported ? `tinybig.fusion.${def.className}` : `${def.module}.${def.className}`, {
        name,
        dims,
        ...def.options,
        preprocessFunctionConfigs: pre.toConfigValue(),
        postprocessFunctionConfigs: post.toConfigValue(),
      }),
  };
  return Object.freeze(f);
}

const first = (cls: string) => (d: readonly number[] | undefined) => needDims(d, cls)[0];
const sum = (cls: string) => (d: readonly number[] | undefined) => needDims(d, cls).reduce((a, b) => a + b, 0);

function weightsVector(w: Tensor, k: number, argument: string): Tensor {
  if (w.size !== k) throw new ShapeError('fusion weights have the wrong length', { argument, expected: `${k} values ([${k}] or [1, ${k}])`, received: `shape ${formatShape(w.shape)}` });
  return tf.reshape(w, [k]);
}

function weightedSum(xs: readonly Tensor[], wv: Tensor): Tensor {
  const parts = xs.map((x, i) => tf.mul(x, tf.slice(wv, [i], [1])));
  return parts.length === 1 ? parts[0] : tf.addN(parts);
}

/** Element-wise reductions across the k inputs (metric fusions). */
export const FUSION_METRICS: Readonly<Record<string, (xs: readonly Tensor[]) => Tensor>> = Object.freeze({
  mean: (xs) => tf.div(xs.length === 1 ? xs[0] : tf.addN([...xs]), xs.length),
  sum: (xs) => (xs.length === 1 ? tf.clone(xs[0]) : tf.addN([...xs])),
  prod: (xs) => xs.slice(1).reduce((a, x) => tf.mul(a, x), xs[0]),
  max: (xs) => xs.slice(1).reduce((a, x) => tf.maximum(a, x), xs[0]),
  min: (xs) => xs.slice(1).reduce((a, x) => tf.minimum(a, x), xs[0]),
  median: (xs) => lowerMedian(xs),
  l1_norm: (xs) => (xs.length === 1 ? tf.abs(xs[0]) : tf.addN(xs.map((x) => tf.abs(x)))),
  l2_norm: (xs) => tf.sqrt(xs.length === 1 ? tf.square(xs[0]) : tf.addN(xs.map((x) => tf.square(x)))),
  std: (xs) => tf.sqrt(variance(xs)),
  var: (xs) => variance(xs),
  variance: (xs) => variance(xs),
});

/** Unbiased variance across inputs (torch.std default). */
function variance(xs: readonly Tensor[]): Tensor {
  const k = xs.length;
  const mean = FUSION_METRICS.mean(xs);
  const sq = xs.map((x) => tf.square(tf.sub(x, mean)));
  return tf.div(sq.length === 1 ? sq[0] : tf.addN(sq), Math.max(k - 1, 1));
}

/** torch.median across inputs: the lower middle value for an even count. Differentiable (mask from sorting is constant). */
function lowerMedian(xs: readonly Tensor[]): Tensor {
  const k = xs.length;
  if (k === 1) return tf.clone(xs[0]);
  const stacked = tf.stack([...xs], -1); // [..., k]
  const idx = tf.tidy(() => {
    // The selection is a constant of the gradient: sort a detached copy (TopK has no gradient).
    const detached = tf.tensor(stacked.dataSync(), stacked.shape, stacked.dtype);
    const { indices } = tf.topk(detached, k, true); // descending
    const pos = k - 1 - Math.floor((k - 1) / 2);
    const sel = tf.slice(indices, [...indices.shape.slice(0, -1).map(() => 0), pos], [...indices.shape.slice(0, -1), 1]);
    return tf.squeeze(sel, [sel.rank - 1]);
  });
  const mask = tf.oneHot(tf.cast(idx, 'int32'), k);
  return tf.sum(tf.mul(stacked, tf.cast(mask, stacked.dtype)), -1);
}

/** Resolves a metric name: `mean`, `batch_std`, `tinybig.koala.statistics.batch_std`, `torch.mean`, … */
export function fusionMetric(metric: unknown): { name: string; fn: (xs: readonly Tensor[]) => Tensor } {
  if (typeof metric === 'function') return { name: 'custom', fn: metric as (xs: readonly Tensor[]) => Tensor };
  if (typeof metric !== 'string') throw new ConfigError('metric_fusion needs a metric', { argument: 'metric', expected: `a name such as batch_std or one of ${Object.keys(FUSION_METRICS).join(', ')}`, received: JSON.stringify(metric) });
  let key = metric.slice(metric.lastIndexOf('.') + 1).toLowerCase();
  if (key.startsWith('batch_')) key = key.slice(6);
  if (key === 'average') key = 'mean';
  if (key === 'product') key = 'prod';
  if (key === 'summation') key = 'sum';
  const fn = FUSION_METRICS[key];
  if (!fn) throw new UnknownNameError(metric, Object.keys(FUSION_METRICS).map((k) => `batch_${k}`), 'fusion metric');
  return { name: metric, fn };
}

/**
 * Builds a reconciliation ψ of @rpn/reconciliation by class name through the registry: the build
 * context's (or the building registry's) entry when it has one, else @rpn/reconciliation's own entry.
 */
function reconciliationFor(className: string, options: Params, ctx?: BuildContext): Reconciliation {
  const reg = [ctx?.registry, activeRegistry()].find((r) => r?.find(className, 'reconciliation')) ?? builtinRegistry(reconciliationEntries);
  return reg.build<Reconciliation>({ function_class: className, function_parameters: options }, 'reconciliation');
}

const BASE_KEYS = new Set(['dims', 'name', 'n', 'preprocessFunctions', 'postprocessFunctions', 'preprocessFunctionConfigs', 'postprocessFunctionConfigs', 'requireParameters', 'device']);

function snakeOptions(o: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(o)) if (!BASE_KEYS.has(k) && v !== undefined) out[k.replace(/([A-Z])/g, (c) => `_${c.toLowerCase()}`).replace(/([a-zA-Z])([0-9]+)/g, '$1_$2')] = v;
  return out;
}

// ---- the 20 fusion classes -------------------------------------------------------------------

const BASIC = 'tinybig.fusion.basic_fusion';
const METRIC = 'tinybig.fusion.metric_fusion';
const CONCAT = 'tinybig.fusion.concatenation_fusion';
const PCONCAT = 'tinybig.fusion.parameterized_concatenation_fusion';

/** `weighted_summation_fusion(dims, weights)`: Σ weights_k x_k (or `w` with `require_parameters`). */
export function weightedSummationFusion(o: FusionOptions & { weights?: readonly number[] | null; requireParameters?: boolean } = {}): Fusion {
  const weights = o.weights == null ? null : [...(o.weights as number[])].flat(2) as number[];
  const learn = o.requireParameters === true;
  if (!learn && !weights) throw new ConfigError('weighted_summation_fusion needs weights', { argument: 'weights', expected: 'a list of k numbers (or require_parameters: true)', received: 'nothing' });
  return makeFusion({
    className: 'weighted_summation_fusion', module: BASIC, exported: true, requireParameters: learn, sameShape: true,
    options: { weights: weights ?? undefined, requireParameters: learn || undefined },
    calculateN: first('weighted_summation_fusion'),
    calculateL: (d) => (learn ? needDims(d, 'weighted_summation_fusion').length : 0),
    fuse: (xs, w) => weightedSum(xs, learn ? weightsVector(w!, xs.length, 'w') : weightsVector(tf.tensor1d(weights!), xs.length, 'weights')),
  }, o);
}

/** `summation_fusion`: Σ x_k. */
export function summationFusion(o: FusionOptions = {}): Fusion {
  return makeFusion({ className: 'summation_fusion', module: BASIC, exported: true, requireParameters: false, sameShape: true, options: {}, calculateN: first('summation_fusion'), calculateL: () => 0, fuse: (xs) => FUSION_METRICS.sum(xs) }, o);
}

/** `average_fusion`: (1/k) Σ x_k. */
export function averageFusion(o: FusionOptions = {}): Fusion {
  return makeFusion({ className: 'average_fusion', module: BASIC, exported: true, requireParameters: false, sameShape: true, options: {}, calculateN: first('average_fusion'), calculateL: () => 0, fuse: (xs) => FUSION_METRICS.mean(xs) }, o);
}

/**
 * `parameterized_weighted_summation_fusion`: Σ w_k x_k with learnable w (l = k). Accepts `w` as
 * `[k]` or as the `[1, k]` row heads/layers own (tinyBIG asserts on the latter; we accept it).
 */
export function parameterizedWeightedSummationFusion(o: FusionOptions = {}): Fusion {
  return makeFusion({
    className: 'parameterized_weighted_summation_fusion', module: BASIC, exported: true, requireParameters: true, sameShape: true, options: {},
    calculateN: first('parameterized_weighted_summation_fusion'),
    calculateL: (d) => needDims(d, 'parameterized_weighted_summation_fusion').length,
    fuse: (xs, w) => weightedSum(xs, weightsVector(w!, xs.length, 'w')),
  }, o);
}

/** `metric_fusion(dims, metric)`: element-wise reduction across inputs with a named metric. */
export function metricFusion(o: FusionOptions & { metric?: unknown } = {}): Fusion {
  const m = fusionMetric(o.metric);
  return makeFusion({
    className: 'metric_fusion', module: METRIC, exported: true, requireParameters: false, sameShape: true,
    options: { metric: typeof o.metric === 'string' ? o.metric : undefined },
    calculateN: first('metric_fusion'), calculateL: () => 0, fuse: (xs) => m.fn(xs),
  }, o);
}

function metricClass(className: string, metric: string, exported = true) {
  return (o: FusionOptions = {}): Fusion =>
    makeFusion({ className, module: METRIC, exported, requireParameters: false, sameShape: true, options: {}, calculateN: first(className), calculateL: () => 0, fuse: (xs) => FUSION_METRICS[metric](xs) }, o);
}

/** `mean_fusion` (tinyBIG's default channel/head fusion). */
export const meanFusion = metricClass('mean_fusion', 'mean');
export const sumFusion = metricClass('sum_fusion', 'sum');
export const prodFusion = metricClass('prod_fusion', 'prod');
export const maxFusion = metricClass('max_fusion', 'max');
export const minFusion = metricClass('min_fusion', 'min');
/** `median_fusion`: lower middle value for an even count (torch.median). */
export const medianFusion = metricClass('median_fusion', 'median');
export const l1NormFusion = metricClass('l1_norm_fusion', 'l1_norm', false);
export const l2NormFusion = metricClass('l2_norm_fusion', 'l2_norm', false);

/** `concatenation_fusion`: concat along the last axis; n = Σ dims. */
export function concatenationFusion(o: FusionOptions = {}): Fusion {
  return makeFusion({
    className: 'concatenation_fusion', module: CONCAT, exported: true, requireParameters: false, sameShape: false, options: {},
    calculateN: sum('concatenation_fusion'), calculateL: () => 0,
    fuse: (xs) => (xs.length === 1 ? tf.clone(xs[0]) : tf.concat([...xs], -1)),
  }, o);
}

function parameterizedConcat(className: string, reconciliation: string | null, keys: readonly string[]) {
  return (o: FusionOptions & { n?: number | null } = {}, ctx?: BuildContext): Fusion => {
    const dims = dimsOf(o);
    const nOf = (d: readonly number[] | undefined) => (o.n != null ? (o.n as number) : needDims(d, className)[0]);
    let psi: Reconciliation | null = null;
    if (reconciliation) {
      const ro = snakeOptions(o as Params);
      psi = reconciliationFor(reconciliation, ro, ctx);
    }
    const own: Params = { n: o.n ?? undefined };
    for (const k of keys) if (o[k] !== undefined) own[k] = o[k];
    // Record ψ's own state (e.g. random_matrix_adaption's seed / frozen_state) so toConfig rebuilds it.
    const psiParams = (psi?.toConfig().function_parameters ?? {}) as Params;
    for (const k of ['seed', 'frozen_state']) if (psiParams[k] !== undefined) own[k] = psiParams[k];
    return makeFusion({
      className, module: PCONCAT, exported: true, requireParameters: true, sameShape: false,
      options: own,
      calculateN: (d) => nOf(d),
      calculateL: (d) => {
        const D = sum(className)(d);
        const n = nOf(d);
        return psi ? psi.calculateL(n, D) : n * D;
      },
      fuse: (xs, w) => {
        const X = xs.length === 1 ? xs[0] : tf.concat([...xs], -1);
        const D = X.shape[X.rank - 1];
        const n = nOf(dims ?? xs.map((x) => x.shape[x.rank - 1]));
        if (!psi) {
          if (w!.size !== n * D) throw new ShapeError(`${className} parameters have the wrong length`, { argument: 'w', expected: `${n * D} values`, received: `shape ${formatShape(w!.shape)}` });
          return tf.matMul(X, tf.transpose(tf.reshape(w!, [n, D])));
        }
        if (psi.product) return psi.product(X, w, n);
        return tf.matMul(X, tf.transpose(psi.forward(w, n, D)));
      },
    }, o);
  };
}

/** `parameterized_concatenation_fusion(n, dims)`: concat, then `· Wᵀ` with W = reshape(w, [n, Σdims]). */
export const parameterizedConcatenationFusion = parameterizedConcat('parameterized_concatenation_fusion', null, []);
/** Low-rank W = ψ_lorr(w) (`r`). */
export const lowrankParameterizedConcatenationFusion = parameterizedConcat('lowrank_parameterized_concatenation_fusion', 'lorr_reconciliation', ['r']);
/** W = ψ_hm(w) (`p`, `q`). */
export const hmParameterizedConcatenationFusion = parameterizedConcat('hm_parameterized_concatenation_fusion', 'hm_reconciliation', ['p', 'q']);
/** W = ψ_lphm(w) (`r`, `p`, `q`). */
export const lphmParameterizedConcatenationFusion = parameterizedConcat('lphm_parameterized_concatenation_fusion', 'lphm_reconciliation', ['r', 'p', 'q']);
/** W = ψ_dual_lphm(w) (`r`, `p`, `q`). */
export const dualLphmParameterizedConcatenationFusion = parameterizedConcat('dual_lphm_parameterized_concatenation_fusion', 'dual_lphm_reconciliation', ['r', 'p', 'q']);
/** W = ψ_rma(w) (`r`; frozen random matrices as the reconciliation records them). */
export const randomMatrixAdaptionParameterizedConcatenationFusion = parameterizedConcat('random_matrix_adaption_parameterized_concatenation_fusion', 'random_matrix_adaption_reconciliation', ['r']);

type FusionFactory = (o: FusionOptions, ctx?: BuildContext) => Fusion;

const FUSIONS: readonly [string, string, FusionFactory][] = [
  ['weighted_summation_fusion', BASIC, weightedSummationFusion as FusionFactory],
  ['summation_fusion', BASIC, summationFusion],
  ['average_fusion', BASIC, averageFusion],
  ['parameterized_weighted_summation_fusion', BASIC, parameterizedWeightedSummationFusion],
  ['metric_fusion', METRIC, metricFusion as FusionFactory],
  ['mean_fusion', METRIC, meanFusion],
  ['sum_fusion', METRIC, sumFusion],
  ['prod_fusion', METRIC, prodFusion],
  ['max_fusion', METRIC, maxFusion],
  ['min_fusion', METRIC, minFusion],
  ['median_fusion', METRIC, medianFusion],
  ['l1_norm_fusion', METRIC, l1NormFusion],
  ['l2_norm_fusion', METRIC, l2NormFusion],
  ['concatenation_fusion', CONCAT, concatenationFusion],
  ['parameterized_concatenation_fusion', PCONCAT, parameterizedConcatenationFusion as FusionFactory],
  ['lowrank_parameterized_concatenation_fusion', PCONCAT, lowrankParameterizedConcatenationFusion as FusionFactory],
  ['hm_parameterized_concatenation_fusion', PCONCAT, hmParameterizedConcatenationFusion as FusionFactory],
  ['lphm_parameterized_concatenation_fusion', PCONCAT, lphmParameterizedConcatenationFusion as FusionFactory],
  ['dual_lphm_parameterized_concatenation_fusion', PCONCAT, dualLphmParameterizedConcatenationFusion as FusionFactory],
  ['random_matrix_adaption_parameterized_concatenation_fusion', PCONCAT, randomMatrixAdaptionParameterizedConcatenationFusion as FusionFactory],
];

/** Registry entries of the 20 fusion classes. */
export const fusionEntries: readonly RegistryEntry[] = Object.freeze(
  FUSIONS.map(([cls, module, make]) => defineEntry('fusion', cls, (o, ctx) => make(o as FusionOptions, ctx), { module: 'tinybig.fusion', aliases: [`${module}.${cls}`] })),
);
