import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ConfigError, cuboidPatch, cylinderPatch, grid, patchLayout, spherePatch,
  type Coordinate3, type Patch, type PatchLayout,
} from '@rpn/core';

/**
 * The patch geometry of tinyBIG's grid heads (`grid_interdependence_head`, `grid_compression_head`),
 * in camelCase: a grid `h × w × d` with `channels` universes, a patch shape with its extents, and the
 * centre distances (explicit `cdH, cdW, cdD` only when all three are given, else `packingStrategy`).
 */
export interface GridGeometryOptions {
  readonly h: number;
  readonly w: number;
  readonly d?: number;
  readonly channels: number;
  /** The argument name of `channels` in errors (`in_channel` or `channel_num`). */
  readonly channelsArgument?: string;
  readonly patchShape?: string;
  readonly pH?: number | null;
  readonly pHPrime?: number | null;
  readonly pW?: number | null;
  readonly pWPrime?: number | null;
  readonly pD?: number | null;
  readonly pDPrime?: number | null;
  readonly pR?: number | null;
  readonly cdH?: number | null;
  readonly cdW?: number | null;
  readonly cdD?: number | null;
  readonly packingStrategy?: string | null;
}

/** A resolved grid geometry: the packed patches and the numbers tinyBIG's heads report. */
export interface GridGeometry {
  readonly h: number;
  readonly w: number;
  readonly d: number;
  /** Universes (channels) C of the input grid. */
  readonly channels: number;
  /** Cells of one channel N = h·w·d. */
  readonly cells: number;
  /** Input width m = C·N. */
  readonly m: number;
  readonly patch: Patch;
  readonly layout: PatchLayout;
  /** Patch size S (tinyBIG `get_patch_size`). */
  readonly patchSize: number;
  /** Patches per channel P (tinyBIG `get_patch_num(across_universe=False)`). */
  readonly patchNum: number;
  /** Resolved centre distances `(cd_h, cd_w, cd_d)`. */
  readonly centerDistances: Coordinate3;
  /** tinyBIG `get_input_grid_shape`: `(h, w, d)`. */
  readonly inputGridShape: Coordinate3;
  /** tinyBIG `get_output_grid_shape`: the packed grid `(⌈h/cd_h⌉, ⌈w/cd_w⌉, ⌈d/cd_d⌉)`. */
  readonly outputGridShape: Coordinate3;
}

const PATCH_SHAPES = ['cuboid', 'cylinder', 'sphere'];

function size(v: unknown, argument: string, min: number, why = ''): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ConfigError(`invalid ${argument}${why}`, { argument, expected: `an integer ≥ ${min}`, received: JSON.stringify(v) });
  }
  return v;
}

const extent = (v: number | null | undefined, argument: string): number | undefined => (v == null ? undefined : size(v, argument, 0, ' (a negative patch extent leaves no patch)'));

/**
 * Resolves a grid geometry as tinyBIG's grid heads do: cuboid needs `p_h` (`p_w` defaults to `p_h`,
 * primes to their unprimed value, `p_d` to 0); cylinder and sphere need `p_r`; the strides
 * `cd_h, cd_w, cd_d` are used only when all three are given, else the patch's `packing_strategy`
 * (default `densest_packing`). Throws a ConfigError naming the parameter for a missing or negative
 * extent, a stride below 1 (it would leave no patch), a bad size or an unknown `patch_shape`.
 */
export function gridGeometry(o: GridGeometryOptions): GridGeometry {
  const h = size(o.h, 'h', 1);
  const w = size(o.w, 'w', 1);
  const d = size(o.d ?? 1, 'd', 1);
  const C = size(o.channels, o.channelsArgument ?? 'channel_num', 1);
  const shape = o.patchShape ?? 'cuboid';
  if (!PATCH_SHAPES.includes(shape)) {
    throw new ConfigError('unknown patch_shape', { argument: 'patch_shape', expected: "'cuboid', 'cylinder' or 'sphere'", received: JSON.stringify(o.patchShape) });
  }
  let patch: Patch;
  if (shape === 'cuboid') {
    if (o.pH == null) throw new ConfigError('a cuboid patch needs p_h', { argument: 'p_h', expected: 'an integer ≥ 0', received: 'nothing' });
    const pH = extent(o.pH, 'p_h')!;
    patch = cuboidPatch({
      pH, pW: extent(o.pW, 'p_w') ?? pH, pD: extent(o.pD, 'p_d') ?? 0,
      pHPrime: extent(o.pHPrime, 'p_h_prime'), pWPrime: extent(o.pWPrime, 'p_w_prime'), pDPrime: extent(o.pDPrime, 'p_d_prime'),
    });
  } else {
    if (o.pR == null) throw new ConfigError(`a ${shape} patch needs p_r`, { argument: 'p_r', expected: 'an integer ≥ 0', received: 'nothing' });
    const pR = extent(o.pR, 'p_r')!;
    patch = shape === 'cylinder' ? cylinderPatch({ pR, pD: extent(o.pD, 'p_d') ?? 0, pDPrime: extent(o.pDPrime, 'p_d_prime') }) : spherePatch({ pR });
  }
  const explicit = o.cdH != null && o.cdW != null && o.cdD != null;
  if (explicit) {
    const why = ' (a stride below 1 leaves no patch)';
    size(o.cdH, 'cd_h', 1, why);
    size(o.cdW, 'cd_w', 1, why);
    size(o.cdD, 'cd_d', 1, why);
  }
  const packing = { packingStrategy: o.packingStrategy ?? 'densest_packing', ...(explicit ? { cdH: o.cdH, cdW: o.cdW, cdD: o.cdD } : {}) };
  const layout = patchLayout(grid({ h, w, d, universeNum: C }), patch, packing);
  return Object.freeze({
    h, w, d, channels: C, cells: h * w * d, m: C * h * w * d, patch, layout,
    patchSize: layout.patchSize, patchNum: layout.patchNum, centerDistances: layout.centerDistances,
    inputGridShape: Object.freeze([h, w, d]) as Coordinate3,
    outputGridShape: layout.packedShape,
  });
}

