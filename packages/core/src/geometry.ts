/**
 * Grid and patch geometry (tinyBIG `koala.geometry`: grid, cuboid, cylinder, sphere), shared by
 * the geometric expansion, compression and interdependence functions.
 *
 * ## Index conventions (all of them follow tinyBIG)
 *
 * - A **grid** has `h × w × d` cells and `universeNum` universes (channels). Cell `(i, j, k)`
 *   (`i` = row in `[0, h)`, `j` = column in `[0, w)`, `k` = depth in `[0, d)`) of universe `u` is
 *   attribute `k + j·d + i·d·w + u·h·w·d` of an input row (channel-major: a CHW-flattened image
 *   with `d = 1`, or `h, w, d` flattened C-order per channel). Cells are enumerated `i` (outer) →
 *   `j` → `k` (inner), so the cell index *is* the attribute index within one universe.
 * - A **patch** is an ordered list of offsets `(di, dj, dk)` relative to its centre, enumerated
 *   lexicographically (`di` outer, `dk` inner):
 *   - cuboid: `di ∈ [−p_h, p_h']`, `dj ∈ [−p_w, p_w']`, `dk ∈ [−p_d, p_d']` (primes default to the
 *     unprimed value); size `(p_h+p_h'+1)(p_w+p_w'+1)(p_d+p_d'+1)`;
 *   - cylinder: `di ∈ [−p_r, p_r]`, `|dj| ≤ ⌊√(p_r²−di²)⌋` with `di²+dj² ≤ p_r²`, and
 *     `dk ∈ [−p_d', p_d']` — tinyBIG uses `p_d'` in **both** depth directions (`p_d` only supplies
 *     the default of `p_d'` and the packing distances); we keep that so outputs match;
 *   - sphere: `di²+dj²+dk² ≤ p_r²`.
 * - **Patch centres** are `(i, j, k)` for `i` in `range(0, h, cd_h)`, `j` in `range(0, w, cd_w)`,
 *   `k` in `range(0, d, cd_d)` (lexicographic), so `P = ⌈h/cd_h⌉·⌈w/cd_w⌉·⌈d/cd_d⌉`. The centre
 *   distances come from a packing strategy of the patch (see {@link packingStrategyParameters}) or
 *   are given explicitly.
 * - Per patch `p` and offset `o`, {@link PatchLayout.cells}`[p·S + o]` is the cell index (within one
 *   universe) the offset lands on, or `-1` when it falls outside the grid (zero padding).
 * - **Padding matrix** `[N, P·S]` (N = cells of one universe): **patch-major** column `p·S + o`
 *   (tinyBIG's geometric interdependence; `x · A` gives the patch values patch by patch) or
 *   **offset-major** column `o·P + p` (tinyBIG's geometric expansion output order). An entry is 1
 *   where offset `o` of patch `p` is that cell; a column of an out-of-grid offset is all zeros.
 * - **Aggregation matrix** `[N, N]`: `A[cell, centre] = 1` for every in-grid cell of the patch
 *   around that centre; columns of cells that are not centres are zero. `x · A` sums each patch.
 *
 * Channels: tinyBIG applies these per-universe matrices to `x.view(b·C, N)`; the helpers here
 * build the per-universe matrix, and {@link PatchLayout} gives everything needed for other layouts.
 */
import { ValueError } from './errors.js';

/** A 3-D integer coordinate `(i, j, k)` = (height, width, depth). */
export type Coordinate3 = readonly [number, number, number];

/** Grid of `h × w × d` cells with `universeNum` universes (channels). */
export interface Grid {
  readonly h: number;
  readonly w: number;
  readonly d: number;
  readonly universeNum: number;
  /** Cells of one universe (`h·w·d`), or of all universes when `acrossUniverse`. */
  volume(acrossUniverse?: boolean): number;
  /** Attribute index `k + j·d + i·d·w + universe·h·w·d`, or `-1` when `(i, j, k)` is outside the grid. */
  attributeIndex(i: number, j: number, k: number, universe?: number): number;
  /** `(i, j, k)` of a cell index in `[0, h·w·d)`. */
  coordinate(cell: number): Coordinate3;
  /** True when `(i, j, k)` is inside the grid. */
  contains(i: number, j: number, k: number): boolean;
}

