import { ConfigError, type BuildContext, type FunctionConfig } from '@rpn/core';
import { rpnHead, type RpnHead } from './head.js';
import { rpnLayer, type RpnLayer } from './layer.js';
import { rpnModel, checkDims, type RpnModel } from './model.js';
import { subSeed } from './init.js';
import { requireDim } from './resolve.js';
import { bool, common, fc, needCtx, num, outputs, reconciliationConfig, residual, type O } from './library-common.js';

/**
 * tinyBIG's library heads, layers and models (perceptron, KAN, SVM, naive Bayes, PGM): fixed
 * compositions of registry functions. They need a registry context because their functions
 * live in the expansion/reconciliation/remainder packages. Library layers build `width`
 * INDEPENDENT heads (tinyBIG repeats one shared head object; see docs/tinybig-differences.md).
 */

/** `perceptron_head`: κ = taylor / bspline / identity, ψ = dual_lphm / lorr / identity, optional residual, [BN, ReLU, Dropout, Softmax]. */
export function perceptronHead(o: O, context?: BuildContext, defaults: { relu?: boolean; dropout?: boolean; softmax?: boolean; enableBias?: boolean } = {}): RpnHead {
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
export function kanHead(o: O, context?: BuildContext): RpnHead {
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
export function svmHead(o: O, context?: BuildContext): RpnHead {
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

const DISTRIBUTIONS = ['normal', 'exponential', 'cauchy', 'gamma', 'chi2', 'laplace'];

/** `naive_bayes_head`: κ = naive_<distribution>_expansion, ψ = lorr / identity. */
export function naiveBayesHead(o: O, context?: BuildContext): RpnHead {
  const ctx = needCtx(context, 'naive_bayes_head');
  const c = common(o, ctx, 'naive_bayes_head');
  const dist = (o.distribution as string | undefined) ?? 'normal';
  if (!DISTRIBUTIONS.includes(dist)) throw new ConfigError('unknown naive Bayes distribution', { argument: 'distribution', expected: `one of ${DISTRIBUTIONS.join(', ')}`, received: JSON.stringify(dist) });
  return rpnHead({ ...c, dataTransformation: fc(`tinybig.expansion.naive_${dist}_expansion`), parameterFabrication: reconciliationConfig(o, false), remainder: residual(o), outputProcessFunctions: outputs(c.n, o, {}) });
}

/** `pgm_head`: κ = combinatorial_normal_expansion(d, with_replacement), ψ = lorr / identity. */
export function pgmHead(o: O, context?: BuildContext): RpnHead {
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

/** A library layer: `width` independent library heads, mean fusion by default. */
function libraryLayer(make: HeadMaker, layerName: string, headDefaults: O = {}) {
  return (o: O, context?: BuildContext): RpnLayer => {
    const ctx = needCtx(context, layerName);
    const m = requireDim(o.m, 'm');
    const n = requireDim(o.n, 'n');
    const width = (o.width as number | undefined) ?? 1;
    const heads: RpnHead[] = [];
    const { width: _w, headFusion, headFusionConfigs, name, seed, ...rest } = o;
    try {
      for (let j = 0; j < width; j++) heads.push(make({ ...headDefaults, ...rest, seed: subSeed(seed as number | undefined, `heads.${j}`) }, ctx));
      return rpnLayer({ m, n, name: (name as string | undefined) ?? layerName, heads, headFusion: (headFusion ?? headFusionConfigs) as FunctionConfig | undefined, parametersInitMethod: (o.parametersInitMethod as 'xavier_normal' | undefined) ?? 'xavier_normal', context: ctx, training: o.training as boolean | undefined });
    } catch (e) {
      heads.forEach((h) => h.dispose());
      throw e;
    }
  };
}

export const perceptronLayer = libraryLayer((o, ctx) => perceptronHead(o, ctx, { relu: true, dropout: true, softmax: true, enableBias: true }), 'perceptron_layer');
export const kanLayer = libraryLayer(kanHead, 'kan_layer');
export const svmLayer = libraryLayer(svmHead, 'svm_layer');
export const naiveBayesLayer = libraryLayer(naiveBayesHead, 'naive_bayes_layer');
export const pgmLayer = libraryLayer(pgmHead, 'pgm_layer');

type LayerMaker = (o: O, ctx?: BuildContext) => RpnLayer;

/** A library model: one library layer per consecutive pair of `dims`. */
function libraryModel(make: LayerMaker, modelName: string, layerDefaults: O = {}) {
  return (o: O, context?: BuildContext): RpnModel => {
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

/** `mlp(dims)`: perceptron layers (tinyBIG defaults: enable_bias False, ReLU + Dropout + Softmax on every layer). */
export const mlpModel = libraryModel(perceptronLayer, 'rpn_mlp', { enableBias: false });
/** `kan(dims)`: KAN layers. */
export const kanModel = libraryModel(kanLayer, 'rpn_kan');
export const svmModel = libraryModel(svmLayer, 'rpn_svm');
export const naiveBayesModel = libraryModel(naiveBayesLayer, 'rpn_naive_bayes');
export const pgmModel = libraryModel(pgmLayer, 'rpn_bayesian_network');