/**
 * The flat gather index of the conv kernel, in tinyBIG's order (patch, channel, offset): entry
 * `p·(C·S) + c·S + o` is the input column `c·N + cell` that offset o of patch p reads in channel c,
 * or `m` (the zero pad column) outside the grid. Gathered rows view as `(b, P, C·S)`.
 */
export function convGatherIndex(g: GridGeometry): Int32Array {
  return gatherIndex(g, (p, c) => p * g.channels + c);
}

/**
 * The flat gather index of the pooling kernel, in the order (channel, patch, offset): entry
 * `c·(P·S) + p·S + o`, so that the gathered rows view as `(b, C·P, S)` and one reduction over the
 * last axis gives `out[b, c·P + p]` directly.
 */
export function poolGatherIndex(g: GridGeometry): Int32Array {
  return gatherIndex(g, (p, c) => c * g.patchNum + p);
}

/**
 * The gather index shared by both kernels: block `block(p, c)` of S entries holds, for offset o,
 * the input column `c·N + cell` that offset o of patch p reads in channel c (`m`, the zero pad
 * column, outside the grid).
 */
function gatherIndex(g: GridGeometry, block: (p: number, c: number) => number): Int32Array {
  const { patchNum: P, patchSize: S, channels: C, cells: N, m } = g;
  const out = new Int32Array(P * C * S);
  for (let p = 0; p < P; p++) {
    for (let c = 0; c < C; c++) {
      const at = block(p, c) * S;
      for (let o = 0; o < S; o++) {
        const cell = g.layout.cells[p * S + o];
        out[at + o] = cell < 0 ? m : c * N + cell;
      }
    }
  }
  return out;
}

/**
 * A column gather `y[b, k] = [x | 0][b, index[k]]` and its inverse: `inverse[j·R + r]` is the r-th
 * position k with `index[k] = j` (or K = index.length, the zero pad of dy, when j is read fewer than
 * R times), so the gradient `dx[b, j] = Σ_r [dy | 0][b, inverse[j·R + r]]` is another gather and a
 * sum: no scatter (tfjs's gather gradient needs UnsortedSegmentSum, which wasm lacks).
 */
export interface GatherPlan {
  readonly index: Int32Array;
  /** Input width; `index` value m is the zero pad. */
  readonly m: number;
  readonly inverse: Int32Array;
  /** R, the most times one input column is read. */
  readonly fanIn: number;
}

/** Builds the plan of a column gather from its index (values in `[0, m]`, m = zero pad). */
export function gatherPlan(index: Int32Array, m: number): GatherPlan {
  const count = new Int32Array(m);
  for (const j of index) if (j < m) count[j]++;
  let R = 1;
  for (const c of count) if (c > R) R = c;
  const K = index.length;
  const inverse = new Int32Array(m * R).fill(K);
  const filled = new Int32Array(m);
  index.forEach((j, k) => {
    if (j < m) inverse[j * R + filled[j]++] = k;
  });
  return Object.freeze({ index, m, inverse, fanIn: R });
}

/**
 * `[b, m] → [b, K]`: gathers the columns of `plan.index` from x padded with one zero column, with a
 * gradient that is a gather and a sum (see {@link GatherPlan}). The int32 index tensors are uploaded
 * inside the op from the plan's precomputed arrays, so nothing outlives a forward.
 */
export function gatherColumns(x: Tensor, plan: GatherPlan): Tensor {
  const op = tf.customGrad(((xi: Tensor) => {
    const b = xi.shape[0] as number;
    const value = tf.gather(tf.concat([xi, tf.zeros([b, 1], xi.dtype)], 1), tf.tensor1d(plan.index, 'int32'), 1);
    const gradFunc = (dy: Tensor): Tensor => {
      const g = tf.gather(tf.concat([dy, tf.zeros([b, 1], dy.dtype)], 1), tf.tensor1d(plan.inverse, 'int32'), 1);
      return plan.fanIn === 1 ? g : tf.sum(tf.reshape(g, [b, plan.m, plan.fanIn]), 2);
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as Tensor;
}

/** Refuses a head whose m or n is not its grid's: `m = h·w·d·C`, `n = k·P` (k output channels per patch). */
export function checkGridWidths(request: { m: number; n: number }, g: GridGeometry, n: number, what: string, channelsArgument: string, perPatch: string): void {
  if (request.m !== g.m) throw new ConfigError(`the ${what} head reads another width than its grid`, { argument: 'm', expected: `${g.m} (h·w·d·${channelsArgument})`, received: String(request.m) });
  if (request.n !== n) throw new ConfigError(`the ${what} head writes another width than its patches`, { argument: 'n', expected: `${n} (${perPatch}·patch_num)`, received: String(request.n) });
}
