import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ValueError, assertGridVolume, cuboidPatch, cylinderPatch, grid, optionsFromParameters, paddingMatrix, patchFromConfig, patchLayout, patchToConfig, readEnvelope, spherePatch } from '@rpn/core';
import type { Grid, Params, Patch, PatchLayout, Transformation } from '@rpn/core';
import { checkKeys, constMatrix, defineCompression, extend } from './common.js';
import { rowMetric } from './metrics.js';

/** A geometric compression, with its grid and patch layout. */
export interface GeometricCompression extends Transformation {
  readonly grid: Grid;
  readonly layout: PatchLayout;
}

const GRID_KEYS = ['grid', 'gridConfigs', 'h', 'w', 'd', 'packingStrategy', 'cdH', 'cdW', 'cdD'];

function gridFrom(options: Params): { g: Grid; own: Params } {
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
  const g = grid({ h: options.h as number, w: options.w as number, d: (options.d as number | undefined) ?? 1 });
  return { g, own: { h: g.h, w: g.w, d: g.d } };
}

function geometric(className: string, options: Params, patch: Patch, metricName: string, own: Params): GeometricCompression {
  const f = rowMetric(metricName);
  const { g, own: gridOwn } = gridFrom(options);
  const layout = patchLayout(g, patch, { packingStrategy: (options.packingStrategy as string | undefined) ?? undefined, cdH: options.cdH as number | undefined, cdW: options.cdW as number | undefined, cdD: options.cdD as number | undefined });
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

function metricOf(options: Params, className: string): string {
  if (typeof options.metric !== 'string') throw new ValueError(`${className} needs a metric`, { argument: 'metric', expected: 'a metric name such as batch_max or tinybig.koala.linear_algebra.batch_max', received: JSON.stringify(options.metric) });
  return options.metric;
}

/**
 * tinyBIG `geometric_compression(metric, grid…, patch_configs, packing_strategy, cd_*)`: the m inputs
 * form a grid h×w×d; for each patch (centres from the packing), `metric` over the patch values with
 * out-of-grid offsets counted as 0; `D = P·C`.
 */
export function geometricCompression(options: Params): GeometricCompression {
  checkKeys(options, ['metric', 'patch', 'patchConfigs', ...GRID_KEYS], 'geometric_compression');
  const metric = metricOf(options, 'geometric_compression');
  const raw = options.patch ?? options.patchConfigs;
  if (raw == null) throw new ConfigError('geometric_compression needs a patch', { argument: 'patch_configs', expected: '{patch_class, patch_parameters}', received: 'nothing' });
  const patch = patchFromConfig(raw as Parameters<typeof patchFromConfig>[0]);
  return geometric('geometric_compression', options, patch, metric, { metric, patchConfigs: patchToConfig(patch) });
}

const CUBOID_KEYS = ['pH', 'pW', 'pD', 'pHPrime', 'pWPrime', 'pDPrime'];
const cuboidOf = (o: Params): Patch => cuboidPatch({ pH: o.pH as number, pW: o.pW as number, pD: (o.pD as number | undefined) ?? 0, pHPrime: o.pHPrime as number | undefined, pWPrime: o.pWPrime as number | undefined, pDPrime: o.pDPrime as number | undefined });
const cuboidOwn = (o: Params): Params => ({ pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime ?? undefined, pWPrime: o.pWPrime ?? undefined, pDPrime: o.pDPrime ?? undefined });
const CYLINDER_KEYS = ['pR', 'pD', 'pDPrime'];
const cylinderOf = (o: Params): Patch => cylinderPatch({ pR: o.pR as number, pD: (o.pD as number | undefined) ?? 0, pDPrime: o.pDPrime as number | undefined });
const cylinderOwn = (o: Params): Params => ({ pR: o.pR, pD: o.pD, pDPrime: o.pDPrime ?? undefined });
const SPHERE_KEYS = ['pR'];
const sphereOf = (o: Params): Patch => spherePatch({ pR: o.pR as number });
const sphereOwn = (o: Params): Params => ({ pR: o.pR });

function shaped(className: string, keys: string[], of: (o: Params) => Patch, ownOf: (o: Params) => Params, fixedMetric?: string) {
  return (options: Params): GeometricCompression => {
    checkKeys(options, [...(fixedMetric ? [] : ['metric']), ...keys, ...GRID_KEYS], className);
    const metric = fixedMetric ?? metricOf(options, className);
    return geometric(className, options, of(options), metric, { ...(fixedMetric ? {} : { metric }), ...ownOf(options) });
  };
}

/** tinyBIG `cuboid_patch_based_geometric_compression(metric, p_h, p_w, p_d, …)`. */
export const cuboidPatchBasedGeometricCompression = shaped('cuboid_patch_based_geometric_compression', CUBOID_KEYS, cuboidOf, cuboidOwn);
/** tinyBIG `cylinder_patch_based_geometric_compression(metric, p_r, p_d, …)`. */
export const cylinderPatchBasedGeometricCompression = shaped('cylinder_patch_based_geometric_compression', CYLINDER_KEYS, cylinderOf, cylinderOwn);
/** tinyBIG `sphere_patch_based_geometric_compression(metric, p_r, …)`. */
export const spherePatchBasedGeometricCompression = shaped('sphere_patch_based_geometric_compression', SPHERE_KEYS, sphereOf, sphereOwn);
/** tinyBIG `cuboid_max_based_geometric_compression`: patch maximum. */
export const cuboidMaxBasedGeometricCompression = shaped('cuboid_max_based_geometric_compression', CUBOID_KEYS, cuboidOf, cuboidOwn, 'batch_max');
/** tinyBIG `cuboid_min_based_geometric_compression`: patch minimum. */
export const cuboidMinBasedGeometricCompression = shaped('cuboid_min_based_geometric_compression', CUBOID_KEYS, cuboidOf, cuboidOwn, 'batch_min');
/** tinyBIG `cuboid_mean_based_geometric_compression`: patch mean (zero padding counted). */
export const cuboidMeanBasedGeometricCompression = shaped('cuboid_mean_based_geometric_compression', CUBOID_KEYS, cuboidOf, cuboidOwn, 'batch_mean');
/** tinyBIG `cylinder_max_based_geometric_compression`. */
export const cylinderMaxBasedGeometricCompression = shaped('cylinder_max_based_geometric_compression', CYLINDER_KEYS, cylinderOf, cylinderOwn, 'batch_max');
/** tinyBIG `cylinder_min_based_geometric_compression`. */
export const cylinderMinBasedGeometricCompression = shaped('cylinder_min_based_geometric_compression', CYLINDER_KEYS, cylinderOf, cylinderOwn, 'batch_min');
/** tinyBIG `cylinder_mean_based_geometric_compression`. */
export const cylinderMeanBasedGeometricCompression = shaped('cylinder_mean_based_geometric_compression', CYLINDER_KEYS, cylinderOf, cylinderOwn, 'batch_mean');
/** tinyBIG `sphere_max_based_geometric_compression`. */
export const sphereMaxBasedGeometricCompression = shaped('sphere_max_based_geometric_compression', SPHERE_KEYS, sphereOf, sphereOwn, 'batch_max');
/** tinyBIG `sphere_min_based_geometric_compression`. */
export const sphereMinBasedGeometricCompression = shaped('sphere_min_based_geometric_compression', SPHERE_KEYS, sphereOf, sphereOwn, 'batch_min');
/** tinyBIG `sphere_mean_based_geometric_compression`. */
export const sphereMeanBasedGeometricCompression = shaped('sphere_mean_based_geometric_compression', SPHERE_KEYS, sphereOf, sphereOwn, 'batch_mean');
