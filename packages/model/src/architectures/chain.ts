import {
  assertInt, defineEntry, parametersFromOptions, processingFunction,
  type BuildContext, type FunctionConfig, type ProcessingFunction, type RegistryEntry,
} from '@rpn/core';
import { rpnHead, type RpnHead } from '../head.js';
import { rpnLayer, type RpnLayer } from '../layer.js';
import { rpnModel, checkDims, type RpnModel } from '../model.js';
import { subSeed } from '../init.js';
import { rejectUnknown, requireDim } from '../resolve.js';
import type { RpnModule } from '../module.js';
import { bool, common, fc, needCtx, num, reconciliationConfig, residual, type O } from '../library-common.js';
import { perceptronLayer } from '../library.js';
import { chainKernel } from '../kernels/chain.js';
import { perStepProcessing, stepWrapper } from './chain-modules.js';

/**
 * tinyBIG's RPN 2 recurrent architectures (chain_based_heads, chain_based_layers, rpn_rnn,
 * rpn_regression_rnn): the chain head over rows of L steps of m features (`x[b, t·m + j]`), its
 * layer, and the rnn / regression_rnn models.
 */

/** Options that only steer this port (never tinyBIG constructor parameters). */
const PORT_KEYS = ['seed', 'fastPaths', 'training', 'device'];

/** chain_interdependence_head's constructor parameters (camelCase), plus rnn's pass-through kwargs. */
const HEAD_KEYS = [
  'm', 'n', 'chainLength', 'channelNum', 'name',
  'biDirectional', 'withMultihop', 'h', 'accumulative', 'withInverseApprox', 'withExponentialApprox', 'selfDependence', 'selfScaling',
  'withTaylor', 'd', 'withDualLphm', 'withLorr', 'r', 'enableBias', 'withResidual',
  'withBatchNorm', 'withRelu', 'withSoftmax', 'withDropout', 'p', 'parametersInitMethod',
  // passed by tinyBIG's rnn through the layer's **kwargs; the head accepts and ignores them
  'withDualLphmInterdependence', 'withLorrInterdependence', 'rInterdependence',
  ...PORT_KEYS,
];
const LAYER_KEYS = [...HEAD_KEYS, 'width'];
const MODEL_KEYS = [
  'chainLength', 'dims', 'name', 'channelNum', 'width',
  'biDirectional', 'withMultihop', 'h', 'accumulative', 'withInverseApprox', 'withExponentialApprox', 'selfDependence', 'selfScaling',
  'withBspline', 'withTaylor', 'd', 'withHybridExpansion', 'withDualLphm', 'withLorr', 'r', 'withResidual',
  'withDualLphmInterdependence', 'withLorrInterdependence', 'rInterdependence', 'enableBias',
  'withBatchNorm', 'withRelu', 'withSoftmax', 'withDropout', 'p', 'parametersInitMethod',
  ...PORT_KEYS,
];

/** tinyBIG parameters to record in `toConfig` (port-only options dropped). */
function recorded(o: O): Record<string, unknown> {
  const kept: O = {};
  for (const [k, v] of Object.entries(o)) if (!PORT_KEYS.includes(k) && k !== 'context') kept[k] = v;
  return parametersFromOptions(kept);
}

/**
 * The chain interdependence config, chosen as tinyBIG does when several flags are set:
 * `with_exponential_approx` first, then `with_inverse_approx`, then `with_multihop`, else the plain chain.
 */
export function chainInterdependenceConfig(o: O, L: number, m: number): FunctionConfig {
  const base = {
    b: L, m, interdependence_type: 'instance', chain_length: L, bi_directional: bool(o, 'biDirectional', false), normalization: false,
    self_dependence: bool(o, 'selfDependence', true), self_scaling: num(o, 'selfScaling', 1.0),
  };
  if (bool(o, 'withExponentialApprox', false)) return fc('tinybig.interdependence.exponential_approx_multihop_chain_interdependence', base);
  if (bool(o, 'withInverseApprox', false)) return fc('tinybig.interdependence.inverse_approx_multihop_chain_interdependence', base);
  if (bool(o, 'withMultihop', false)) return fc('tinybig.interdependence.multihop_chain_interdependence', { ...base, h: o.h ?? 1, accumulative: bool(o, 'accumulative', false) });
  return fc('tinybig.interdependence.chain_interdependence', base);
}