function checkInt(v: unknown, argument: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError('invalid integer', { argument, expected: `an integer ≥ ${min}`, received: JSON.stringify(v) });
  }
  return v;
}

/** Options of {@link grid} (tinyBIG: `grid(h, w, d=1, universe_num=1)`). */
export interface GridOptions {
  readonly h: number;
  readonly w: number;
  readonly d?: number;
  readonly universeNum?: number;
}

/** Creates a grid. Throws {@link ValueError} for non-positive or non-integer sizes. */
export function grid(options: GridOptions): Grid {
  const h = checkInt(options.h, 'h', 1);
  const w = checkInt(options.w, 'w', 1);
  const d = checkInt(options.d ?? 1, 'd', 1);
  const universeNum = checkInt(options.universeNum ?? 1, 'universe_num', 1);
  const contains = (i: number, j: number, k: number): boolean => i >= 0 && i < h && j >= 0 && j < w && k >= 0 && k < d;
  return Object.freeze({
    h, w, d, universeNum,
    volume: (acrossUniverse = false) => h * w * d * (acrossUniverse ? universeNum : 1),
    contains,
    attributeIndex: (i: number, j: number, k: number, universe = 0) => (contains(i, j, k) ? k + j * d + i * d * w + universe * h * w * d : -1),
    coordinate: (cell: number): Coordinate3 => {
      if (!Number.isInteger(cell) || cell < 0 || cell >= h * w * d) {
        throw new ValueError('cell index out of range', { argument: 'cell', expected: `an integer in [0, ${h * w * d})`, received: String(cell) });
      }
      return Object.freeze([Math.floor(cell / (w * d)), Math.floor(cell / d) % w, cell % d]) as Coordinate3;
    },
  });
}

/** Patch kinds of tinyBIG's `koala.geometry`. */
export type PatchKind = 'cuboid' | 'cylinder' | 'sphere';

/** A patch: its shape parameters and ordered offsets (see the module docs for the order). */
export interface Patch {
  readonly kind: PatchKind;
  /** tinyBIG's parameters with defaults resolved (`p_h`, `p_h_prime`, …, `p_r`, `p_d`, `p_d_prime`). */
  readonly params: Readonly<Record<string, number>>;
  /** Offsets `(di, dj, dk)` in tinyBIG's enumeration order. */
  readonly offsets: readonly Coordinate3[];
  /** Number of offsets (tinyBIG's `patch.get_volume()`). */
  readonly size: number;
  /** Centre distances `(cd_h, cd_w, cd_d)` for a packing strategy. */
  packingStrategyParameters(strategy?: string): Coordinate3;
}

/** Options of {@link cuboidPatch}. */
export interface CuboidOptions {
  readonly pH: number;
  readonly pW: number;
  readonly pD?: number;
  readonly pHPrime?: number | null;
  readonly pWPrime?: number | null;
  readonly pDPrime?: number | null;
}

/** Options of {@link cylinderPatch}. `pDPrime` defaults to `pD` and is used in both depth directions. */
export interface CylinderOptions {
  readonly pR: number;
  readonly pD?: number;
  readonly pDPrime?: number | null;
}

/** Options of {@link spherePatch}. */
export interface SphereOptions {
  readonly pR: number;
}

/** tinyBIG clamps every centre distance to `max(int(v), 1)` (Python `int` truncates towards 0). */
function clampCd(v: number): number {
  return Math.max(Math.trunc(v), 1);
}

function freezeOffsets(list: Coordinate3[]): readonly Coordinate3[] {
  return Object.freeze(list.map((c) => Object.freeze([...c]) as Coordinate3));
}

/**
 * Cuboid patch: offsets `di ∈ [−p_h, p_h']`, `dj ∈ [−p_w, p_w']`, `dk ∈ [−p_d, p_d']`.
 * Packing strategies: `sparse_square` (3p), `complete_square` (2p), `dense_square` (p),
 * `densest_packing` (1); unknown names fall back to densest, as in tinyBIG.
 */
