import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ValueError, assertGridVolume, cuboidPatch, cylinderPatch, grid, optionsFromParameters, paddingMatrix, patchFromConfig, patchLayout, patchToConfig, readEnvelope, spherePatch } from '@rpn/core';
import { CUBOID_PATCH_FIELDS, CYLINDER_PATCH_FIELDS, SPHERE_PATCH_FIELDS, any, defineOptions, int, num, str } from '@rpn/core';
import type { Grid, OptionFields, OptionSchema, OptionsOfFields, Params, Patch, PatchLayout, Transformation, ValuesOf, ValuesOfFields } from '@rpn/core';
import { COMPRESSION_BASE, constMatrix, defineCompression, extend } from './common.js';
import { rowMetric } from './metrics.js';

/** A geometric compression, with its grid and patch layout. */
export interface GeometricCompression extends Transformation {
  readonly grid: Grid;
  readonly layout: PatchLayout;
}

/** Grid and packing options shared by the geometric compressions. */
export const GEOMETRIC_COMPRESSION_GRID = Object.freeze({
  ...COMPRESSION_BASE,
  grid: any<Grid>({ doc: 'a grid object (instead of h/w/d)' }),
  gridConfigs: any({ doc: 'tinyBIG grid_configs: {grid_class, grid_parameters: {h, w, d, universe_num}}' }),
  h: int({ min: 1, doc: 'grid height' }),
  w: int({ min: 1, doc: 'grid width' }),
  d: int({ min: 1, doc: 'grid depth (default 1; tinyBIG passes None through and fails)' }),
  packingStrategy: str({ doc: 'tinyBIG packing_strategy' }),
  cdH: num({ doc: 'explicit centre distance along h' }),
  cdW: num({ doc: 'explicit centre distance along w' }),
  cdD: num({ doc: 'explicit centre distance along d' }),
});
type GridValues = ValuesOfFields<typeof GEOMETRIC_COMPRESSION_GRID>;
const metricField = str({ required: true, expected: 'a metric name such as batch_max or tinybig.koala.linear_algebra.batch_max', doc: 'the patch metric' });

/** Options of {@link geometricCompression}. */
export const GEOMETRIC_COMPRESSION_OPTIONS = defineOptions('geometric_compression', {
  metric: metricField,
  patch: any<Patch>({ doc: 'a patch object' }),
  patchConfigs: any({ doc: 'tinyBIG patch_configs' }),
}, GEOMETRIC_COMPRESSION_GRID);

const CUBOID_FIELDS = CUBOID_PATCH_FIELDS;
const CYLINDER_FIELDS = CYLINDER_PATCH_FIELDS;
const SPHERE_FIELDS = SPHERE_PATCH_FIELDS;
/** The cuboid/cylinder/sphere geometric compressions with a `metric` (the fixed-metric ones have no `metric` key). */
export const CUBOID_GEOMETRIC_COMPRESSION_OPTIONS = defineOptions('cuboid_patch_based_geometric_compression', { metric: metricField, ...CUBOID_FIELDS }, GEOMETRIC_COMPRESSION_GRID);
export const CYLINDER_GEOMETRIC_COMPRESSION_OPTIONS = defineOptions('cylinder_patch_based_geometric_compression', { metric: metricField, ...CYLINDER_FIELDS }, GEOMETRIC_COMPRESSION_GRID);
export const SPHERE_GEOMETRIC_COMPRESSION_OPTIONS = defineOptions('sphere_patch_based_geometric_compression', { metric: metricField, ...SPHERE_FIELDS }, GEOMETRIC_COMPRESSION_GRID);

function gridFrom(options: GridValues): { g: Grid; own: Params } {
  if (options.grid != null || options.gridConfigs != null) {
    const raw = options.grid ?? options.gridConfigs;
    const p = (raw as Grid).volume ? { h: (raw as Grid).h, w: (raw as Grid).w, d: (raw as Grid).d, universeNum: (raw as Grid).universeNum } : optionsFromParameters(readEnvelope(raw, 'grid_configs').parameters);
    const g = grid({ h: p.h as number, w: p.w as number, d: (p.d as number | undefined) ?? 1, universeNum: (p.universeNum as number | undefined) ?? 1 });
    return { g, own: { gridConfigs: { grid_class: 'tinybig.koala.geometry.grid', grid_parameters: { h: g.h, w: g.w, d: g.d, universe_num: g.universeNum } } } };
  }
  if (options.h == null || options.w == null) {
    throw new ConfigError('a geometric compression needs its grid', { argument: 'h, w', expected: 'the grid height and width (and depth d), or grid_configs', received: `h=${JSON.stringify(options.h)}, w=${JSON.stringify(options.w)}` });
  }
  // tinyBIG passes d=None through to the grid when it is not given (it then fails); d defaults to 1 here.
  const g = grid({ h: options.h, w: options.w, d: options.d ?? 1 });
  return { g, own: { h: g.h, w: g.w, d: g.d } };
}

