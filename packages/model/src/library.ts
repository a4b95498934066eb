import { ConfigError, any, defineOptions, either, int, list, num as numOpt, bool as boolOpt, oneOf, type BuildContext, type FunctionConfig, type OptionFields, type OptionSchema, type OptionsOf } from '@rpn/core';
import { rpnHead, type RpnHead } from './head.js';
import { rpnLayer, type RpnLayer } from './layer.js';
import { rpnModel, checkDims, type RpnModel } from './model.js';
import { subSeed } from './init.js';
import { requireDim } from './resolve.js';
import { DISTRIBUTIONS, LIBRARY_HEAD_BASE, OUTPUT_FLAGS, RECONCILIATION_FLAGS, RESIDUAL_FLAG, bool, common, distribution, fc, needCtx, num, outputs, reconciliationConfig, residual, type O } from './library-common.js';

/**
 * tinyBIG's library heads, layers and models (perceptron, KAN, SVM, naive Bayes, PGM): fixed
 * compositions of registry functions. They need a registry context because their functions
 * live in the expansion/reconciliation/remainder packages. Library layers build `width`
 * INDEPENDENT heads (tinyBIG repeats one shared head object; see docs/tinybig-differences.md).
 */

const HEAD_BASE = { ...LIBRARY_HEAD_BASE, ...RECONCILIATION_FLAGS, ...OUTPUT_FLAGS } as const;
const range = (doc: string) => list(numOpt(), { length: 2, doc });

/** Options of {@link perceptronHead} (tinyBIG `perceptron_head`). */
export const PERCEPTRON_HEAD_OPTIONS = defineOptions('perceptron_head', {
  ...RESIDUAL_FLAG,
  withBspline: boolOpt({ doc: 'κ = bspline_expansion(d)' }),
  withTaylor: boolOpt({ doc: 'κ = taylor_expansion(d)' }),
  withHybridExpansion: boolOpt({ doc: 'accepted, unused (as in tinyBIG)' }),
  d: int({ min: 1, doc: 'order d of κ (default 2)' }),
}, HEAD_BASE);
/** Options of {@link kanHead} (tinyBIG `kan_head`). */
export const KAN_HEAD_OPTIONS = defineOptions('kan_head', {
  gridRange: range('B-spline grid range (default [-1, 1])'),
  t: int({ min: 1, doc: 'grid intervals t (default 5)' }),
  d: int({ min: 0, doc: 'B-spline degree d (default 3)' }),
}, HEAD_BASE);
/** Options of {@link svmHead} (tinyBIG `svm_head`). */
export const SVM_HEAD_OPTIONS = defineOptions('svm_head', {
  ...RESIDUAL_FLAG,
  kernel: oneOf(['linear', 'gaussian_rbf', 'inverse_quadratic_rbf'], { doc: 'the kernel κ (default linear)' }),
  baseRange: range('RBF base range (default [-1, 1])'),
  numInterval: int({ min: 1, doc: 'RBF intervals (default 10)' }),
  epsilon: numOpt({ doc: 'RBF ε (default 1.0)' }),
}, HEAD_BASE);
/** Options of {@link naiveBayesHead} (tinyBIG `naive_bayes_head`). */
export const NAIVE_BAYES_HEAD_OPTIONS = defineOptions('naive_bayes_head', { ...RESIDUAL_FLAG, distribution: distribution() }, HEAD_BASE);
/** Options of {@link pgmHead} (tinyBIG `pgm_head`). */
export const PGM_HEAD_OPTIONS = defineOptions('pgm_head', {
  ...RESIDUAL_FLAG,
  distribution: distribution(),
  d: int({ min: 1, doc: 'order d of κ (default 2)' }),
  withReplacement: boolOpt({ doc: 'combinations with replacement' }),
}, HEAD_BASE);

