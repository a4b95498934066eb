import { defineOptions, int, str, type BuildContext, type Coordinate3, type OptionSchema } from '@rpn/core';
import { rpnHead, type RpnHead } from '../head.js';
import { rpnLayer, type RpnLayer } from '../layer.js';
import { subSeed, type InitMethod } from '../init.js';
import { requireDim } from '../resolve.js';
import { headFlags, needCtx, outputs, reconciliationConfig, residual, type O } from '../library-common.js';
import { gridGeometry, type GridGeometry } from '../kernels/patches.js';
import { gridKernel } from '../kernels/grid.js';
import { poolKernel, poolingMetric } from '../kernels/pool.js';
import { GEOMETRY_FIELDS, GRID_PORT_FIELDS, checkGiven, extend, resolveParams, tinybigParameters } from './grid-params.js';

/** tinyBIG's grid accessors, on grid heads and layers. */
export interface GridShapes {
  /** `get_input_grid_shape()`: `(h, w, d)`. */
  readonly inputGridShape: Coordinate3;
  /** `get_output_grid_shape()`: the packed grid `(h', w', d')`. */
  readonly outputGridShape: Coordinate3;
  /** `get_patch_size()`: S. */
  readonly patchSize: number;
  /** Patches per channel P. */
  readonly patchNum: number;
  /** Resolved centre distances `(cd_h, cd_w, cd_d)`. */
  readonly centerDistances: Coordinate3;
  /** The patch offsets in tinyBIG's order. */
  readonly patchOffsets: readonly Coordinate3[];
}

/** A grid head (convolution or pooling): an RPN head with tinyBIG's grid accessors. */
export type GridHead = RpnHead & GridShapes;
/** A grid layer: an RPN layer of grid heads with tinyBIG's grid accessors. */
export type GridLayer = RpnLayer & GridShapes;

const shapesOf = (g: GridGeometry): GridShapes => ({
  inputGridShape: g.inputGridShape,
  outputGridShape: g.outputGridShape,
  patchSize: g.patchSize,
  patchNum: g.patchNum,
  centerDistances: g.centerDistances,
  patchOffsets: g.patch.offsets,
});

const initMethod = () => str({ default: 'xavier_normal', doc: 'parameter initialisation' });

/** Options of {@link gridInterdependenceHead} (tinyBIG 0.2.1 `grid_interdependence_head` and its defaults). */
export const GRID_INTERDEPENDENCE_HEAD_OPTIONS = defineOptions('grid_interdependence_head', {
  h: int({ required: true, min: 1, doc: 'grid height h' }),
  w: int({ required: true, min: 1, doc: 'grid width w' }),
  inChannel: int({ required: true, min: 1, doc: 'input channels' }),
  outChannel: int({ required: true, min: 1, doc: 'output channels (kernels)' }),
  ...GEOMETRY_FIELDS,
  name: str({ default: 'grid_interdependence_head', doc: 'instance name' }),
  ...headFlags(['withBatchNorm', 'withRelu', 'withResidual', 'withDualLphm', 'withLorr', 'r', 'enableBias'], { withBatchNorm: true, withRelu: true, withResidual: false, withDualLphm: false, withLorr: false, r: 3, enableBias: false }),
  parametersInitMethod: initMethod(),
  ...GRID_PORT_FIELDS,
});

/** Options of {@link gridCompressionHead} (tinyBIG 0.2.1 `grid_compression_head` and its defaults). */
export const GRID_COMPRESSION_HEAD_OPTIONS = defineOptions('grid_compression_head', {
  h: int({ required: true, min: 1, doc: 'grid height h' }),
  w: int({ required: true, min: 1, doc: 'grid width w' }),
  channelNum: int({ required: true, min: 1, doc: 'channels' }),
  ...GEOMETRY_FIELDS,
  name: str({ default: 'grid_compression_head', doc: 'instance name' }),
  poolingMetric: str({ default: 'batch_max', doc: 'batch_max, batch_min, batch_sum, batch_prod, batch_l1_norm or batch_l2_norm' }),
  ...headFlags(['withDropout', 'p'], { withDropout: true, p: 0.5 }),
  parametersInitMethod: initMethod(),
  ...GRID_PORT_FIELDS,
});