export function cuboidPatch(options: CuboidOptions): Patch {
  const pH = checkInt(options.pH, 'p_h', 0);
  const pW = checkInt(options.pW, 'p_w', 0);
  const pD = checkInt(options.pD ?? 0, 'p_d', 0);
  const pHPrime = checkInt(options.pHPrime ?? pH, 'p_h_prime', 0);
  const pWPrime = checkInt(options.pWPrime ?? pW, 'p_w_prime', 0);
  const pDPrime = checkInt(options.pDPrime ?? pD, 'p_d_prime', 0);
  const offsets: Coordinate3[] = [];
  for (let i = 0 - pH; i <= pHPrime; i++) for (let j = 0 - pW; j <= pWPrime; j++) for (let k = 0 - pD; k <= pDPrime; k++) offsets.push([i, j, k]);
  return Object.freeze({
    kind: 'cuboid' as const,
    params: Object.freeze({ p_h: pH, p_w: pW, p_d: pD, p_h_prime: pHPrime, p_w_prime: pWPrime, p_d_prime: pDPrime }),
    offsets: freezeOffsets(offsets),
    size: offsets.length,
    packingStrategyParameters(strategy = 'complete_square'): Coordinate3 {
      let cd: [number, number, number];
      switch (strategy) {
        case 'sparse_square': cd = [3 * pH, 3 * pW, 3 * pD]; break;
        case 'complete_square': cd = [2 * pH, 2 * pW, 2 * pD]; break;
        case 'dense_square': cd = [pH, pW, pD]; break;
        default: cd = [1, 1, 1];
      }
      return Object.freeze(cd.map(clampCd)) as unknown as Coordinate3;
    },
  });
}

/**
 * Cylinder patch of radius `p_r`: all `(di, dj)` with `di² + dj² ≤ p_r²`, and `dk ∈ [−p_d', p_d']`
 * (tinyBIG ignores `p_d` in the offsets; it uses it for packing distances). Packing strategies:
 * `sparse_square`, `complete_square`, `sparse_hexagonal`, `complete_hexagonal`, `dense_hexagonal`,
 * `denser_hexagonal`, `densest_packing`.
 */
export function cylinderPatch(options: CylinderOptions): Patch {
  const pR = checkInt(options.pR, 'p_r', 0);
  const pD = checkInt(options.pD ?? 0, 'p_d', 0);
  const pDPrime = checkInt(options.pDPrime ?? pD, 'p_d_prime', 0);
  const offsets: Coordinate3[] = [];
  for (let i = 0 - pR; i <= pR; i++) {
    const jLim = Math.trunc(Math.sqrt(pR * pR - i * i));
    for (let j = 0 - jLim; j <= jLim; j++) {
      if (i * i + j * j <= pR * pR) for (let k = 0 - pDPrime; k <= pDPrime; k++) offsets.push([i, j, k]);
    }
  }
  const s2 = Math.SQRT2, s3 = Math.sqrt(3), s6 = Math.sqrt(6);
  return Object.freeze({
    kind: 'cylinder' as const,
    params: Object.freeze({ p_r: pR, p_d: pD, p_d_prime: pDPrime }),
    offsets: freezeOffsets(offsets),
    size: offsets.length,
    packingStrategyParameters(strategy = 'complete_square'): Coordinate3 {
      let cd: [number, number, number];
      switch (strategy) {
        case 'sparse_square': cd = [2 * pR, 2 * pR, 2 * pD]; break;
        case 'complete_square': cd = [s2 * pR, s2 * pR, 2 * pD]; break;
        case 'sparse_hexagonal': cd = [s3 * pR, 2 * pR, 2 * pD]; break;
        case 'complete_hexagonal': cd = [1.5 * pR, s3 * pR, 2 * pD]; break;
        case 'dense_hexagonal': cd = [0.5 * s6 * pR, s2 * pR, pD]; break;
        case 'denser_hexagonal': cd = [0.5 * s3 * pR, pR, pD]; break;
        default: cd = [1, 1, 1];
      }
      return Object.freeze(cd.map(clampCd)) as unknown as Coordinate3;
    },
  });
}

