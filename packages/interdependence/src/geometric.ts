import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ShapeError, UnsupportedError, ValueError, aggregationMatrix, assertGridVolume, cuboidPatch, cylinderPatch, formatShape, grid as makeGrid,
  normalizedPaddingMatrix, patchFromConfig, patchLayout, patchToConfig, spherePatch, type Grid, type Patch,
} from '@rpn/core';
import { type BaseOptions, constMatrix, makeInterdependence, optInt, parseType, type InterdependenceFunction } from './common.js';

type Mode = 'padding' | 'aggregation';

function gridOf(o: BaseOptions): Grid {
  if (o.grid && typeof o.grid === 'object' && 'volume' in (o.grid as object)) return o.grid as Grid;
  const gc = (o.gridConfigs ?? null) as { grid_parameters?: Record<string, number> } | null;
  if (gc) return makeGrid({ h: gc.grid_parameters?.h as number, w: gc.grid_parameters?.w as number, d: gc.grid_parameters?.d ?? 1, universeNum: gc.grid_parameters?.universe_num ?? 1 });
  if (o.h == null || o.w == null) throw new ValueError('the grid structure is not specified', { argument: 'h/w', expected: 'grid sizes h, w (and d, channel_num) or grid_configs', received: `h=${o.h}, w=${o.w}` });
  return makeGrid({ h: o.h as number, w: o.w as number, d: (o.d as number | null) ?? 1, universeNum: (o.channelNum as number | undefined) ?? 1 });
}

/**
 * geometric_interdependence on a grid h × w × d with `channel_num` universes and a patch.
 * padding mode: A `[N, P·S]` (N = h·w·d), output `[b, P·C·S]` patch-major, channels inside patches;
 * aggregation mode: A `[N, N]` (A[cell, centre] = 1), output `[b, N·C]` (cell-major, channels inside).
 */
export function geometricInterdependence(o: BaseOptions & { patch?: Patch; patchConfigs?: unknown; interdependenceMatrixMode?: string }, className = 'geometric_interdependence', fixed: Record<string, unknown> = {}): InterdependenceFunction {
  const type = parseType(o.interdependenceType);
  const g = gridOf(o);
  const C = g.universeNum, N = g.volume();
  let b = optInt(o.b, 'b', 0), m = optInt(o.m, 'm', 0);
  if (type === 'attribute') { if (!m) m = g.volume(true); assertGridVolume(g, m, 'm'); }
  else {
    if (!b) b = g.volume(true);
    assertGridVolume(g, b, 'b');
    if (C !== 1) throw new UnsupportedError('instance-type geometric interdependence supports one channel', { argument: 'channel_num', expected: '1', received: String(C) });
  }
  const patch = o.patch ?? (o.patchConfigs ? patchFromConfig(o.patchConfigs as never) : undefined);
  if (!patch) throw new ValueError('the patch structure is not specified', { argument: 'patch_configs', expected: 'a patch config or patch object', received: 'nothing' });
  const mode = (String(o.interdependenceMatrixMode ?? 'padding') === 'aggregation' ? 'aggregation' : 'padding') as Mode;
  const packingStrategy = String(o.packingStrategy ?? 'densest_packing');
  const layout = patchLayout(g, patch, { packingStrategy, cdH: o.cdH as number | null, cdW: o.cdW as number | null, cdD: o.cdD as number | null });
  const P = layout.patchNum, S = layout.patchSize;
  const normalization = Boolean(o.normalization ?? false), normalizationMode = String(o.normalizationMode ?? 'row_column');
  const cols = mode === 'padding' ? P * S : N;
  const dPrime = mode === 'padding' ? P * S * C : (type === 'attribute' ? m! : b!);
  const options: Record<string, unknown> = {
    b: b || undefined, m: m || undefined, interdependenceType: type, h: g.h, w: g.w, d: g.d, channelNum: C,
    ...(Object.keys(fixed).length ? fixed : { patchConfigs: patchToConfig(patch) }),
    packingStrategy, cdH: o.cdH ?? undefined, cdW: o.cdW ?? undefined, cdD: o.cdD ?? undefined,
    ...(className.includes('padding') || className.includes('aggregation') ? {} : { interdependenceMatrixMode: mode }),
    normalization, normalizationMode,
  };
  return makeInterdependence({
    className, name: o.name, type, b: b || undefined, m: m || undefined, options,
    requireData: false, requireParameters: false, l: 0,
    calculateMPrime: (mm) => (type === 'attribute' ? dPrime : (mm ?? m ?? 0)),
    calculateBPrime: (bb) => (type === 'instance' ? dPrime : (bb ?? b ?? 0)),
    compute: () => constMatrix(mode === 'padding' ? normalizedPaddingMatrix(layout, 'patch-major', { normalization, normalizationMode }) : aggregationMatrix(layout, { normalization, normalizationMode }), N, cols),
    apply: (data: Tensor, A: Tensor) => {
      if (type === 'instance') {
        if (data.shape[0] !== N) throw new ShapeError('batch size does not match the grid', { argument: 'x', expected: `${N} rows`, received: `shape ${formatShape(data.shape)}` });
        return tf.matMul(tf.transpose(A), data);
      }
      const [bb, mm] = data.shape;
      if (mm !== C * N) throw new ShapeError('input width does not match the grid', { argument: 'x', expected: `shape [b, ${C * N}] (h·w·d·channels)`, received: `shape ${formatShape(data.shape)}` });
      const y = tf.matMul(tf.reshape(data, [bb * C, N]), A);
      if (C === 1) return y;
      if (mode === 'padding') return tf.reshape(tf.transpose(tf.reshape(y, [bb, C, P, S]), [0, 2, 1, 3]), [bb, P * C * S]);
      return tf.reshape(tf.transpose(tf.reshape(y, [bb, C, N]), [0, 2, 1]), [bb, N * C]);
    },
    extra: { grid: g, patch, layout, interdependenceMatrixMode: mode },
  });
}

