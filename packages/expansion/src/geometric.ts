import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, grid as makeGrid, cuboidPatch, cylinderPatch, paddingMatrix, patchFromConfig, patchLayout, patchToConfig, spherePatch } from '@rpn/core';
import { CUBOID_PATCH_FIELDS, CYLINDER_PATCH_FIELDS, SPHERE_PATCH_FIELDS, any, defineOptions, int, num, str } from '@rpn/core';
import type { Grid, OptionsOf, OptionsOfFields, Params, Patch, Transformation, ValuesOfFields } from '@rpn/core';
import { TRANSFORMATION_BASE, defineExpansion } from './common.js';

/** Grid and packing options shared by the geometric expansions. */
export const GEOMETRIC_GRID_FIELDS = Object.freeze({
  ...TRANSFORMATION_BASE,
  h: int({ min: 1, doc: 'grid height' }),
  w: int({ min: 1, doc: 'grid width' }),
  d: int({ min: 1, doc: 'grid depth (default 1; tinyBIG requires it)' }),
  universeNum: int({ min: 1, doc: 'universes (channels) of the grid (default 1); m = h·w·d·universe_num' }),
  grid: any<Grid>({ doc: "a grid object (from @rpn/core's grid), instead of h/w/d" }),
  gridConfigs: any<{ grid_class?: string; grid_parameters?: Record<string, unknown> }>({ doc: 'tinyBIG grid_configs: {grid_class, grid_parameters: {h, w, d, universe_num}}' }),
  packingStrategy: str({ doc: 'tinyBIG packing_strategy (default: densest packing, centre distances (1, 1, 1))' }),
  cdH: num({ doc: 'explicit centre distance along h (used when all three are given)' }),
  cdW: num({ doc: 'explicit centre distance along w' }),
  cdD: num({ doc: 'explicit centre distance along d' }),
});
/** Grid and packing options shared by the geometric expansions. */
export type GeometricGridOptions = OptionsOfFields<typeof GEOMETRIC_GRID_FIELDS>;
type GridValues = ValuesOfFields<typeof GEOMETRIC_GRID_FIELDS>;

/** Options of {@link geometricExpansion}. */
export const GEOMETRIC_OPTIONS = defineOptions('geometric_expansion', {
  patch: any<Patch>({ doc: 'a patch object (cuboidPatch, cylinderPatch, spherePatch of @rpn/core)' }),
  patchConfigs: any<{ patch_class?: string; patch_parameters?: Record<string, unknown> }>({ doc: "tinyBIG patch_configs: {patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: {...}}" }),
}, GEOMETRIC_GRID_FIELDS);
/** Options of {@link geometricExpansion}. */
export type GeometricOptions = OptionsOf<typeof GEOMETRIC_OPTIONS>;

function resolveGrid(o: GridValues): Grid {
  if (o.grid && typeof (o.grid as Grid).volume === 'function') return o.grid as Grid;
  const gc = o.gridConfigs as { grid_parameters?: Record<string, unknown> } | undefined;
  const p = gc?.grid_parameters ?? {};
  const h = p.h ?? o.h;
  const w = p.w ?? o.w;
  // grid_parameters are checked by `grid` (typed errors naming h, w, d, universe_num)
  if (h == null || w == null) throw new ConfigError('geometric expansion needs a grid', { argument: 'h, w', expected: 'grid sizes h and w (or grid / grid_configs)', received: JSON.stringify({ h, w }) });
  return makeGrid({ h: h as number, w: w as number, d: (p.d ?? o.d ?? 1) as number, universeNum: (p.universe_num ?? o.universeNum ?? 1) as number });
}

/**
 * The geometric expansion core: the m inputs are `universeNum` grids of `h×w×d` cells
 * (cell (i,j,k) of universe c is attribute `c·hwd + k + j·d + i·d·w`); for every patch centre
 * (packing) and every patch offset, the value at that cell (zero when the offset falls outside
 * the grid). Output **offset-major** per universe: `out[:, (c·S + o)·P + p]` (S = patch size,
 * P = patch count), `D = C·S·P`. Computed as one matmul with a constant 0/1 padding matrix.
 */