/** `perceptron_head`: κ = taylor / bspline / identity, ψ = dual_lphm / lorr / identity, optional residual, [BN, ReLU, Dropout, Softmax]. */
export function perceptronHead(options: OptionsOf<typeof PERCEPTRON_HEAD_OPTIONS>, context?: BuildContext, defaults: { relu?: boolean; dropout?: boolean; softmax?: boolean; enableBias?: boolean } = {}): RpnHead {
  PERCEPTRON_HEAD_OPTIONS.parse(options, 'config');
  const o = options as O;
  const ctx = needCtx(context, 'perceptron_head');
  const c = common(o, ctx, 'perceptron_head');
  const d = num(o, 'd', 2);
  const kappa = bool(o, 'withTaylor', false) ? fc('tinybig.expansion.taylor_expansion', { d })
    : bool(o, 'withBspline', false) ? fc('tinybig.expansion.bspline_expansion', { d })
    : fc('tinybig.expansion.identity_expansion');
  return rpnHead({
    ...c,
    dataTransformation: kappa,
    parameterFabrication: reconciliationConfig(o, defaults.enableBias ?? true),
    remainder: residual(o),
    outputProcessFunctions: outputs(c.n, o, { relu: defaults.relu ?? false, dropout: defaults.dropout ?? true, p: 0.5, softmax: defaults.softmax ?? false }),
  });
}

/** `kan_head`: κ = bspline(grid_range, t, d), ψ = lorr / identity, π = linear remainder with SiLU. */
export function kanHead(options: OptionsOf<typeof KAN_HEAD_OPTIONS>, context?: BuildContext): RpnHead {
  KAN_HEAD_OPTIONS.parse(options, 'config');
  const o = options as O;
  const ctx = needCtx(context, 'kan_head');
  const c = common(o, ctx, 'kan_head');
  return rpnHead({
    ...c,
    dataTransformation: fc('tinybig.expansion.bspline_expansion', { grid_range: o.gridRange ?? [-1, 1], t: num(o, 't', 5), d: num(o, 'd', 3) }),
    parameterFabrication: reconciliationConfig(o, false),
    remainder: fc('tinybig.remainder.linear_remainder', { activation_function_configs: [fc('torch.nn.SiLU')] }),
    outputProcessFunctions: outputs(c.n, o, {}),
  });
}

/** `svm_head`: κ = identity (linear kernel) / gaussian_rbf / inverse_quadratic_rbf, ψ = lorr / identity. */
export function svmHead(options: OptionsOf<typeof SVM_HEAD_OPTIONS>, context?: BuildContext): RpnHead {
  SVM_HEAD_OPTIONS.parse(options, 'config');
  const o = options as O;
  const ctx = needCtx(context, 'svm_head');
  const c = common(o, ctx, 'svm_head');
  const kernel = (o.kernel as string | undefined) ?? 'linear';
  const rbf = { base_range: o.baseRange ?? [-1, 1], num_interval: num(o, 'numInterval', 10), epsilon: num(o, 'epsilon', 1.0) };
  let kappa: FunctionConfig;
  if (kernel === 'linear') kappa = fc('tinybig.expansion.identity_expansion');
  else if (kernel === 'gaussian_rbf') kappa = fc('tinybig.expansion.gaussian_rbf_expansion', rbf);
  else if (kernel === 'inverse_quadratic_rbf') kappa = fc('tinybig.expansion.inverse_quadratic_rbf_expansion', rbf);
  else throw new ConfigError('unknown svm kernel', { argument: 'kernel', expected: 'linear, gaussian_rbf or inverse_quadratic_rbf', received: JSON.stringify(kernel) });
  return rpnHead({ ...c, dataTransformation: kappa, parameterFabrication: reconciliationConfig(o, false), remainder: residual(o), outputProcessFunctions: outputs(c.n, o, {}) });
}


/** `naive_bayes_head`: κ = naive_<distribution>_expansion, ψ = lorr / identity. */
export function naiveBayesHead(options: OptionsOf<typeof NAIVE_BAYES_HEAD_OPTIONS>, context?: BuildContext): RpnHead {
  NAIVE_BAYES_HEAD_OPTIONS.parse(options, 'config');
  const o = options as O;
  const ctx = needCtx(context, 'naive_bayes_head');
  const c = common(o, ctx, 'naive_bayes_head');
  const dist = (o.distribution as string | undefined) ?? 'normal';
  if (!(DISTRIBUTIONS as readonly string[]).includes(dist)) throw new ConfigError('unknown naive Bayes distribution', { argument: 'distribution', expected: `one of ${DISTRIBUTIONS.join(', ')}`, received: JSON.stringify(dist) });
  return rpnHead({ ...c, dataTransformation: fc(`tinybig.expansion.naive_${dist}_expansion`), parameterFabrication: reconciliationConfig(o, false), remainder: residual(o), outputProcessFunctions: outputs(c.n, o, {}) });
}