type CuboidOpts = BaseOptions & { pH: number; pW: number; pD?: number; pHPrime?: number; pWPrime?: number; pDPrime?: number };
type CylOpts = BaseOptions & { pR?: number; r?: number; pD?: number; pDPrime?: number };
type SphOpts = BaseOptions & { pR?: number; r?: number };

function cuboidOf(o: CuboidOpts) {
  const patch = cuboidPatch({ pH: o.pH, pW: o.pW, pD: o.pD ?? 0, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime });
  return { patch, fixed: { pH: o.pH, pW: o.pW, pD: o.pD ?? 0, pHPrime: o.pHPrime ?? undefined, pWPrime: o.pWPrime ?? undefined, pDPrime: o.pDPrime ?? undefined } };
}
/** tinyBIG passes `r=` (its classes take `r`); the patch needs `p_r`. Both names are accepted. */
function radius(o: { pR?: number; r?: number }): number {
  const r = o.pR ?? o.r;
  if (r == null) throw new ValueError('patch radius missing', { argument: 'p_r', expected: 'an integer ≥ 0 (p_r or r)', received: String(r) });
  return r;
}
function cylinderOf(o: CylOpts) {
  const pR = radius(o);
  return { patch: cylinderPatch({ pR, pD: o.pD ?? 0, pDPrime: o.pDPrime }), fixed: { pR, pD: o.pD ?? 0, pDPrime: o.pDPrime ?? undefined } };
}
function sphereOf(o: SphOpts) {
  const pR = radius(o);
  return { patch: spherePatch({ pR }), fixed: { pR } };
}

function variant<O extends BaseOptions>(className: string, make: (o: O) => { patch: Patch; fixed: Record<string, unknown> }, mode?: Mode) {
  return (o: O) => {
    const { patch, fixed } = make(o);
    return geometricInterdependence({ ...o, patch, interdependenceMatrixMode: mode ?? (o.interdependenceMatrixMode as string | undefined) }, className, fixed);
  };
}

export const cuboidPatchBasedGeometricInterdependence = variant<CuboidOpts>('cuboid_patch_based_geometric_interdependence', cuboidOf);
export const cuboidPatchPaddingBasedGeometricInterdependence = variant<CuboidOpts>('cuboid_patch_padding_based_geometric_interdependence', cuboidOf, 'padding');
export const cuboidPatchAggregationBasedGeometricInterdependence = variant<CuboidOpts>('cuboid_patch_aggregation_based_geometric_interdependence', cuboidOf, 'aggregation');
export const cylinderPatchBasedGeometricInterdependence = variant<CylOpts>('cylinder_patch_based_geometric_interdependence', cylinderOf);
export const cylinderPatchPaddingBasedGeometricInterdependence = variant<CylOpts>('cylinder_patch_padding_based_geometric_interdependence', cylinderOf, 'padding');
export const cylinderPatchAggregationBasedGeometricInterdependence = variant<CylOpts>('cylinder_patch_aggregation_based_geometric_interdependence', cylinderOf, 'aggregation');
export const spherePatchBasedGeometricInterdependence = variant<SphOpts>('sphere_patch_based_geometric_interdependence', sphereOf);
export const spherePatchPaddingBasedGeometricInterdependence = variant<SphOpts>('sphere_patch_padding_based_geometric_interdependence', sphereOf, 'padding');
export const spherePatchAggregationBasedGeometricInterdependence = variant<SphOpts>('sphere_patch_aggregation_based_geometric_interdependence', sphereOf, 'aggregation');
