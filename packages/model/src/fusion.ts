import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ConfigError, ShapeError, UnknownNameError, UnsupportedError, any, bool, createRegistry, defineEntry, defineOptions, formatShape, functionConfig, int, list,
  processingChain, str, type BuildContext, type Fusion, type FunctionConfig, type OptionSchema, type OptionsOf, type Params, type ProcessingSpec,
  type Reconciliation, type RegistryEntry, type ValuesOf,
} from '@rpn/core';
import { reconciliationEntries } from '@rpn/reconciliation';

/** Options every fusion accepts (tinyBIG `fusion.__init__`). */
export const FUSION_BASE = Object.freeze({
  dims: list(int({ min: 1 }), { nullable: true, expected: 'a list of positive integers, e.g. [3, 3]', doc: 'the input widths' }),
  name: str({ doc: 'instance name (defaults to the class name)' }),
  preprocessFunctions: any<ProcessingSpec>({ doc: 'tinyBIG preprocess_functions' }),
  postprocessFunctions: any<ProcessingSpec>({ doc: 'tinyBIG postprocess_functions' }),
  preprocessFunctionConfigs: any<ProcessingSpec>({ doc: 'tinyBIG preprocess_function_configs' }),
  postprocessFunctionConfigs: any<ProcessingSpec>({ doc: 'tinyBIG postprocess_function_configs' }),
  requireParameters: bool({ doc: "tinyBIG's require_parameters (learnable weights for weighted_summation_fusion; fixed by the others)" }),
  device: any<string>({ doc: "torch's device (accepted and ignored)" }),
});
/** The options of a fusion without own options. */
export const BASE_FUSION_OPTIONS = defineOptions('fusion', {}, FUSION_BASE);
/** Options every fusion accepts (tinyBIG `fusion.__init__`). */
export type FusionOptions = OptionsOf<typeof BASE_FUSION_OPTIONS>;
type FusionValues = ValuesOf<typeof BASE_FUSION_OPTIONS>;

/** Options of {@link weightedSummationFusion}. */
export const WEIGHTED_SUMMATION_FUSION_OPTIONS = defineOptions('weighted_summation_fusion', {
  weights: any<readonly number[] | null>({
    check: (v: unknown) => Array.isArray(v) && (v as unknown[]).flat(2).every((e) => typeof e === 'number' && Number.isFinite(e)),
    expected: 'a list of k finite numbers',
    doc: 'the fixed weights (or require_parameters: true)',
  }),
}, FUSION_BASE);
/** Options of {@link metricFusion}. */
export const METRIC_FUSION_OPTIONS = defineOptions('metric_fusion', { metric: any({ doc: 'a metric name (sum, mean, prod, max, min, median, l1_norm, l2_norm, …) or a function of the inputs' }) }, FUSION_BASE);
/** Options of the parameterized concatenation fusions (ψ's options are checked by its reconciliation). */
export const PARAMETERIZED_CONCATENATION_FUSION_OPTIONS = defineOptions('parameterized_concatenation_fusion', {
  n: int({ min: 1, nullable: true, doc: 'output width (default dims[0])' }),
  r: int({ min: 1, doc: 'rank of ψ (lowrank, lphm, dual_lphm, random_matrix_adaption)' }),
  p: int({ min: 1, nullable: true, doc: 'ψ divisor of n (hm, lphm, dual_lphm)' }),
  q: int({ min: 1, nullable: true, doc: 'ψ divisor of D (hm, lphm, dual_lphm)' }),
  seed: int({ doc: "ψ's random seed (random_matrix_adaption)" }),
  frozenState: any<Readonly<Record<string, unknown>>>({ doc: "ψ's frozen random state (random_matrix_adaption)" }),
}, FUSION_BASE);

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

function dimsOf(o: FusionValues): number[] | undefined {
  return o.dims == null ? undefined : [...o.dims];
}

function needDims(dims: readonly number[] | undefined, className: string): readonly number[] {
  if (!dims || dims.length === 0) throw new ConfigError(`${className} needs its input dims`, { argument: 'dims', expected: 'a non-empty list of input widths', received: JSON.stringify(dims ?? null) });
  return dims;
}