function geometric(className: string, options: GridValues, patch: Patch, metricName: string, own: Params): GeometricCompression {
  const f = rowMetric(metricName);
  const { g, own: gridOwn } = gridFrom(options);
  const layout = patchLayout(g, patch, { packingStrategy: options.packingStrategy, cdH: options.cdH, cdW: options.cdW, cdD: options.cdD });
  const N = g.volume(), C = g.universeNum, P = layout.patchNum, S = layout.patchSize;
  const pad = paddingMatrix(layout, 'patch-major');
  const t = defineCompression(className, options, {
    own: { ...own, ...gridOwn, packingStrategy: options.packingStrategy ?? undefined, cdH: options.cdH ?? undefined, cdW: options.cdW ?? undefined, cdD: options.cdD ?? undefined },
    calculateD: (m) => { assertGridVolume(g, m, 'm'); return P * C; },
    kappa: (x) => {
      const b = x.shape[0];
      // x · padding per universe → [b·C·P, S] patch values (zero padding included), metric per patch.
      const patches = tf.reshape(tf.matMul(tf.reshape(x, [b * C, N]), constMatrix(pad, N, P * S)), [b * C * P, S]);
      const v = tf.reshape(f(patches), [b, C * P]);
      if (C === 1) return v;
      // tinyBIG: .view(b, P, −1).permute(0, 2, 1).reshape(b, −1) on the universe-major values.
      return tf.reshape(tf.transpose(tf.reshape(v, [b, P, C]), [0, 2, 1]), [b, C * P]);
    },
  });
  return extend(t, { grid: g, layout });
}

/**
 * tinyBIG `geometric_compression(metric, grid…, patch_configs, packing_strategy, cd_*)`: the m inputs
 * form a grid h×w×d; for each patch (centres from the packing), `metric` over the patch values with
 * out-of-grid offsets counted as 0; `D = P·C`.
 */
export function geometricCompression(opts: OptionsOfFields<typeof GEOMETRIC_COMPRESSION_OPTIONS.fields>): GeometricCompression {
  const options = GEOMETRIC_COMPRESSION_OPTIONS.parse(opts);
  const metric = options.metric;
  const raw = options.patch ?? options.patchConfigs;
  if (raw == null) throw new ConfigError('geometric_compression needs a patch', { argument: 'patch_configs', expected: '{patch_class, patch_parameters}', received: 'nothing' });
  const patch = patchFromConfig(raw as Parameters<typeof patchFromConfig>[0]);
  return geometric('geometric_compression', options, patch, metric, { metric, patchConfigs: patchToConfig(patch) });
}

type Cuboid = ValuesOf<typeof CUBOID_GEOMETRIC_COMPRESSION_OPTIONS>;
type Cylinder = ValuesOf<typeof CYLINDER_GEOMETRIC_COMPRESSION_OPTIONS>;
type Sphere = ValuesOf<typeof SPHERE_GEOMETRIC_COMPRESSION_OPTIONS>;
const cuboidOf = (o: Cuboid): Patch => cuboidPatch({ pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime });
const cuboidOwn = (o: Cuboid): Params => ({ pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime });
const cylinderOf = (o: Cylinder): Patch => cylinderPatch({ pR: o.pR, pD: o.pD, pDPrime: o.pDPrime });
const cylinderOwn = (o: Cylinder): Params => ({ pR: o.pR, pD: o.pD, pDPrime: o.pDPrime });
const sphereOf = (o: Sphere): Patch => spherePatch({ pR: o.pR });
const sphereOwn = (o: Sphere): Params => ({ pR: o.pR });

/** The fixed-metric variant of a shaped schema: no `metric` key. */
export function withoutMetric<F extends OptionFields>(s: OptionSchema<F>, className: string): OptionSchema<F> {
  const { metric: _m, ...rest } = s.fields as Record<string, unknown>;
  return defineOptions(className, rest as F);
}

