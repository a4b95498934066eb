import { ConfigError, bool as boolOpt, defineOptions, int, list, num as numOpt, oneOf, str, type BuildContext } from '@rpn/core';
import { requireDim } from '../resolve.js';
import { rpnModel, type RpnModel } from '../model.js';
import type { RpnModule } from '../module.js';
import { subSeed } from '../init.js';
import { perceptronLayer } from '../library.js';
import { headFlags, needCtx, type O } from '../library-common.js';
import { gridCompressionLayer, gridInterdependenceLayer, type GridLayer } from './grid-heads.js';
import { GEOMETRY_FIELDS, GRID_PORT_FIELDS, extend, resolveParams, tinybigParameters } from './grid-params.js';

const dimList = (minLength: number, doc: string) => list(int({ min: 1 }), { required: true, minLength, doc });
const poolingExtent = (doc: string) => int({ min: 0, nullable: true, doc: `pooling ${doc} (None: the conv value)` });
const perceptronFlag = (doc: string) => boolOpt({ nullable: true, doc: `${doc} of the fc perceptron layers (None: the conv value)` });

/** Options of {@link cnnModel} (tinyBIG 0.2.1 `tinybig.model.rpn_cnn.cnn` and its defaults); `pooling_*` and `*_perceptron_*` default to the conv values. */
export const CNN_OPTIONS = defineOptions('cnn', {
  h: int({ required: true, min: 1, doc: 'grid height h' }),
  w: int({ required: true, min: 1, doc: 'grid width w' }),
  channelNums: dimList(2, 'channels per conv layer [c0, c1, …]'),
  fcDims: dimList(0, 'widths of the fc perceptron layers'),
  fcChannelNum: int({ default: 1, min: 1, doc: 'channels of the fc layers' }),
  width: int({ default: 1, min: 1, doc: 'heads per layer' }),
  poolingMetric: str({ default: 'batch_max', doc: 'pooling metric' }),
  poolingLayerGaps: int({ default: 2, min: 0, doc: 'conv layers between pooling layers' }),
  patchSizeHalfAfterPooling: boolOpt({ default: false, doc: 'halve the patch extents after each pooling layer' }),
  name: str({ default: 'rpn_cnn', doc: 'instance name' }),
  ...GEOMETRY_FIELDS,
  poolingPatchShape: oneOf(['cuboid', 'cylinder', 'sphere'], { nullable: true, doc: 'pooling patch shape (None: the conv value)' }),
  poolingPH: poolingExtent('p_h'), poolingPHPrime: poolingExtent('p_h_prime'), poolingPW: poolingExtent('p_w'), poolingPWPrime: poolingExtent('p_w_prime'),
  poolingPD: poolingExtent('p_d'), poolingPDPrime: poolingExtent('p_d_prime'), poolingPR: poolingExtent('p_r'),
  poolingCdH: poolingExtent('cd_h'), poolingCdW: poolingExtent('cd_w'), poolingCdD: poolingExtent('cd_d'),
  poolingPackingStrategy: str({ nullable: true, doc: 'pooling packing strategy (None: the conv value)' }),
  ...headFlags(['withBatchNorm', 'withRelu', 'withSoftmax', 'withResidual', 'withDropout'], { withBatchNorm: true, withRelu: true, withSoftmax: false, withResidual: false, withDropout: true }),
  pPooling: numOpt({ default: 0.25, min: 0, max: 1, doc: 'dropout probability after pooling' }),
  pFc: numOpt({ default: 0.5, min: 0, max: 1, doc: 'dropout probability of the fc layers' }),
  ...headFlags(['withDualLphm', 'withLorr', 'r', 'enableBias'], { withDualLphm: false, withLorr: false, r: 3, enableBias: true }),
  withPerceptronResidual: perceptronFlag('with_residual'), withPerceptronDualLphm: perceptronFlag('with_dual_lphm'), withPerceptronLorr: perceptronFlag('with_lorr'),
  perceptronR: int({ min: 1, nullable: true, doc: 'r of the fc perceptron layers (None: the conv value)' }),
  enablePerceptronBias: perceptronFlag('enable_bias'),
  ...GRID_PORT_FIELDS,
});

const EXTENTS = ['pH', 'pHPrime', 'pW', 'pWPrime', 'pD', 'pDPrime', 'pR'] as const;
const POOLING_OF: Record<string, string> = {
  patchShape: 'poolingPatchShape', pH: 'poolingPH', pHPrime: 'poolingPHPrime', pW: 'poolingPW', pWPrime: 'poolingPWPrime',
  pD: 'poolingPD', pDPrime: 'poolingPDPrime', pR: 'poolingPR', cdH: 'poolingCdH', cdW: 'poolingCdW', cdD: 'poolingCdD', packingStrategy: 'poolingPackingStrategy',
};

/** tinyBIG's `parameter_scheduler('half')`: `max(int(v/2), 1)`, None kept (so an extent 0 becomes 1). */
const half = (v: unknown): unknown => (v == null ? v : Math.max(Math.trunc((v as number) / 2), 1));

function intList(v: unknown, argument: string, minLength: number): number[] {
  if (!Array.isArray(v) || v.length < minLength) throw new ConfigError(`${argument} needs at least ${minLength} entries`, { argument, expected: `a list of ≥ ${minLength} positive integers`, received: JSON.stringify(v) });
  return v.map((x, i) => requireDim(x, `${argument}[${i}]`));
}

