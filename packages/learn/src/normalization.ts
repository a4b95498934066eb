import { ValueError } from '@rpn/core';

/**
 * The feature normalisation a dataset applied, recorded so that raw rows can be normalised the
 * same way later (`rpn predict` reads it from the checkpoint's metadata).
 * - `mean_std`: x' = (x / divisor − mean_j) / std_j (tinyBIG's `Normalize(mean, std)` after
 *   `ToTensor`'s division by 255 for image bytes; tabular `normalize_type: mean_std`).
 *   `mean`/`std` are one number, or one per column, or one per block of `block` columns (image channels).
 * - `min_max`: x' = (x − min_j) / (max_j − min_j) · (hi − lo) + lo (tabular `normalize_type: min_max`).
 */
export type Normalization =
  | { readonly type: 'mean_std'; readonly mean: number | readonly number[]; readonly std: number | readonly number[]; readonly divisor?: number; readonly block?: number }
  | { readonly type: 'min_max'; readonly min: readonly number[]; readonly max: readonly number[]; readonly range: readonly [number, number] };

const at = (v: number | readonly number[], j: number, block: number | undefined): number => (typeof v === 'number' ? v : v[block ? Math.floor(j / block) : j]!);

/** Normalises value `v` of column `j`: the formula of {@link Normalization}. */
export function normalizeValue(n: Normalization, j: number, v: number): number {
  if (n.type === 'mean_std') {
    const u = n.divisor === undefined ? v : v / n.divisor;
    return (u - at(n.mean, j, n.block)) / at(n.std, j, n.block);
  }
  const mn = n.min[j]!, mx = n.max[j]!;
  return ((v - mn) / (mx - mn)) * (n.range[1] - n.range[0]) + n.range[0];
}

/** Normalises a row-major `rows × width` array in place (column j = i mod width) and returns it. */
export function applyNormalization<T extends Float32Array | Float64Array>(n: Normalization, x: T, width: number): T {
  for (let i = 0; i < x.length; i++) x[i] = normalizeValue(n, i % width, x[i]!);
  return x;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numOrList = (v: unknown, len: number): boolean => isNum(v) || (Array.isArray(v) && v.length === len && v.every(isNum));

/**
 * Reads a normalisation record from untrusted JSON (a checkpoint's metadata) for inputs of
 * `width` columns. Anything malformed, non-finite, a zero std or an empty min–max span is a
 * ValueError naming `argument`.
 */
export function normalizationFrom(value: unknown, width: number, argument = 'normalization'): Normalization {
  const bad = (expected: string): never => { throw new ValueError('invalid input normalisation record', { argument, expected, received: JSON.stringify(value)?.slice(0, 120) ?? String(value) }); };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return bad('an object {type: "mean_std" | "min_max", …}');
  const o = value as Record<string, unknown>;
  if (o.type === 'mean_std') {
    const block = o.block === undefined ? undefined : o.block;
    if (block !== undefined && (!Number.isInteger(block) || (block as number) < 1 || width % (block as number) !== 0)) bad(`block: an integer ≥ 1 dividing ${width}`);
    const len = block ? width / (block as number) : width;
    if (!numOrList(o.mean, len) || !numOrList(o.std, len)) bad(`mean and std: finite numbers, or lists of ${len}`);
    const stds = typeof o.std === 'number' ? [o.std] : (o.std as number[]);
    if (stds.some((s) => s === 0)) bad('a non-zero std');
    if (o.divisor !== undefined && (!isNum(o.divisor) || o.divisor === 0)) bad('divisor: a finite non-zero number');
    return Object.freeze({ type: 'mean_std', mean: o.mean as number | number[], std: o.std as number | number[], ...(o.divisor === undefined ? {} : { divisor: o.divisor as number }), ...(block === undefined ? {} : { block: block as number }) });
  }
  if (o.type === 'min_max') {
    if (!Array.isArray(o.min) || !Array.isArray(o.max) || o.min.length !== width || o.max.length !== width || !o.min.every(isNum) || !o.max.every(isNum)) bad(`min and max: lists of ${width} finite numbers`);
    if ((o.min as number[]).some((mn, j) => (o.max as number[])[j] === mn)) bad('max ≠ min in every column');
    if (!Array.isArray(o.range) || o.range.length !== 2 || !o.range.every(isNum)) bad('range: [lo, hi]');
    return Object.freeze({ type: 'min_max', min: o.min as number[], max: o.max as number[], range: o.range as [number, number] });
  }
  return bad('type "mean_std" or "min_max"');
}
