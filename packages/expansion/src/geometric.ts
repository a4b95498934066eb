import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, grid as makeGrid, cuboidPatch, cylinderPatch, paddingMatrix, patchFromConfig, patchLayout, patchToConfig, spherePatch } from '@rpn/core';
import type { Grid, Params, Patch, Transformation } from '@rpn/core';
import { checkKeys, defineExpansion } from './common.js';
import type { BaseExpansionOptions } from './common.js';

/** Grid and packing options shared by the geometric expansions. */
export interface GeometricGridOptions extends BaseExpansionOptions {
  /** Grid height, width, depth (depth defaults to 1; tinyBIG requires it). */
  readonly h?: number;
  readonly w?: number;
  readonly d?: number;
  /** Universes (channels) of the grid (default 1); `m = h·w·d·universeNum`. */
  readonly universeNum?: number;
  /** A grid object (from `@rpn/core`'s `grid`), instead of h/w/d. */
  readonly grid?: Grid;
  /** tinyBIG `grid_configs`: `{grid_class, grid_parameters: {h, w, d, universe_num}}`. */
  readonly gridConfigs?: { grid_class?: string; grid_parameters?: Record<string, unknown> };
  /** tinyBIG `packing_strategy` (default: densest packing, centre distances (1, 1, 1)). */
  readonly packingStrategy?: string;
  /** Explicit centre distances (used when all three are given). */
  readonly cdH?: number;
  readonly cdW?: number;
  readonly cdD?: number;
}

/** Options of {@link geometricExpansion}. */
export interface GeometricOptions extends GeometricGridOptions {
  /** A patch object (`cuboidPatch`, `cylinderPatch`, `spherePatch` of `@rpn/core`). */
  readonly patch?: Patch;
  /** tinyBIG `patch_configs`: `{patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: {...}}`. */
  readonly patchConfigs?: { patch_class?: string; patch_parameters?: Record<string, unknown> };
}

const GRID_KEYS = ['h', 'w', 'd', 'universeNum', 'grid', 'gridConfigs', 'packingStrategy', 'cdH', 'cdW', 'cdD'];

function resolveGrid(o: Params): Grid {
  if (o.grid && typeof (o.grid as Grid).volume === 'function') return o.grid as Grid;
  const gc = o.gridConfigs as { grid_parameters?: Record<string, unknown> } | undefined;
  const p = gc?.grid_parameters ?? {};
  const h = p.h ?? o.h;
  const w = p.w ?? o.w;
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
function geometric(className: string, o: Params, patch: Patch, own: Params): Transformation {
  const g = resolveGrid(o);
  const layout = patchLayout(g, patch, { packingStrategy: o.packingStrategy as string | undefined, cdH: o.cdH as number | undefined, cdW: o.cdW as number | undefined, cdD: o.cdD as number | undefined });
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
  const o = options as Params;
  checkKeys(o, [...GRID_KEYS, 'patch', 'patchConfigs'], 'geometric_expansion');
  const src = o.patch ?? o.patchConfigs;
  if (src == null) throw new ConfigError('geometric_expansion needs a patch', { argument: 'patch_configs', expected: '{patch_class, patch_parameters} or a patch object', received: 'nothing' });
  const patch = patchFromConfig(src as Patch);
  return geometric('geometric_expansion', o, patch, { patchConfigs: patchToConfig(patch) });
}

/** Options of {@link cuboidPatchBasedGeometricExpansion}. */
export interface CuboidGeometricOptions extends GeometricGridOptions {
  readonly pH: number;
  readonly pW: number;
  readonly pD?: number;
  readonly pHPrime?: number;
  readonly pWPrime?: number;
  readonly pDPrime?: number;
}

/**
 * tinyBIG `cuboid_patch_based_geometric_expansion`: cuboid patches with offsets
 * `di ∈ [−p_h, p_h']`, `dj ∈ [−p_w, p_w']`, `dk ∈ [−p_d, p_d']`; `D = S·P`,
 * S = (p_h+p_h'+1)(p_w+p_w'+1)(p_d+p_d'+1).
 */
export function cuboidPatchBasedGeometricExpansion(options: CuboidGeometricOptions): Transformation {
  const o = options as unknown as Params;
  checkKeys(o, [...GRID_KEYS, 'pH', 'pW', 'pD', 'pHPrime', 'pWPrime', 'pDPrime'], 'cuboid_patch_based_geometric_expansion');
  const patch = cuboidPatch({ pH: o.pH as number, pW: o.pW as number, pD: (o.pD ?? 0) as number, pHPrime: o.pHPrime as number | undefined, pWPrime: o.pWPrime as number | undefined, pDPrime: o.pDPrime as number | undefined });
  return geometric('cuboid_patch_based_geometric_expansion', o, patch, { pH: o.pH, pW: o.pW, pD: o.pD ?? 0, pHPrime: o.pHPrime ?? undefined, pWPrime: o.pWPrime ?? undefined, pDPrime: o.pDPrime ?? undefined });
}

/** Options of {@link cylinderPatchBasedGeometricExpansion}. */
export interface CylinderGeometricOptions extends GeometricGridOptions {
  readonly pR: number;
  readonly pD?: number;
  readonly pDPrime?: number;
}

/**
 * tinyBIG `cylinder_patch_based_geometric_expansion`: cylinder patches of radius p_r
 * (`di² + dj² ≤ p_r²`, `dk ∈ [−p_d', p_d']`, p_d' defaulting to p_d, as tinyBIG); `D = S·P`.
 */
export function cylinderPatchBasedGeometricExpansion(options: CylinderGeometricOptions): Transformation {
  const o = options as unknown as Params;
  checkKeys(o, [...GRID_KEYS, 'pR', 'pD', 'pDPrime'], 'cylinder_patch_based_geometric_expansion');
  const patch = cylinderPatch({ pR: o.pR as number, pD: (o.pD ?? 0) as number, pDPrime: o.pDPrime as number | undefined });
  return geometric('cylinder_patch_based_geometric_expansion', o, patch, { pR: o.pR, pD: o.pD ?? 0, pDPrime: o.pDPrime ?? undefined });
}

/** Options of {@link spherePatchBasedGeometricExpansion}. */
export interface SphereGeometricOptions extends GeometricGridOptions {
  readonly pR: number;
}

/** tinyBIG `sphere_patch_based_geometric_expansion`: sphere patches `di² + dj² + dk² ≤ p_r²`; `D = S·P`. */
export function spherePatchBasedGeometricExpansion(options: SphereGeometricOptions): Transformation {
  const o = options as unknown as Params;
  checkKeys(o, [...GRID_KEYS, 'pR'], 'sphere_patch_based_geometric_expansion');
  const patch = spherePatch({ pR: o.pR as number });
  return geometric('sphere_patch_based_geometric_expansion', o, patch, { pR: o.pR });
}
