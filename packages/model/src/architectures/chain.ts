import {
  bool as boolOpt, defineEntry, defineOptions, int, list, num as numOpt, parametersFromOptions, processingFunction, str,
  type BuildContext, type FunctionConfig, type OptionSchema, type ProcessingFunction, type RegistryEntry,
} from '@rpn/core';
import { rpnHead, type RpnHead } from '../head.js';
import { rpnLayer, type RpnLayer } from '../layer.js';
import { rpnModel, checkDims, type RpnModel } from '../model.js';
import { subSeed } from '../init.js';
import type { RpnModule } from '../module.js';
import { PORT_FIELDS, bool, common, fc, headFlags, needCtx, num, reconciliationConfig, residual, type O } from '../library-common.js';
import { perceptronLayer } from '../library.js';
import { chainKernel } from '../kernels/chain.js';
import { perStepProcessing, stepWrapper } from './chain-modules.js';

/**
 * tinyBIG's RPN 2 recurrent architectures (chain_based_heads, chain_based_layers, rpn_rnn,
 * rpn_regression_rnn): the chain head over rows of L steps of m features (`x[b, t·m + j]`), its
 * layer, and the rnn / regression_rnn models.
 */

/** Options that only steer this port (never tinyBIG constructor parameters). */
const PORT_KEYS = Object.keys(PORT_FIELDS);

/** The chain interdependence A of the chain head (tinyBIG's defaults). */
const CHAIN_FIELDS = Object.freeze({
  biDirectional: boolOpt({ default: false, doc: 'A over both directions' }),
  withMultihop: boolOpt({ default: false, doc: 'A = multihop_chain_interdependence(h, accumulative)' }),
  h: int({ default: 1, min: 1, doc: 'hops of the multihop chain' }),
  accumulative: boolOpt({ default: false, doc: 'multihop A sums hops 1…h' }),
  withInverseApprox: boolOpt({ default: false, doc: 'A = inverse_approx_multihop_chain_interdependence' }),
  withExponentialApprox: boolOpt({ default: false, doc: 'A = exponential_approx_multihop_chain_interdependence' }),
  selfDependence: boolOpt({ default: true, doc: 'A includes the identity (self loops)' }),
  selfScaling: numOpt({ default: 1.0, doc: 'scale of the self loops' }),
});

/** The head's flags with chain_interdependence_head's defaults; the `*_interdependence` ones rnn passes through its layers' **kwargs (accepted, ignored). */
const CHAIN_FLAGS = headFlags(
  ['withTaylor', 'd', 'withDualLphm', 'withLorr', 'r', 'enableBias', 'withResidual', 'withBatchNorm', 'withRelu', 'withSoftmax', 'withDropout', 'p', 'withDualLphmInterdependence', 'withLorrInterdependence', 'rInterdependence'],
  { withDualLphm: false, withLorr: false, r: 3, enableBias: false, withResidual: false, withBatchNorm: false, withRelu: true, withSoftmax: true, withDropout: false, p: 0.25 },
);

const initMethod = () => str({ default: 'xavier_normal', doc: 'parameter initialisation' });

/** Options of {@link chainInterdependenceHead} (tinyBIG `chain_interdependence_head`; `with_taylor`, `d` accepted and ignored, as in tinyBIG). */
export const CHAIN_INTERDEPENDENCE_HEAD_OPTIONS = defineOptions('chain_interdependence_head', {
  m: int({ required: true, min: 1, doc: 'features per step m' }),
  n: int({ required: true, min: 1, doc: 'outputs per step n' }),
  chainLength: int({ required: true, min: 1, doc: 'chain length L (steps)' }),
  channelNum: int({ default: 1, min: 1, doc: 'channels C' }),
  name: str({ default: 'chain_interdependence_head', doc: 'instance name' }),
  ...CHAIN_FIELDS,
  ...CHAIN_FLAGS,
  parametersInitMethod: initMethod(),
  ...PORT_FIELDS,
});

/** Options of {@link chainInterdependenceLayer}: the head's, plus `width`. */
export const CHAIN_INTERDEPENDENCE_LAYER_OPTIONS = defineOptions('chain_interdependence_layer', {
  width: int({ default: 1, min: 1, doc: 'number of independent heads' }),
  name: str({ default: 'chain_interdependence_layer', doc: 'instance name' }),
}, CHAIN_INTERDEPENDENCE_HEAD_OPTIONS);

/** Options of {@link rnnModel} and {@link regressionRnnModel} (tinyBIG `rnn`, `regression_rnn`). */
export const RNN_OPTIONS = defineOptions('rnn', {
  chainLength: int({ required: true, min: 1, doc: 'chain length L (steps)' }),
  dims: list(int({ min: 1 }), { required: true, minLength: 2, doc: 'dimension list [d0, d1, …, dK]' }),
  name: str({ default: 'rpn_rnn', doc: 'instance name' }),
  channelNum: int({ default: 1, min: 1, doc: 'channels C' }),
  width: int({ default: 1, min: 1, doc: 'heads per layer' }),
  ...CHAIN_FIELDS,
  withBspline: boolOpt({ default: false, doc: 'κ = bspline_expansion(d) in the perceptron layers' }),
  withHybridExpansion: boolOpt({ default: false, doc: 'accepted, unused (as in tinyBIG)' }),
  ...headFlags(
    ['withTaylor', 'd', 'withDualLphm', 'withLorr', 'r', 'withResidual', 'withDualLphmInterdependence', 'withLorrInterdependence', 'rInterdependence', 'enableBias', 'withBatchNorm', 'withRelu', 'withSoftmax', 'withDropout', 'p'],
    { withTaylor: false, d: 2, withDualLphm: false, withLorr: false, r: 3, withResidual: false, enableBias: false, withBatchNorm: false, withRelu: true, withSoftmax: true, withDropout: false, p: 0.25 },
  ),
  parametersInitMethod: initMethod(),
  ...PORT_FIELDS,
});

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
  const v = CHAIN_INTERDEPENDENCE_HEAD_OPTIONS.parse(o) as O;
  const ctx = needCtx(context, 'chain_interdependence_head');
  const L = v.chainLength as number;
  const m = v.m as number;
  const n = v.n as number;
  return rpnHead({
    ...common(v, ctx, 'chain_interdependence_head'),
    m: L * m,
    n,
    kernel: chainKernel(L),
    dataTransformation: fc('tinybig.expansion.identity_expansion'),
    instanceInterdependence: chainInterdependenceConfig(v, L, m),
    parameterFabrication: reconciliationConfig(v, false),
    remainder: residual(v),
    outputProcessFunctions: chainOutputs(v, n, L),
    describe: { headClass: 'tinybig.head.chain_based_heads.chain_interdependence_head', headParameters: recorded(o) },
  });
}