/** `pgm_head`: κ = combinatorial_normal_expansion(d, with_replacement), ψ = lorr / identity. */
export function pgmHead(options: OptionsOf<typeof PGM_HEAD_OPTIONS>, context?: BuildContext): RpnHead {
  PGM_HEAD_OPTIONS.parse(options, 'config');
  const o = options as O;
  const ctx = needCtx(context, 'pgm_head');
  const c = common(o, ctx, 'pgm_head');
  const dist = (o.distribution as string | undefined) ?? 'normal';
  if (dist !== 'normal') throw new ConfigError('pgm_head supports only the normal distribution', { argument: 'distribution', expected: "'normal'", received: JSON.stringify(dist) });
  return rpnHead({
    ...c,
    dataTransformation: fc('tinybig.expansion.combinatorial_normal_expansion', { d: num(o, 'd', 2), with_replacement: bool(o, 'withReplacement', false) }),
    parameterFabrication: reconciliationConfig(o, false),
    remainder: residual(o),
    outputProcessFunctions: outputs(c.n, o, {}),
  });
}

type HeadMaker = (o: O, ctx?: BuildContext) => RpnHead;

/** The options of a library layer: its head's plus `width` and the head fusion. */
function layerOptions<F extends OptionFields>(layerName: string, head: OptionSchema<F>) {
  return defineOptions(layerName, {
    width: int({ min: 1, doc: 'number of independent heads (default 1)' }),
    headFusion: any<FunctionConfig | null>({ doc: 'fusion of the heads (mean when width > 1)' }),
    headFusionConfigs: any<FunctionConfig | null>({ doc: 'head fusion as a config' }),
  }, head);
}

/** A library layer: `width` independent library heads, mean fusion by default. */
function libraryLayer<F extends OptionFields>(make: HeadMaker, layerName: string, schema: OptionSchema<F>) {
  return (options: OptionsOf<OptionSchema<F>>, context?: BuildContext): RpnLayer => {
    schema.parse(options, 'config');
    const o = options as O;
    const ctx = needCtx(context, layerName);
    const m = requireDim(o.m, 'm');
    const n = requireDim(o.n, 'n');
    const width = (o.width as number | undefined) ?? 1;
    const heads: RpnHead[] = [];
    const { width: _w, headFusion, headFusionConfigs, name, seed, ...rest } = o;
    try {
      for (let j = 0; j < width; j++) heads.push(make({ ...rest, seed: subSeed(seed as number | undefined, `heads.${j}`) }, ctx));
      return rpnLayer({ m, n, name: (name as string | undefined) ?? layerName, heads, headFusion: (headFusion ?? headFusionConfigs) as FunctionConfig | undefined, parametersInitMethod: (o.parametersInitMethod as 'xavier_normal' | undefined) ?? 'xavier_normal', context: ctx, training: o.training as boolean | undefined });
    } catch (e) {
      heads.forEach((h) => h.dispose());
      throw e;
    }
  };
}

/** Options of the library layers (tinyBIG `perceptron_layer`, `kan_layer`, …): the head's, `width`, `head_fusion`. */
export const PERCEPTRON_LAYER_OPTIONS = layerOptions('perceptron_layer', PERCEPTRON_HEAD_OPTIONS);
export const KAN_LAYER_OPTIONS = layerOptions('kan_layer', KAN_HEAD_OPTIONS);
export const SVM_LAYER_OPTIONS = layerOptions('svm_layer', SVM_HEAD_OPTIONS);
export const NAIVE_BAYES_LAYER_OPTIONS = layerOptions('naive_bayes_layer', NAIVE_BAYES_HEAD_OPTIONS);
export const PGM_LAYER_OPTIONS = layerOptions('pgm_layer', PGM_HEAD_OPTIONS);