/**
 * Sphere patch of radius `p_r`: all `(di, dj, dk)` with `di² + dj² + dk² ≤ p_r²`. Packing strategies:
 * `sparse_simple_cubic`, `complete_simple_cubic`, `dense_simple_cubic`, `sparse_face_centered_cubic`,
 * `complete_face_centered_cubic`, `dense_face_centered_cubic`, `sparse_hexagonal`, `complete_hexagonal`,
 * `dense_hexagonal`, `densest_packing` (tinyBIG's constants, including its 0.6667 and 1.3333).
 */
export function spherePatch(options: SphereOptions): Patch {
  const pR = checkInt(options.pR, 'p_r', 0);
  const offsets: Coordinate3[] = [];
  for (let i = 0 - pR; i <= pR; i++) {
    const jLim = Math.trunc(Math.sqrt(pR * pR - i * i));
    for (let j = 0 - jLim; j <= jLim; j++) {
      if (i * i + j * j > pR * pR) continue;
      const kLim = Math.trunc(Math.sqrt(pR * pR - i * i - j * j));
      for (let k = 0 - kLim; k <= kLim; k++) if (i * i + j * j + k * k <= pR * pR) offsets.push([i, j, k]);
    }
  }
  const s2 = Math.SQRT2, s3 = Math.sqrt(3), s6 = Math.sqrt(6);
  return Object.freeze({
    kind: 'sphere' as const,
    params: Object.freeze({ p_r: pR }),
    offsets: freezeOffsets(offsets),
    size: offsets.length,
    packingStrategyParameters(strategy = 'complete_square'): Coordinate3 {
      let cd: [number, number, number];
      switch (strategy) {
        case 'sparse_simple_cubic': cd = [2 * pR, 2 * pR, 2 * pR]; break;
        case 'complete_simple_cubic': cd = [0.6667 * s3 * pR, 0.6667 * s3 * pR, 0.6667 * s3 * pR]; break;
        case 'dense_simple_cubic': cd = [pR, pR, pR]; break;
        case 'sparse_face_centered_cubic': cd = [2 * pR, s3 * pR, 0.6667 * s6 * pR]; break;
        case 'complete_face_centered_cubic': cd = [s2 * pR, 0.6667 * s6 * pR, 1.3333 * pR]; break;
        case 'dense_face_centered_cubic': cd = [pR, pR, pR]; break;
        case 'sparse_hexagonal': cd = [2 * pR, 2 * pR, s6 * pR]; break;
        case 'complete_hexagonal': cd = [0.6667 * s3 * pR, 0.6667 * s3 * pR, pR]; break;
        case 'dense_hexagonal': cd = [pR, pR, pR]; break;
        default: cd = [1, 1, 1];
      }
      return Object.freeze(cd.map(clampCd)) as unknown as Coordinate3;
    },
  });
}

/**
 * Builds a patch from tinyBIG's `patch_configs` envelope
 * (`{patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: {p_h: 1, …}}`) or from a
 * kind plus snake_case parameters.
 */
export function patchFromConfig(config: { patch_class?: string; patch_parameters?: Record<string, unknown> } | Patch): Patch {
  if ((config as Patch).offsets) return config as Patch;
  const c = config as { patch_class?: string; patch_parameters?: Record<string, unknown> };
  const cls = String(c.patch_class ?? '');
  const kind = cls.slice(cls.lastIndexOf('.') + 1);
  const p = (c.patch_parameters ?? {}) as Record<string, number | null | undefined>;
  if (kind === 'cuboid') return cuboidPatch({ pH: p.p_h as number, pW: p.p_w as number, pD: p.p_d ?? 0, pHPrime: p.p_h_prime, pWPrime: p.p_w_prime, pDPrime: p.p_d_prime });
  if (kind === 'cylinder') return cylinderPatch({ pR: (p.p_r ?? p.r) as number, pD: p.p_d ?? 0, pDPrime: p.p_d_prime });
  if (kind === 'sphere') return spherePatch({ pR: (p.p_r ?? p.r) as number });
  throw new ValueError('unknown patch class', { argument: 'patch_configs.patch_class', expected: 'tinybig.koala.geometry.cuboid, cylinder or sphere', received: JSON.stringify(c.patch_class) });
}

/** The patch as a tinyBIG `patch_configs` envelope (round-trips through {@link patchFromConfig}). */
export function patchToConfig(patch: Patch): { patch_class: string; patch_parameters: Record<string, number> } {
  return { patch_class: `tinybig.koala.geometry.${patch.kind}`, patch_parameters: { ...patch.params } };
}