/**
 * tinyBIG's `cnn` (`tinybig.model.rpn_cnn`): one `grid_interdependence_layer` per consecutive pair of
 * `channel_nums` (the grid shape follows each layer's output grid); a `grid_compression_layer`
 * (`pooling_*` parameters, default the conv ones; Dropout(p_pooling) with `with_dropout`) whenever
 * `len(layers) % (pooling_layer_gaps+1) == pooling_layer_gaps` after a conv layer; with
 * `patch_size_half_after_pooling` every patch extent is halved after each pooling layer
 * (`max(int(v/2), 1)`, so an extent 0 becomes 1, as in tinyBIG); then `perceptron_layer`s over
 * `[last n] + fc_dims` with BatchNorm/ReLU/Dropout(p_fc) where `n != fc_dims[-1]` and Softmax only
 * on the last pair with `with_softmax`. Pooling layers count in the state_dict indices (`layers.{i}`).
 */
export function cnnModel(o: O, context?: BuildContext, forced: O = {}, modelClass = 'tinybig.model.rpn_cnn.cnn'): RpnModel {
  const ctx = needCtx(context, 'cnn');
  const p = { ...resolveParams(o, CNN_OPTIONS.named(modelClass.slice(modelClass.lastIndexOf('.') + 1))), ...forced };
  const channels = intList(p.channelNums, 'channel_nums', 2);
  const fcDims = intList(p.fcDims, 'fc_dims', 0);
  const gaps = p.poolingLayerGaps as number;
  if (!Number.isInteger(gaps) || gaps < 0) throw new ConfigError('invalid pooling_layer_gaps', { argument: 'pooling_layer_gaps', expected: 'an integer ≥ 0', received: JSON.stringify(p.poolingLayerGaps) });
  const conv: Record<string, unknown> = Object.fromEntries(Object.keys(POOLING_OF).map((k) => [k, p[k]]));
  const pool: Record<string, unknown> = Object.fromEntries(Object.entries(POOLING_OF).map(([k, pk]) => [k, p[pk] ?? p[k]]));
  const pick = (a: string, b: string): unknown => p[a] ?? p[b];
  let [h, w, d] = [p.h, p.w, p.d] as number[];
  const layers: RpnModule[] = [];
  const shared = (i: number) => ({ seed: subSeed(o.seed as number | undefined, `layers.${i}`), fastPaths: o.fastPaths, training: o.training });
  try {
    for (let k = 0; k + 1 < channels.length; k++) {
      const layer = gridInterdependenceLayer({
        h, w, d, inChannel: channels[k], outChannel: channels[k + 1], width: p.width, ...conv,
        withBatchNorm: p.withBatchNorm, withRelu: p.withRelu, withResidual: p.withResidual, enableBias: p.enableBias,
        withDualLphm: p.withDualLphm, withLorr: p.withLorr, r: p.r, ...shared(layers.length),
      }, ctx);
      layers.push(layer);
      [h, w, d] = layer.outputGridShape;
      if (layers.length % (gaps + 1) === gaps) {
        const pooling: GridLayer = gridCompressionLayer({
          h, w, d, channelNum: channels[k + 1], poolingMetric: p.poolingMetric, ...pool,
          withDropout: p.withDropout, p: p.pPooling, ...shared(layers.length),
        }, ctx);
        layers.push(pooling);
        [h, w, d] = pooling.outputGridShape;
        if (p.patchSizeHalfAfterPooling) {
          for (const e of EXTENTS) { conv[e] = half(conv[e]); pool[e] = half(pool[e]); }
        }
      }
    }
    const dims = [layers[layers.length - 1].n, ...fcDims];
    const last = dims[dims.length - 1];
    for (let k = 0; k + 1 < dims.length; k++) {
      const [m, n] = [dims[k], dims[k + 1]];
      const inner = n !== last;
      layers.push((perceptronLayer as unknown as (o: O, ctx?: BuildContext) => RpnModule)({
        m, n,
        enableBias: pick('enablePerceptronBias', 'enableBias'), withDualLphm: pick('withPerceptronDualLphm', 'withDualLphm'),
        withLorr: pick('withPerceptronLorr', 'withLorr'), r: pick('perceptronR', 'r'), withResidual: pick('withPerceptronResidual', 'withResidual'),
        channelNum: p.fcChannelNum, width: p.width,
        withBatchNorm: Boolean(p.withBatchNorm) && inner, withRelu: Boolean(p.withRelu) && inner, withDropout: Boolean(p.withDropout) && inner, p: p.pFc,
        withSoftmax: Boolean(p.withSoftmax) && m === dims[dims.length - 2] && n === last,
        ...shared(layers.length),
      }, ctx));
    }
    const model = rpnModel({ name: p.name as string, layers, training: o.training as boolean | undefined });
    const { ...given } = p;
    for (const k of Object.keys(forced)) delete given[k];
    return extend(model, { toConfig: () => ({ model_class: modelClass, model_parameters: tinybigParameters(given) }) }) as RpnModel;
  } catch (e) {
    layers.forEach((l) => l.dispose());
    throw e;
  }
}

/** tinyBIG's `resnet`: {@link cnnModel} with `with_residual=True` (a linear remainder in every conv and fc head). */
export function resnetModel(o: O, context?: BuildContext): RpnModel {
  return cnnModel(o, context, { withResidual: true }, 'tinybig.model.rpn_cnn.resnet');
}