function makeFusion(def: FusionDef, o: FusionValues): Fusion {
  const dims = dimsOf(o);
  const pre = processingChain(o.preprocessFunctions ?? o.preprocessFunctionConfigs);
  const post = processingChain(o.postprocessFunctions ?? o.postprocessFunctionConfigs);
  const name = o.name ?? def.className;
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

let reconciliationRegistry: ReturnType<typeof createRegistry> | undefined;

/** Builds a reconciliation ψ of @rpn/reconciliation by class name (its own factory, not a copy). */
function reconciliationFor(className: string, options: Params, ctx?: BuildContext): Reconciliation {
  const fromCtx = ctx?.registry.has(className) ? ctx : undefined;
  if (fromCtx) return fromCtx.build<Reconciliation>({ function_class: className, function_parameters: options }, 'reconciliation');
  const entry = reconciliationEntries.find((e) => e.className === className);
  if (!entry) throw new UnsupportedError(`reconciliation ${className} is not available in @rpn/reconciliation`, { argument: 'parameter_fabrication', expected: className, received: `${reconciliationEntries.length} reconciliation entries` });
  reconciliationRegistry ??= createRegistry(reconciliationEntries);
  return reconciliationRegistry.build<Reconciliation>({ function_class: className, function_parameters: options }, 'reconciliation');
}


// ---- the 20 fusion classes -------------------------------------------------------------------

const BASIC = 'tinybig.fusion.basic_fusion';
const METRIC = 'tinybig.fusion.metric_fusion';
const CONCAT = 'tinybig.fusion.concatenation_fusion';
const PCONCAT = 'tinybig.fusion.parameterized_concatenation_fusion';

/** `weighted_summation_fusion(dims, weights)`: Σ weights_k x_k (or `w` with `require_parameters`). */
export function weightedSummationFusion(options: OptionsOf<typeof WEIGHTED_SUMMATION_FUSION_OPTIONS> = {}): Fusion {
  const o = WEIGHTED_SUMMATION_FUSION_OPTIONS.parse(options);
  const weights = o.weights == null ? null : ([...o.weights] as unknown[]).flat(2) as number[];
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
export function summationFusion(options: FusionOptions = {}): Fusion {
  const o = BASE_FUSION_OPTIONS.named('summation_fusion').parse(options);
  return makeFusion({ className: 'summation_fusion', module: BASIC, exported: true, requireParameters: false, sameShape: true, options: {}, calculateN: first('summation_fusion'), calculateL: () => 0, fuse: (xs) => FUSION_METRICS.sum(xs) }, o);
}

/** `average_fusion`: (1/k) Σ x_k. */
export function averageFusion(options: FusionOptions = {}): Fusion {
  const o = BASE_FUSION_OPTIONS.named('average_fusion').parse(options);
  return makeFusion({ className: 'average_fusion', module: BASIC, exported: true, requireParameters: false, sameShape: true, options: {}, calculateN: first('average_fusion'), calculateL: () => 0, fuse: (xs) => FUSION_METRICS.mean(xs) }, o);
}

/**
 * `parameterized_weighted_summation_fusion`: Σ w_k x_k with learnable w (l = k). Accepts `w` as
 * `[k]` or as the `[1, k]` row heads/layers own (tinyBIG asserts on the latter; we accept it).
 */
export function parameterizedWeightedSummationFusion(options: FusionOptions = {}): Fusion {
  const o = BASE_FUSION_OPTIONS.named('parameterized_weighted_summation_fusion').parse(options);
  return makeFusion({
    className: 'parameterized_weighted_summation_fusion', module: BASIC, exported: true, requireParameters: true, sameShape: true, options: {},
    calculateN: first('parameterized_weighted_summation_fusion'),
    calculateL: (d) => needDims(d, 'parameterized_weighted_summation_fusion').length,
    fuse: (xs, w) => weightedSum(xs, weightsVector(w!, xs.length, 'w')),
  }, o);
}

/** `metric_fusion(dims, metric)`: element-wise reduction across inputs with a named metric. */
export function metricFusion(options: OptionsOf<typeof METRIC_FUSION_OPTIONS> = {}): Fusion {
  const o = METRIC_FUSION_OPTIONS.parse(options);
  const m = fusionMetric(o.metric);
  return makeFusion({
    className: 'metric_fusion', module: METRIC, exported: true, requireParameters: false, sameShape: true,
    options: { metric: typeof o.metric === 'string' ? o.metric : undefined },
    calculateN: first('metric_fusion'), calculateL: () => 0, fuse: (xs) => m.fn(xs),
  }, o);
}

function metricClass(className: string, metric: string, exported = true) {
  const schema = BASE_FUSION_OPTIONS.named(className);
  return (o: FusionOptions = {}): Fusion =>
    makeFusion({ className, module: METRIC, exported, requireParameters: false, sameShape: true, options: {}, calculateN: first(className), calculateL: () => 0, fuse: (xs) => FUSION_METRICS[metric](xs) }, schema.parse(o));
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
export function concatenationFusion(options: FusionOptions = {}): Fusion {
  const o = BASE_FUSION_OPTIONS.named('concatenation_fusion').parse(options);
  return makeFusion({
    className: 'concatenation_fusion', module: CONCAT, exported: true, requireParameters: false, sameShape: false, options: {},
    calculateN: sum('concatenation_fusion'), calculateL: () => 0,
    fuse: (xs) => (xs.length === 1 ? tf.clone(xs[0]) : tf.concat([...xs], -1)),
  }, o);
}

/** A parameterized concatenation's schema: n, the base options and its ψ's options (`psiKeys`). */
function concatSchema(className: string, psiKeys: readonly string[]): OptionSchema {
  const f = PARAMETERIZED_CONCATENATION_FUSION_OPTIONS.fields;
  return defineOptions(className, Object.fromEntries(Object.entries(f).filter(([k]) => k === 'n' || psiKeys.includes(k) || k in FUSION_BASE)));
}

function parameterizedConcat(className: string, reconciliation: string | null, keys: readonly ('r' | 'p' | 'q')[]) {
  // each class accepts n and its ψ's options only
  const psiKeys: readonly string[] = reconciliation === 'random_matrix_adaption_reconciliation' ? [...keys, 'seed', 'frozenState'] : keys;
  const schema = concatSchema(className, psiKeys) as typeof PARAMETERIZED_CONCATENATION_FUSION_OPTIONS;
  return (options: OptionsOf<typeof PARAMETERIZED_CONCATENATION_FUSION_OPTIONS> = {}, ctx?: BuildContext): Fusion => {
    const o = schema.parse(options);
    const dims = dimsOf(o);
    const nOf = (d: readonly number[] | undefined) => (o.n != null ? o.n : needDims(d, className)[0]);
    let psi: Reconciliation | null = null;
    if (reconciliation) {
      const ro: Params = {};
      for (const k of psiKeys) if (o[k as keyof typeof o] != null) ro[schema.configKey(k as 'r')] = o[k as keyof typeof o];
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

const PSI_KEYS: Readonly<Record<string, readonly string[]>> = {
  lowrank_parameterized_concatenation_fusion: ['r'], hm_parameterized_concatenation_fusion: ['p', 'q'],
  lphm_parameterized_concatenation_fusion: ['r', 'p', 'q'], dual_lphm_parameterized_concatenation_fusion: ['r', 'p', 'q'],
  random_matrix_adaption_parameterized_concatenation_fusion: ['r', 'seed', 'frozenState'], parameterized_concatenation_fusion: [],
};

function fusionSchema(cls: string): OptionSchema {
  if (cls === 'weighted_summation_fusion') return WEIGHTED_SUMMATION_FUSION_OPTIONS;
  if (cls === 'metric_fusion') return METRIC_FUSION_OPTIONS;
  const psi = PSI_KEYS[cls];
  return psi ? concatSchema(cls, psi) : BASE_FUSION_OPTIONS.named(cls);
}

/** Every fusion's declared options by its tinyBIG class name. */
export const FUSION_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze(Object.fromEntries(FUSIONS.map(([cls]) => [cls, fusionSchema(cls)])));

/** Registry entries of the 20 fusion classes. */
export const fusionEntries: readonly RegistryEntry[] = Object.freeze(
  FUSIONS.map(([cls, module, make]) => defineEntry('fusion', cls, (o, ctx) => make(o as FusionOptions, ctx), { module: 'tinybig.fusion', aliases: [`${module}.${cls}`], options: FUSION_OPTIONS[cls] })),
);