/** Centre distances, explicit or from a packing strategy. */
export interface PackingOptions {
  /** tinyBIG's `packing_strategy` (default `densest_packing`, as in the geometric functions). */
  readonly packingStrategy?: string;
  /** Explicit centre distances; used only when all three are given (as in tinyBIG). */
  readonly cdH?: number | null;
  readonly cdW?: number | null;
  readonly cdD?: number | null;
}

/** Resolves `(cd_h, cd_w, cd_d)`: explicit when all three are given, else from the patch's strategy. */
export function packingStrategyParameters(patch: Patch, options: PackingOptions = {}): Coordinate3 {
  const { cdH, cdW, cdD } = options;
  if (cdH != null && cdW != null && cdD != null) {
    return Object.freeze([checkInt(cdH, 'cd_h', 1), checkInt(cdW, 'cd_w', 1), checkInt(cdD, 'cd_d', 1)]) as Coordinate3;
  }
  return patch.packingStrategyParameters(options.packingStrategy ?? 'densest_packing');
}

/**
 * Patch centres and, per patch, the cells its offsets land on.
 * `cells[p·S + o]` = cell index (within one universe) of offset `o` of patch `p`, or `-1` outside the grid.
 */
export interface PatchLayout {
  readonly grid: Grid;
  readonly patch: Patch;
  /** `(cd_h, cd_w, cd_d)`. */
  readonly centerDistances: Coordinate3;
  /** Patch count P (per universe). */
  readonly patchNum: number;
  /** Offsets per patch S. */
  readonly patchSize: number;
  /** Centres in order (lexicographic over `range(0,h,cd_h) × range(0,w,cd_w) × range(0,d,cd_d)`). */
  readonly centers: readonly Coordinate3[];
  /** Cell index of each centre (length P). */
  readonly centerCells: Int32Array;
  /** `[P·S]` cell indices, patch-major; `-1` = outside the grid (zero padding). */
  readonly cells: Int32Array;
  /** Packed grid shape `(⌈h/cd_h⌉, ⌈w/cd_w⌉, ⌈d/cd_d⌉)`. */
  readonly packedShape: Coordinate3;
}

/** Packs `patch` on `g` (tinyBIG `grid.packing`) and resolves every offset to a cell. */
export function patchLayout(g: Grid, patch: Patch, options: PackingOptions = {}): PatchLayout {
  const cd = packingStrategyParameters(patch, options);
  const centers: Coordinate3[] = [];
  for (let i = 0; i < g.h; i += cd[0]) for (let j = 0; j < g.w; j += cd[1]) for (let k = 0; k < g.d; k += cd[2]) centers.push(Object.freeze([i, j, k]) as Coordinate3);
  const P = centers.length, S = patch.size;
  const cells = new Int32Array(P * S);
  const centerCells = new Int32Array(P);
  centers.forEach(([ci, cj, ck], p) => {
    centerCells[p] = g.attributeIndex(ci, cj, ck);
    patch.offsets.forEach(([di, dj, dk], o) => { cells[p * S + o] = g.attributeIndex(ci + di, cj + dj, ck + dk); });
  });
  const packedShape = Object.freeze([Math.ceil(g.h / cd[0]), Math.ceil(g.w / cd[1]), Math.ceil(g.d / cd[2])]) as Coordinate3;
  return Object.freeze({ grid: g, patch, centerDistances: cd, patchNum: P, patchSize: S, centers: Object.freeze(centers), centerCells, cells, packedShape });
}

/** Column order of a padding matrix. */
export type PaddingLayout = 'patch-major' | 'offset-major';

/**
 * Padding matrix `[N, P·S]` (row-major Float32Array, N = cells per universe): entry 1 at
 * `[cell, p·S + o]` (patch-major) or `[cell, o·P + p]` (offset-major) when offset `o` of patch `p`
 * is that cell; out-of-grid offsets leave their column zero.
 */