/**
 * `chain_interdependence_layer` (tinyBIG `tinybig.layer.chain_based_layers`): `width` INDEPENDENT
 * chain heads (tinyBIG repeats one head object) fused by mean when width > 1; rows chainLayout(L, m)
 * → chainLayout(L, n).
 */
export function chainInterdependenceLayer(o: O, context?: BuildContext): RpnLayer {
  const v = CHAIN_INTERDEPENDENCE_LAYER_OPTIONS.parse(o) as O;
  const ctx = needCtx(context, 'chain_interdependence_layer');
  const L = v.chainLength as number;
  const m = v.m as number;
  const width = v.width as number;
  const { width: _w, name, seed, ...rest } = o;
  const heads: RpnHead[] = [];
  try {
    for (let j = 0; j < width; j++) heads.push(chainInterdependenceHead({ ...rest, seed: subSeed(seed as number | undefined, `heads.${j}`) }, ctx));
    return rpnLayer({
      m: L * m, n: heads[0].n, name: v.name as string, heads,
      parametersInitMethod: v.parametersInitMethod as 'xavier_normal', context: ctx, training: o.training as boolean | undefined,
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
  const v = RNN_OPTIONS.named(kind).parse(o) as O;
  const ctx = needCtx(context, kind);
  const L = v.chainLength as number;
  const dims = checkDims(v.dims);
  const seed = o.seed as number | undefined;
  const p = v.p as number;
  const shared: O = {
    channelNum: o.channelNum, width: o.width, withDualLphm: o.withDualLphm, withLorr: o.withLorr, r: o.r,
    enableBias: v.enableBias, withResidual: v.withResidual,
    parametersInitMethod: v.parametersInitMethod, fastPaths: o.fastPaths, training: o.training,
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
        withBatchNorm: o.withBatchNorm, withRelu: v.withRelu, withSoftmax: false, withDropout: o.withDropout, p,
        seed: subSeed(seed, index()),
      }, ctx));
    }
    const last = dims[dims.length - 2];
    const output = perceptronLayer({
      ...perceptron, name: 'output_layer', m: kind === 'rnn' ? last : last * L, n: dims[dims.length - 1],
      withRelu: false, withSoftmax: v.withSoftmax as boolean, seed: subSeed(seed, index()),
    }, ctx);
    layers.push(kind === 'rnn' ? stepWrapper(output, L, 'step_mean') : output);
    const modelClass = kind === 'rnn' ? 'tinybig.model.rpn_rnn.rnn' : 'tinybig.model.rpn_regression_rnn.regression_rnn';
    return rpnModel({ name: v.name as string, layers, training: o.training as boolean | undefined, describe: { modelClass, modelParameters: recorded(o) } });
  } catch (e) {
    layers.forEach((l) => l.dispose());
    throw e;
  }
}

/** `rnn` (tinyBIG `tinybig.model.rpn_rnn`): input rows chainLayout(chain_length, dims[0]); the output layer reads the step mean. */
export const rnnModel = (o: O, context?: BuildContext): RpnModel => chainModel(o, context, 'rnn');
/** `regression_rnn` (tinyBIG `tinybig.model.rpn_regression_rnn`): as rnn, the output layer reads the whole `L·dims[-2]` row. */
export const regressionRnnModel = (o: O, context?: BuildContext): RpnModel => chainModel(o, context, 'regression_rnn');

const entry = (kind: 'head' | 'layer' | 'model', cls: string, make: (o: O, ctx: BuildContext) => unknown, dotted: string, options: OptionSchema) =>
  defineEntry(kind, cls, make, { module: `tinybig.${kind}`, aliases: [dotted], options });

/** Registry entries of the RPN 2 architectures for recurrence: chain_interdependence_head, its layer, rnn, regression_rnn. */
export const chainEntries: readonly RegistryEntry[] = Object.freeze([
  entry('head', 'chain_interdependence_head', chainInterdependenceHead, 'tinybig.head.chain_based_heads.chain_interdependence_head', CHAIN_INTERDEPENDENCE_HEAD_OPTIONS),
  entry('layer', 'chain_interdependence_layer', chainInterdependenceLayer, 'tinybig.layer.chain_based_layers.chain_interdependence_layer', CHAIN_INTERDEPENDENCE_LAYER_OPTIONS),
  entry('model', 'rnn', rnnModel, 'tinybig.model.rpn_rnn.rnn', RNN_OPTIONS),
  entry('model', 'regression_rnn', regressionRnnModel, 'tinybig.model.rpn_regression_rnn.regression_rnn', RNN_OPTIONS.named('regression_rnn')),
]);