export const perceptronLayer = libraryLayer((o, ctx) => perceptronHead(o as never, ctx, { relu: true, dropout: true, softmax: true, enableBias: true }), 'perceptron_layer', PERCEPTRON_LAYER_OPTIONS);
export const kanLayer = libraryLayer(kanHead as HeadMaker, 'kan_layer', KAN_LAYER_OPTIONS);
export const svmLayer = libraryLayer(svmHead as HeadMaker, 'svm_layer', SVM_LAYER_OPTIONS);
export const naiveBayesLayer = libraryLayer(naiveBayesHead as HeadMaker, 'naive_bayes_layer', NAIVE_BAYES_LAYER_OPTIONS);
export const pgmLayer = libraryLayer(pgmHead as HeadMaker, 'pgm_layer', PGM_LAYER_OPTIONS);

type LayerMaker = (o: O, ctx?: BuildContext) => RpnLayer;

/** The options of a library model: its layer's without `m`, `n`, plus the dimension list `dims`. */
function modelOptions<F extends OptionFields>(modelName: string, layer: OptionSchema<F>) {
  const { m: _m, n: _n, ...fields } = layer.fields as OptionFields;
  return defineOptions(modelName, { ...(fields as Omit<F, 'm' | 'n'>), dims: any<readonly number[]>({ doc: 'dimension list [d0, d1, …, dK]' }) });
}

/** A library model: one library layer per consecutive pair of `dims`. */
function libraryModel<F extends OptionFields>(make: LayerMaker, modelName: string, schema: OptionSchema<F>, layerDefaults: O = {}) {
  return (options: OptionsOf<OptionSchema<F>>, context?: BuildContext): RpnModel => {
    schema.parse(options, 'config');
    const o = options as O;
    const ctx = needCtx(context, modelName);
    const dims = checkDims(o.dims);
    const { dims: _d, name, seed, ...rest } = o;
    const layers: RpnLayer[] = [];
    try {
      for (let i = 0; i + 1 < dims.length; i++) layers.push(make({ ...layerDefaults, ...rest, m: dims[i], n: dims[i + 1], seed: subSeed(seed as number | undefined, `layers.${i}`) }, ctx));
      return rpnModel({ name: (name as string | undefined) ?? modelName, layers, training: o.training as boolean | undefined });
    } catch (e) {
      layers.forEach((l) => l.dispose());
      throw e;
    }
  };
}

/** Options of the library models (tinyBIG `mlp`, `kan`, `svm`, `naive_bayes`, `pgm`): the layer's without m, n, plus `dims`. */
export const MLP_OPTIONS = modelOptions('mlp', PERCEPTRON_LAYER_OPTIONS);
export const KAN_OPTIONS = modelOptions('kan', KAN_LAYER_OPTIONS);
export const SVM_OPTIONS = modelOptions('svm', SVM_LAYER_OPTIONS);
export const NAIVE_BAYES_OPTIONS = modelOptions('naive_bayes', NAIVE_BAYES_LAYER_OPTIONS);
export const PGM_OPTIONS = modelOptions('pgm', PGM_LAYER_OPTIONS);

/** `mlp(dims)`: perceptron layers (tinyBIG defaults: enable_bias False, ReLU + Dropout + Softmax on every layer). */
export const mlpModel = libraryModel(perceptronLayer as LayerMaker, 'rpn_mlp', MLP_OPTIONS, { enableBias: false });
/** `kan(dims)`: KAN layers. */
export const kanModel = libraryModel(kanLayer as LayerMaker, 'rpn_kan', KAN_OPTIONS);
export const svmModel = libraryModel(svmLayer as LayerMaker, 'rpn_svm', SVM_OPTIONS);
export const naiveBayesModel = libraryModel(naiveBayesLayer as LayerMaker, 'rpn_naive_bayes', NAIVE_BAYES_OPTIONS);
export const pgmModel = libraryModel(pgmLayer as LayerMaker, 'rpn_bayesian_network', PGM_OPTIONS);