export function paddingMatrix(layout: PatchLayout, order: PaddingLayout = 'patch-major'): Float32Array {
  const N = layout.grid.volume(), P = layout.patchNum, S = layout.patchSize, cols = P * S;
  const out = new Float32Array(N * cols);
  for (let p = 0; p < P; p++) {
    for (let o = 0; o < S; o++) {
      const cell = layout.cells[p * S + o];
      if (cell < 0) continue;
      const col = order === 'patch-major' ? p * S + o : o * P + p;
      out[cell * cols + col] = 1;
    }
  }
  return out;
}

/** Degree-normalisation modes of tinyBIG's `degree_based_normalize_matrix`. */
export type NormalizationMode = 'row' | 'column' | 'row_column';

/**
 * tinyBIG's `degree_based_normalize_matrix` on a dense row-major matrix (computed in float64):
 * `row` divides each row by its sum, `column` each column by its sum, `row_column` divides rows by
 * √(row sum) and then the result's columns by √(its column sums). Zero sums are replaced by 1.
 */
export function degreeNormalize(values: ArrayLike<number>, rows: number, cols: number, mode: NormalizationMode | string = 'row'): Float64Array {
  const mx = Float64Array.from(values as ArrayLike<number>);
  if (mx.length !== rows * cols) {
    throw new ValueError('matrix size does not match its shape', { argument: 'values', expected: `${rows}·${cols} = ${rows * cols} values`, received: `${mx.length}` });
  }
  const rowScale = (f: (s: number) => number) => {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += mx[r * cols + c];
      const div = f(s === 0 ? 1 : s);
      for (let c = 0; c < cols; c++) mx[r * cols + c] /= div;
    }
  };
  const colScale = (f: (s: number) => number) => {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += mx[r * cols + c];
      const div = f(s === 0 ? 1 : s);
      for (let r = 0; r < rows; r++) mx[r * cols + c] /= div;
    }
  };
  if (mode === 'row') rowScale((s) => s);
  else if (mode === 'column') colScale((s) => s);
  else if (mode === 'row_column') { rowScale(Math.sqrt); colScale(Math.sqrt); }
  else throw new ValueError('invalid normalization mode', { argument: 'normalization_mode', expected: "'row', 'column' or 'row_column'", received: JSON.stringify(mode) });
  return mx;
}

/** Options of {@link aggregationMatrix}. */
export interface AggregationOptions {
  readonly normalization?: boolean;
  readonly normalizationMode?: NormalizationMode | string;
}

/**
 * Aggregation matrix `[N, N]` (row-major, float64 so normalised values stay exact): `A[cell, centre] = 1`
 * for each in-grid cell of the patch around each centre, then optionally degree-normalised.
 */
export function aggregationMatrix(layout: PatchLayout, options: AggregationOptions = {}): Float64Array {
  const N = layout.grid.volume(), S = layout.patchSize;
  let out: Float64Array = new Float64Array(N * N);
  for (let p = 0; p < layout.patchNum; p++) {
    const centre = layout.centerCells[p];
    for (let o = 0; o < S; o++) {
      const cell = layout.cells[p * S + o];
      if (cell >= 0) out[cell * N + centre] = 1;
    }
  }
  if (options.normalization) out = degreeNormalize(out, N, N, options.normalizationMode ?? 'row_column');
  return out;
}

/** Padding matrix after optional degree normalisation (tinyBIG normalises either kind of matrix). */
export function normalizedPaddingMatrix(layout: PatchLayout, order: PaddingLayout = 'patch-major', options: AggregationOptions = {}): Float64Array {
  const m = paddingMatrix(layout, order);
  if (!options.normalization) return Float64Array.from(m);
  return degreeNormalize(m, layout.grid.volume(), layout.patchNum * layout.patchSize, options.normalizationMode ?? 'row_column');
}

/**
 * Checks that a grid's total volume (all universes) equals `m` (or `b` for instance type);
 * throws a {@link ValueError} naming the argument otherwise.
 */
export function assertGridVolume(g: Grid, m: number, argument = 'm'): void {
  const v = g.volume(true);
  if (v !== m) {
    throw new ValueError('grid volume does not match the input width', {
      argument,
      expected: `h·w·d·channels = ${g.h}·${g.w}·${g.d}·${g.universeNum} = ${v}`,
      received: String(m),
    });
  }
}