const convGeometry = (p: Record<string, unknown>): GridGeometry => gridGeometry({ ...(p as object), h: p.h as number, w: p.w as number, channels: p.inChannel as number, channelsArgument: 'in_channel' });
const poolGeometry = (p: Record<string, unknown>): GridGeometry => gridGeometry({ ...(p as object), h: p.h as number, w: p.w as number, channels: p.channelNum as number, channelsArgument: 'channel_num' });

/**
 * `grid_interdependence_head` (tinyBIG `tinybig.head.grid_based_heads`), the convolution head:
 * `out = outputs( [X(x) · ψ(w)ᵀ]_{channel-major} + b [+ x·w_remainderᵀ] )`, X(x) = the patches
 * `(b, P, in_channel·S)` of the grid (see {@link gridKernel}), ψ = identity / lorr(r) / dual_lphm(r)
 * with n = out_channel, D = in_channel·S; `b` `[out_channel·P]` with `enable_bias`; linear remainder
 * `[n, m]` with `with_residual`; outputs [BatchNorm1d(n) if with_batch_norm, ReLU if with_relu].
 * m = h·w·d·in_channel, n = out_channel·P. State dict: `w [1, l]`, `b`, `w_remainder`.
 */
export function gridInterdependenceHead(o: O, context?: BuildContext): GridHead {
  const ctx = needCtx(context, 'grid_interdependence_head');
  const p = resolveParams(o, GRID_INTERDEPENDENCE_HEAD_OPTIONS);
  const outChannel = requireDim(p.outChannel, 'out_channel');
  const g = convGeometry(p);
  const n = outChannel * g.patchNum;
  checkGiven(o.m, g.m, 'm', 'h·w·d·in_channel');
  checkGiven(o.n, n, 'n', 'out_channel·patch_num');
  const head = rpnHead({
    m: g.m, n, name: p.name as string, channelNum: 1,
    parameterFabrication: reconciliationConfig(p, false),
    remainder: residual(p),
    outputProcessFunctions: outputs(n, p, { batchNorm: true, relu: true }),
    parametersInitMethod: p.parametersInitMethod as InitMethod,
    seed: o.seed as number | undefined, fastPaths: o.fastPaths as boolean | undefined, training: o.training as boolean | undefined,
    context: ctx,
    kernel: gridKernel(g, outChannel),
    describe: { headClass: 'tinybig.head.grid_based_heads.grid_interdependence_head', headParameters: tinybigParameters(p) },
  });
  return extend(head, shapesOf(g)) as GridHead;
}

/**
 * `grid_compression_head` (tinyBIG `tinybig.head.grid_based_heads`), the pooling head:
 * `out[b, c·P + p] = metric(values of patch p in channel c, zero padding included)` (see
 * {@link poolKernel}), no parameters; outputs [Dropout(p) if with_dropout]. m = h·w·d·channel_num,
 * n = channel_num·P. `pooling_metric`: batch_max, batch_min, batch_sum, batch_prod,
 * batch_l1_norm, batch_l2_norm (tinyBIG rejects batch_mean).
 */