function geometric(className: string, o: GridValues, patch: Patch, own: Params): Transformation {
  const g = resolveGrid(o);
  const layout = patchLayout(g, patch, { packingStrategy: o.packingStrategy, cdH: o.cdH, cdW: o.cdW, cdD: o.cdD });
  const N = g.volume();
  const C = g.universeNum;
  const cols = layout.patchNum * layout.patchSize;
  const calculateD = (m: number): number => {
    if (m !== N * C) throw new ShapeError(`${className}: input width does not match the grid`, { argument: 'x', expected: `width h·w·d·universes = ${g.h}·${g.w}·${g.d}·${C} = ${N * C}`, received: `width ${m}` });
    return C * cols;
  };
  let matrix: Float32Array | null = null;
  return defineExpansion(className, o, {
    own: {
      ...own,
      h: g.h, w: g.w, d: g.d, universeNum: C === 1 ? undefined : C,
      packingStrategy: o.packingStrategy, cdH: o.cdH, cdW: o.cdW, cdD: o.cdD,
    },
    calculateD,
    kappa: (x) => {
      const [b, m] = x.shape as [number, number];
      calculateD(m);
      matrix ??= paddingMatrix(layout, 'offset-major');
      const xs = C === 1 ? x : tf.reshape(x, [b * C, N]);
      return tf.reshape(tf.matMul(xs, tf.tensor2d(matrix, [N, cols])), [b, C * cols]);
    },
  });
}

/**
 * tinyBIG `geometric_expansion`: patch extraction on a grid with any patch
 * (`patch` object or `patch_configs`), offset-major output, `D = universes·S·P`.
 */
export function geometricExpansion(options: GeometricOptions): Transformation {
  const o = GEOMETRIC_OPTIONS.parse(options);
  const src = o.patch ?? o.patchConfigs;
  if (src == null) throw new ConfigError('geometric_expansion needs a patch', { argument: 'patch_configs', expected: '{patch_class, patch_parameters} or a patch object', received: 'nothing' });
  const patch = patchFromConfig(src as Patch);
  return geometric('geometric_expansion', o, patch, { patchConfigs: patchToConfig(patch) });
}

/** Options of {@link cuboidPatchBasedGeometricExpansion}. */
export const CUBOID_GEOMETRIC_OPTIONS = defineOptions('cuboid_patch_based_geometric_expansion', {
  ...CUBOID_PATCH_FIELDS,
}, GEOMETRIC_GRID_FIELDS);
/** Options of {@link cuboidPatchBasedGeometricExpansion}. */
export type CuboidGeometricOptions = OptionsOf<typeof CUBOID_GEOMETRIC_OPTIONS>;

/**
 * tinyBIG `cuboid_patch_based_geometric_expansion`: cuboid patches with offsets
 * `di ∈ [−p_h, p_h']`, `dj ∈ [−p_w, p_w']`, `dk ∈ [−p_d, p_d']`; `D = S·P`,
 * S = (p_h+p_h'+1)(p_w+p_w'+1)(p_d+p_d'+1).
 */
export function cuboidPatchBasedGeometricExpansion(options: CuboidGeometricOptions): Transformation {
  const o = CUBOID_GEOMETRIC_OPTIONS.parse(options);
  const patch = cuboidPatch({ pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime });
  return geometric('cuboid_patch_based_geometric_expansion', o, patch, { pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime });
}

/** Options of {@link cylinderPatchBasedGeometricExpansion}. */
export const CYLINDER_GEOMETRIC_OPTIONS = defineOptions('cylinder_patch_based_geometric_expansion', CYLINDER_PATCH_FIELDS, GEOMETRIC_GRID_FIELDS);
/** Options of {@link cylinderPatchBasedGeometricExpansion}. */
export type CylinderGeometricOptions = OptionsOf<typeof CYLINDER_GEOMETRIC_OPTIONS>;

/**
 * tinyBIG `cylinder_patch_based_geometric_expansion`: cylinder patches of radius p_r
 * (`di² + dj² ≤ p_r²`, `dk ∈ [−p_d', p_d']`, p_d' defaulting to p_d, as tinyBIG); `D = S·P`.
 */
export function cylinderPatchBasedGeometricExpansion(options: CylinderGeometricOptions): Transformation {
  const o = CYLINDER_GEOMETRIC_OPTIONS.parse(options);
  const patch = cylinderPatch({ pR: o.pR, pD: o.pD, pDPrime: o.pDPrime });
  return geometric('cylinder_patch_based_geometric_expansion', o, patch, { pR: o.pR, pD: o.pD, pDPrime: o.pDPrime });
}

/** Options of {@link spherePatchBasedGeometricExpansion}. */
export const SPHERE_GEOMETRIC_OPTIONS = defineOptions('sphere_patch_based_geometric_expansion', SPHERE_PATCH_FIELDS, GEOMETRIC_GRID_FIELDS);
/** Options of {@link spherePatchBasedGeometricExpansion}. */
export type SphereGeometricOptions = OptionsOf<typeof SPHERE_GEOMETRIC_OPTIONS>;

/** tinyBIG `sphere_patch_based_geometric_expansion`: sphere patches `di² + dj² + dk² ≤ p_r²`; `D = S·P`. */
export function spherePatchBasedGeometricExpansion(options: SphereGeometricOptions): Transformation {
  const o = SPHERE_GEOMETRIC_OPTIONS.parse(options);
  const patch = spherePatch({ pR: o.pR });
  return geometric('sphere_patch_based_geometric_expansion', o, patch, { pR: o.pR });
}