/** tinyBIG's output list of the chain head: [BatchNorm1d(n) per step?, ReLU?, Dropout(p)?, Softmax(dim=−1) over the whole row?]. */
function chainOutputs(o: O, n: number, L: number): (FunctionConfig | ProcessingFunction)[] {
  const out: (FunctionConfig | ProcessingFunction)[] = [];
  if (bool(o, 'withBatchNorm', false)) out.push(perStepProcessing(processingFunction(fc('torch.nn.BatchNorm1d', { num_features: n })), L));
  if (bool(o, 'withRelu', true)) out.push(fc('torch.nn.ReLU'));
  if (bool(o, 'withDropout', false)) out.push(fc('torch.nn.Dropout', { p: num(o, 'p', 0.25) }));
  if (bool(o, 'withSoftmax', true)) out.push(fc('torch.nn.Softmax', { dim: -1 }));
  return out;
}

/**
 * `chain_interdependence_head` (tinyBIG `tinybig.head.chain_based_heads`), the RNN step: rows of
 * chainLayout(L, m) → chainLayout(L, n),
 * `y[b, t', :] = Σ_t A[t, t'] X[b, t, :] · ψ(w)ᵀ + bias (+ X[b, t', :] · w_remainderᵀ)`, then the
 * output list over the whole `L·n` row. A = chain / multihop (h, accumulative) / inverse_approx /
 * exponential_approx chain interdependence (bi_directional, self_dependence, self_scaling); ψ =
 * identity / lorr(r) / dual_lphm(r), with `enable_bias`; κ = identity (`with_taylor` is accepted
 * and ignored, as in tinyBIG). `channel_num > 1` runs every channel and fuses them by mean
 * (tinyBIG's own fusion check fails there; see docs/tinybig-differences.md). The head's `m`/`n`
 * are the flat widths L·m and L·n; the options' `m`/`n` are per step, as in tinyBIG.
 */
export function chainInterdependenceHead(o: O, context?: BuildContext): RpnHead {
  rejectUnknown(o, HEAD_KEYS, 'chain_interdependence_head');
  const ctx = needCtx(context, 'chain_interdependence_head');
  const L = requireDim(o.chainLength, 'chain_length');
  const m = requireDim(o.m, 'm');
  const n = requireDim(o.n, 'n');
  if (o.withMultihop && o.h != null) assertInt(o.h, 'h');
  return rpnHead({
    ...common(o, ctx, 'chain_interdependence_head'),
    m: L * m,
    n,
    kernel: chainKernel(L),
    dataTransformation: fc('tinybig.expansion.identity_expansion'),
    instanceInterdependence: chainInterdependenceConfig(o, L, m),
    parameterFabrication: reconciliationConfig(o, false),
    remainder: residual(o),
    outputProcessFunctions: chainOutputs(o, n, L),
    describe: { headClass: 'tinybig.head.chain_based_heads.chain_interdependence_head', headParameters: recorded(o) },
  });
}

/**
 * `chain_interdependence_layer` (tinyBIG `tinybig.layer.chain_based_layers`): `width` INDEPENDENT
 * chain heads (tinyBIG repeats one head object) fused by mean when width > 1; rows chainLayout(L, m)
 * → chainLayout(L, n).
 */
export function chainInterdependenceLayer(o: O, context?: BuildContext): RpnLayer {
  rejectUnknown(o, LAYER_KEYS, 'chain_interdependence_layer');
  const ctx = needCtx(context, 'chain_interdependence_layer');
  const L = requireDim(o.chainLength, 'chain_length');
  const m = requireDim(o.m, 'm');
  const width = o.width == null ? 1 : assertInt(o.width, 'width');
  const { width: _w, name, seed, ...rest } = o;
  const heads: RpnHead[] = [];
  try {
    for (let j = 0; j < width; j++) heads.push(chainInterdependenceHead({ ...rest, seed: subSeed(seed as number | undefined, `heads.${j}`) }, ctx));
    return rpnLayer({
      m: L * m, n: heads[0].n, name: (name as string | undefined) ?? 'chain_interdependence_layer', heads,
      parametersInitMethod: (o.parametersInitMethod as 'xavier_normal' | undefined) ?? 'xavier_normal', context: ctx, training: o.training as boolean | undefined,
      describe: { layerClass: 'tinybig.layer.chain_based_layers.chain_interdependence_layer', layerParameters: recorded(o) },
    });
  } catch (e) {
    heads.forEach((h) => h.dispose());
    throw e;
  }
}

/**
 * tinyBIG's rnn / regression_rnn: for each consecutive pair (m, n) of `dims[:-1]`, a
 * perceptron_layer (ReLU only) applied PER STEP on `x.view(b·L, m)`, then a
 * chain_interdependence_layer n → n (with_softmax off); then the perceptron `output_layer`
 * (Softmax if with_softmax, nothing else) on the mean over the L steps (rnn) or on the whole
 * `(b, L·n)` row (regression_rnn, m = dims[-2]·L). Layer indices are tinyBIG's (`layers.0` …).
 */