export function gridCompressionHead(o: O, context?: BuildContext): GridHead {
  const p = resolveParams(o, GRID_COMPRESSION_HEAD_OPTIONS);
  const metric = poolingMetric(p.poolingMetric);
  const g = poolGeometry(p);
  const n = g.channels * g.patchNum;
  checkGiven(o.m, g.m, 'm', 'h·w·d·channel_num');
  checkGiven(o.n, n, 'n', 'channel_num·patch_num');
  const head = rpnHead({
    m: g.m, n, name: p.name as string, channelNum: 1,
    outputProcessFunctions: outputs(n, p, { dropout: true, p: 0.5 }),
    parametersInitMethod: p.parametersInitMethod as InitMethod,
    seed: o.seed as number | undefined, training: o.training as boolean | undefined,
    context,
    kernel: poolKernel(g, metric),
    describe: { headClass: 'tinybig.head.grid_based_heads.grid_compression_head', headParameters: tinybigParameters(p) },
  });
  return extend(head, shapesOf(g)) as GridHead;
}

/** Options of {@link gridInterdependenceLayer}: the head's, plus `width` and the layer's name. */
export const GRID_INTERDEPENDENCE_LAYER_OPTIONS = defineOptions('grid_interdependence_layer', {
  width: int({ default: 1, min: 1, doc: 'number of independent heads' }),
  name: str({ default: 'grid_interdependence_layer', doc: 'instance name' }),
}, GRID_INTERDEPENDENCE_HEAD_OPTIONS);
/** Options of {@link gridCompressionLayer}: the head's with the layer defaults with_dropout=False, p=0.5 (one head). */
export const GRID_COMPRESSION_LAYER_OPTIONS = defineOptions('grid_compression_layer', {
  ...headFlags(['withDropout', 'p'], { withDropout: false, p: 0.5 }),
  name: str({ default: 'grid_compression_layer', doc: 'instance name' }),
}, GRID_COMPRESSION_HEAD_OPTIONS);

function gridLayer(
  o: O, context: BuildContext | undefined, schema: OptionSchema, layerClass: string,
  makeHead: (h: O, ctx?: BuildContext) => GridHead, width: (p: Record<string, unknown>) => number,
): GridLayer {
  const p = resolveParams(o, schema);
  const count = width(p);
  const { width: _w, name, ...headParams } = p;
  const heads: GridHead[] = [];
  try {
    for (let j = 0; j < count; j++) {
      heads.push(makeHead({ ...headParams, seed: subSeed(o.seed as number | undefined, `heads.${j}`), fastPaths: o.fastPaths, training: o.training }, context));
    }
    const layer = rpnLayer({ m: heads[0].m, n: heads[0].n, name: name as string, heads, parametersInitMethod: p.parametersInitMethod as InitMethod, context, training: o.training as boolean | undefined });
    const h0 = heads[0];
    return extend(layer, {
      inputGridShape: h0.inputGridShape, outputGridShape: h0.outputGridShape, patchSize: h0.patchSize, patchNum: h0.patchNum,
      centerDistances: h0.centerDistances, patchOffsets: h0.patchOffsets,
      toConfig: () => ({ layer_class: layerClass, layer_parameters: tinybigParameters(p) }),
    }) as GridLayer;
  } catch (e) {
    heads.forEach((h) => h.dispose());
    throw e;
  }
}

/**
 * `grid_interdependence_layer`: `width` INDEPENDENT convolution heads (tinyBIG repeats one head
 * object), fused by mean when width > 1; `outputGridShape` as tinyBIG's `get_output_grid_shape`.
 */
export function gridInterdependenceLayer(o: O, context?: BuildContext): GridLayer {
  return gridLayer(o, context, GRID_INTERDEPENDENCE_LAYER_OPTIONS, 'tinybig.layer.grid_based_layers.grid_interdependence_layer', gridInterdependenceHead, (p) => requireDim(p.width, 'width'));
}

/** `grid_compression_layer`: one pooling head (defaults with_dropout=False, p=0.5); `outputGridShape`. */
export function gridCompressionLayer(o: O, context?: BuildContext): GridLayer {
  return gridLayer(o, context, GRID_COMPRESSION_LAYER_OPTIONS, 'tinybig.layer.grid_based_layers.grid_compression_layer', gridCompressionHead, () => 1);
}