function shaped<F extends OptionFields>(className: string, schema: OptionSchema<F>, of: (o: ValuesOfFields<F>) => Patch, ownOf: (o: ValuesOfFields<F>) => Params, fixedMetric?: string) {
  const s = fixedMetric ? withoutMetric(schema, className) : schema.named(className);
  return (opts: Omit<OptionsOfFields<F>, 'metric'> & { readonly metric?: string }): GeometricCompression => {
    const options = s.parse(opts);
    const metric = fixedMetric ?? (options as { metric?: string }).metric!;
    return geometric(className, options as unknown as GridValues, of(options), metric, { ...(fixedMetric ? {} : { metric }), ...ownOf(options) });
  };
}

/** tinyBIG `cuboid_patch_based_geometric_compression(metric, p_h, p_w, p_d, …)`. */
export const cuboidPatchBasedGeometricCompression = shaped('cuboid_patch_based_geometric_compression', CUBOID_GEOMETRIC_COMPRESSION_OPTIONS, cuboidOf, cuboidOwn);
/** tinyBIG `cylinder_patch_based_geometric_compression(metric, p_r, p_d, …)`. */
export const cylinderPatchBasedGeometricCompression = shaped('cylinder_patch_based_geometric_compression', CYLINDER_GEOMETRIC_COMPRESSION_OPTIONS, cylinderOf, cylinderOwn);
/** tinyBIG `sphere_patch_based_geometric_compression(metric, p_r, …)`. */
export const spherePatchBasedGeometricCompression = shaped('sphere_patch_based_geometric_compression', SPHERE_GEOMETRIC_COMPRESSION_OPTIONS, sphereOf, sphereOwn);
/** tinyBIG `cuboid_max_based_geometric_compression`: patch maximum. */
export const cuboidMaxBasedGeometricCompression = shaped('cuboid_max_based_geometric_compression', CUBOID_GEOMETRIC_COMPRESSION_OPTIONS, cuboidOf, cuboidOwn, 'batch_max');
/** tinyBIG `cuboid_min_based_geometric_compression`: patch minimum. */
export const cuboidMinBasedGeometricCompression = shaped('cuboid_min_based_geometric_compression', CUBOID_GEOMETRIC_COMPRESSION_OPTIONS, cuboidOf, cuboidOwn, 'batch_min');
/** tinyBIG `cuboid_mean_based_geometric_compression`: patch mean (zero padding counted). */
export const cuboidMeanBasedGeometricCompression = shaped('cuboid_mean_based_geometric_compression', CUBOID_GEOMETRIC_COMPRESSION_OPTIONS, cuboidOf, cuboidOwn, 'batch_mean');
/** tinyBIG `cylinder_max_based_geometric_compression`. */
export const cylinderMaxBasedGeometricCompression = shaped('cylinder_max_based_geometric_compression', CYLINDER_GEOMETRIC_COMPRESSION_OPTIONS, cylinderOf, cylinderOwn, 'batch_max');
/** tinyBIG `cylinder_min_based_geometric_compression`. */
export const cylinderMinBasedGeometricCompression = shaped('cylinder_min_based_geometric_compression', CYLINDER_GEOMETRIC_COMPRESSION_OPTIONS, cylinderOf, cylinderOwn, 'batch_min');
/** tinyBIG `cylinder_mean_based_geometric_compression`. */
export const cylinderMeanBasedGeometricCompression = shaped('cylinder_mean_based_geometric_compression', CYLINDER_GEOMETRIC_COMPRESSION_OPTIONS, cylinderOf, cylinderOwn, 'batch_mean');
/** tinyBIG `sphere_max_based_geometric_compression`. */
export const sphereMaxBasedGeometricCompression = shaped('sphere_max_based_geometric_compression', SPHERE_GEOMETRIC_COMPRESSION_OPTIONS, sphereOf, sphereOwn, 'batch_max');
/** tinyBIG `sphere_min_based_geometric_compression`. */
export const sphereMinBasedGeometricCompression = shaped('sphere_min_based_geometric_compression', SPHERE_GEOMETRIC_COMPRESSION_OPTIONS, sphereOf, sphereOwn, 'batch_min');
/** tinyBIG `sphere_mean_based_geometric_compression`. */
export const sphereMeanBasedGeometricCompression = shaped('sphere_mean_based_geometric_compression', SPHERE_GEOMETRIC_COMPRESSION_OPTIONS, sphereOf, sphereOwn, 'batch_mean');