function chainModel(o: O, context: BuildContext | undefined, kind: 'rnn' | 'regression_rnn'): RpnModel {
  rejectUnknown(o, MODEL_KEYS, kind);
  const ctx = needCtx(context, kind);
  const L = requireDim(o.chainLength, 'chain_length');
  const dims = checkDims(o.dims);
  const seed = o.seed as number | undefined;
  const p = num(o, 'p', 0.25);
  const shared: O = {
    channelNum: o.channelNum, width: o.width, withDualLphm: o.withDualLphm, withLorr: o.withLorr, r: o.r,
    enableBias: bool(o, 'enableBias', false), withResidual: bool(o, 'withResidual', false),
    parametersInitMethod: o.parametersInitMethod ?? 'xavier_normal', fastPaths: o.fastPaths, training: o.training,
  };
  const perceptron: O = { ...shared, withBspline: o.withBspline, withTaylor: o.withTaylor, d: o.d, withBatchNorm: false, withDropout: false, p };
  const layers: RpnModule[] = [];
  const index = () => `layers.${layers.length}`;
  try {
    for (let i = 0; i + 2 < dims.length; i++) {
      const [m, n] = [dims[i], dims[i + 1]];
      const step = perceptronLayer({ ...perceptron, m, n, withRelu: true, withSoftmax: false, seed: subSeed(seed, index()) }, ctx);
      layers.push(stepWrapper(step, L, 'per_step'));
      layers.push(chainInterdependenceLayer({
        ...shared, m: n, n, chainLength: L,
        biDirectional: o.biDirectional, withMultihop: o.withMultihop, h: o.h, accumulative: o.accumulative,
        withInverseApprox: o.withInverseApprox, withExponentialApprox: o.withExponentialApprox,
        selfDependence: o.selfDependence, selfScaling: o.selfScaling,
        withBatchNorm: o.withBatchNorm, withRelu: bool(o, 'withRelu', true), withSoftmax: false, withDropout: o.withDropout, p,
        seed: subSeed(seed, index()),
      }, ctx));
    }
    const last = dims[dims.length - 2];
    const output = perceptronLayer({
      ...perceptron, name: 'output_layer', m: kind === 'rnn' ? last : last * L, n: dims[dims.length - 1],
      withRelu: false, withSoftmax: bool(o, 'withSoftmax', true), seed: subSeed(seed, index()),
    }, ctx);
    layers.push(kind === 'rnn' ? stepWrapper(output, L, 'step_mean') : output);
    const modelClass = kind === 'rnn' ? 'tinybig.model.rpn_rnn.rnn' : 'tinybig.model.rpn_regression_rnn.regression_rnn';
    return rpnModel({ name: (o.name as string | undefined) ?? 'rpn_rnn', layers, training: o.training as boolean | undefined, describe: { modelClass, modelParameters: recorded(o) } });
  } catch (e) {
    layers.forEach((l) => l.dispose());
    throw e;
  }
}

/** `rnn` (tinyBIG `tinybig.model.rpn_rnn`): input rows chainLayout(chain_length, dims[0]); the output layer reads the step mean. */
export const rnnModel = (o: O, context?: BuildContext): RpnModel => chainModel(o, context, 'rnn');
/** `regression_rnn` (tinyBIG `tinybig.model.rpn_regression_rnn`): as rnn, the output layer reads the whole `L·dims[-2]` row. */
export const regressionRnnModel = (o: O, context?: BuildContext): RpnModel => chainModel(o, context, 'regression_rnn');

const entry = (kind: 'head' | 'layer' | 'model', cls: string, make: (o: O, ctx: BuildContext) => unknown, dotted: string) =>
  defineEntry(kind, cls, make, { module: `tinybig.${kind}`, aliases: [dotted] });

/** Registry entries of the RPN 2 architectures for recurrence: chain_interdependence_head, its layer, rnn, regression_rnn. */
export const chainEntries: readonly RegistryEntry[] = Object.freeze([
  entry('head', 'chain_interdependence_head', chainInterdependenceHead, 'tinybig.head.chain_based_heads.chain_interdependence_head'),
  entry('layer', 'chain_interdependence_layer', chainInterdependenceLayer, 'tinybig.layer.chain_based_layers.chain_interdependence_layer'),
  entry('model', 'rnn', rnnModel, 'tinybig.model.rpn_rnn.rnn'),
  entry('model', 'regression_rnn', regressionRnnModel, 'tinybig.model.rpn_regression_rnn.regression_rnn'),
]);
