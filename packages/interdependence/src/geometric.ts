import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ShapeError, UnsupportedError, ValueError, aggregationMatrix, assertGridVolume, cuboidPatch, cylinderPatch, formatShape, grid as makeGrid,
  normalizedPaddingMatrix, patchFromConfig, patchLayout, patchToConfig, spherePatch, type Grid, type OptionFields, type OptionSchema, type OptionsOf, type OptionsOfFields, type Patch, type ValuesOf, type ValuesOfFields,
} from '@rpn/core';
import { constMatrix, makeInterdependence, parseType, type InterdependenceFunction } from './common.js';
import { CUBOID_OPTIONS, CYLINDER_OPTIONS, GEOMETRIC_OPTIONS, SPHERE_OPTIONS } from './options.js';

type Mode = 'padding' | 'aggregation';
type GeoValues = ValuesOf<typeof GEOMETRIC_OPTIONS>;

function gridOf(o: GeoValues): Grid {
  if (o.grid && typeof o.grid === 'object' && 'volume' in (o.grid as object)) return o.grid as Grid;
  const gc = (o.gridConfigs ?? null) as { grid_parameters?: Record<string, number> } | null;
  if (gc) return makeGrid({ h: gc.grid_parameters?.h as number, w: gc.grid_parameters?.w as number, d: gc.grid_parameters?.d ?? 1, universeNum: gc.grid_parameters?.universe_num ?? 1 });
  if (o.h == null || o.w == null) throw new ValueError('the grid structure is not specified', { argument: 'h/w', expected: 'grid sizes h, w (and d, channel_num) or grid_configs', received: `h=${o.h}, w=${o.w}` });
  return makeGrid({ h: o.h, w: o.w, d: o.d ?? 1, universeNum: o.channelNum ?? 1 });
}

/**
 * geometric_interdependence on a grid h × w × d with `channel_num` universes and a patch.
 * padding mode: A `[N, P·S]` (N = h·w·d), output `[b, P·C·S]` patch-major, channels inside patches;
 * aggregation mode: A `[N, N]` (A[cell, centre] = 1), output `[b, N·C]` (cell-major, channels inside).
 */
export function geometricInterdependence(options: OptionsOf<typeof GEOMETRIC_OPTIONS>): InterdependenceFunction {
  return geometric(GEOMETRIC_OPTIONS.parse(options), 'geometric_interdependence', {});
}

function geometric(o: GeoValues, className: string, fixed: Record<string, unknown>): InterdependenceFunction {
  const type = parseType(o.interdependenceType);
  const g = gridOf(o);
  const C = g.universeNum, N = g.volume();
  let { b, m } = o;
  if (type === 'attribute') { if (!m) m = g.volume(true); assertGridVolume(g, m, 'm'); }
  else {
    if (!b) b = g.volume(true);
    assertGridVolume(g, b, 'b');
    if (C !== 1) throw new UnsupportedError('instance-type geometric interdependence supports one channel', { argument: 'channel_num', expected: '1', received: String(C) });
  }
  const patch = (o.patch as Patch | undefined) ?? (o.patchConfigs ? patchFromConfig(o.patchConfigs as never) : undefined);
  if (!patch) throw new ValueError('the patch structure is not specified', { argument: 'patch_configs', expected: 'a patch config or patch object', received: 'nothing' });
  const mode: Mode = o.interdependenceMatrixMode;
  const { packingStrategy, normalization, normalizationMode } = o;
  const layout = patchLayout(g, patch, { packingStrategy, cdH: o.cdH, cdW: o.cdW, cdD: o.cdD });
  const P = layout.patchNum, S = layout.patchSize;
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

type CuboidOpts = ValuesOf<typeof CUBOID_OPTIONS>;
type CylOpts = ValuesOf<typeof CYLINDER_OPTIONS>;
type SphOpts = ValuesOf<typeof SPHERE_OPTIONS>;

function cuboidOf(o: CuboidOpts) {
  const patch = cuboidPatch({ pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime });
  return { patch, fixed: { pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime } };
}
/** tinyBIG passes `r=` (its classes take `r`); the patch needs `p_r`. Both names are accepted (`r` is an alias). */
function radius(o: { pR?: number }): number {
  const r = o.pR;
  if (r == null) throw new ValueError('patch radius missing', { argument: 'p_r', expected: 'an integer ≥ 0 (p_r or r)', received: String(r) });
  return r;
}
function cylinderOf(o: CylOpts) {
  const pR = radius(o);
  return { patch: cylinderPatch({ pR, pD: o.pD, pDPrime: o.pDPrime }), fixed: { pR, pD: o.pD, pDPrime: o.pDPrime } };
}
function sphereOf(o: SphOpts) {
  const pR = radius(o);
  return { patch: spherePatch({ pR }), fixed: { pR } };
}

function variant<F extends OptionFields>(schema: OptionSchema<F>, className: string, make: (o: ValuesOfFields<F>) => { patch: Patch; fixed: Record<string, unknown> }, mode?: Mode) {
  const named = schema.named(className);
  return (options: OptionsOfFields<F>) => {
    const o = named.parse(options);
    const { patch, fixed } = make(o);
    const g = o as unknown as GeoValues;
    return geometric({ ...g, patch, interdependenceMatrixMode: mode ?? g.interdependenceMatrixMode }, className, fixed);
  };
}

export const cuboidPatchBasedGeometricInterdependence = variant(CUBOID_OPTIONS, 'cuboid_patch_based_geometric_interdependence', cuboidOf);
export const cuboidPatchPaddingBasedGeometricInterdependence = variant(CUBOID_OPTIONS, 'cuboid_patch_padding_based_geometric_interdependence', cuboidOf, 'padding');
export const cuboidPatchAggregationBasedGeometricInterdependence = variant(CUBOID_OPTIONS, 'cuboid_patch_aggregation_based_geometric_interdependence', cuboidOf, 'aggregation');
export const cylinderPatchBasedGeometricInterdependence = variant(CYLINDER_OPTIONS, 'cylinder_patch_based_geometric_interdependence', cylinderOf);
export const cylinderPatchPaddingBasedGeometricInterdependence = variant(CYLINDER_OPTIONS, 'cylinder_patch_padding_based_geometric_interdependence', cylinderOf, 'padding');
export const cylinderPatchAggregationBasedGeometricInterdependence = variant(CYLINDER_OPTIONS, 'cylinder_patch_aggregation_based_geometric_interdependence', cylinderOf, 'aggregation');
export const spherePatchBasedGeometricInterdependence = variant(SPHERE_OPTIONS, 'sphere_patch_based_geometric_interdependence', sphereOf);
export const spherePatchPaddingBasedGeometricInterdependence = variant(SPHERE_OPTIONS, 'sphere_patch_padding_based_geometric_interdependence', sphereOf, 'padding');
export const spherePatchAggregationBasedGeometricInterdependence = variant(SPHERE_OPTIONS, 'sphere_patch_aggregation_based_geometric_interdependence', sphereOf, 'aggregation');
