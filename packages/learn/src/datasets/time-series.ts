import { ConfigError, ValueError } from '@rpn/core';
import { makeSplit, type Dataset, type Split } from '../data.js';
import { splitSize } from './checks.js';
import { exists, readText } from './files.js';

/** A parsed series table: `t` timestamps × `n` instances, row-major (row = one timestamp). */
export interface SeriesTable {
  readonly instanceIds: readonly string[];
  readonly timestamps: readonly string[];
  readonly data: Float64Array;
  readonly t: number;
  readonly n: number;
}

/**
 * Parses a series CSV as tinyBIG's time_series_dataloader.load_raw reads it
 * (`np.loadtxt(delimiter=',')`): header `<time label>,<instance id>,…`, then one
 * `<timestamp>,<value>,…` row per timestamp. A bad cell throws a ValueError naming file, line and column.
 */
export function parseSeriesCsv(text: string, file = 'series.csv'): SeriesTable {
  const rows = text.split(/\r?\n/).map((l, i) => ({ line: i + 1, cells: l.split(',') })).filter((r) => r.cells.join('').trim() !== '');
  if (rows.length < 2) throw new ValueError('a series file needs a header and at least one row', { argument: file, expected: 'a CSV `<time>,<instance ids…>` header and value rows', received: `${rows.length} lines` });
  const header = rows[0].cells.map((c) => c.trim());
  const n = header.length - 1;
  if (n < 1) throw new ValueError('a series file needs a timestamp column and at least one instance column', { argument: `${file} line ${rows[0].line}`, expected: 'at least 2 columns', received: `${header.length}` });
  const t = rows.length - 1;
  const data = new Float64Array(t * n);
  const timestamps: string[] = [];
  for (let r = 0; r < t; r++) {
    const { line, cells } = rows[r + 1];
    if (cells.length !== n + 1) throw new ValueError('row has the wrong number of columns', { argument: `${file} line ${line}`, expected: `${n + 1} columns`, received: `${cells.length}` });
    timestamps.push(cells[0].trim());
    for (let j = 0; j < n; j++) {
      const c = cells[j + 1].trim();
      const v = c === '' ? Number.NaN : Number(c);
      if (!Number.isFinite(v)) throw new ValueError(c === '' ? 'empty series cell' : 'series cell is not a number', { argument: `${file} line ${line}, column ${j + 2} (${header[j + 1]})`, expected: 'a finite number', received: JSON.stringify(cells[j + 1]) });
      data[r * n + j] = v;
    }
  }
  return Object.freeze({ instanceIds: Object.freeze(header.slice(1)), timestamps: Object.freeze(timestamps), data, t, n });
}

/** tinyBIG's `normalization_mode` names and the `mean_std_based_normalize_matrix` mode each maps to. */
export const NORMALIZATION_MODES: Readonly<Record<string, 'column' | 'row' | 'all'>> = Object.freeze({
  instance: 'column', column: 'column', time: 'row', row: 'row',
  instance_time: 'all', time_instance: 'all', row_column: 'all', column_row: 'all', global: 'all', all: 'all', both: 'all',
});

/**
 * tinyBIG's `mean_std_based_normalize_matrix` on a t × n matrix: (x − mean) / (std + 1e-8) per
 * column (`column`), per row (`row`) or over all entries (`all`), std unbiased (torch's `std`).
 * A group of one value has no std (torch gives NaN): refused with a ValueError.
 */
export function meanStdNormalize(data: Float64Array, t: number, n: number, mode: 'column' | 'row' | 'all', source = 'series'): Float64Array {
  const out = new Float64Array(data.length);
  const groups: number[][] = mode === 'all' ? [Array.from({ length: t * n }, (_, k) => k)]
    : mode === 'column' ? Array.from({ length: n }, (_, j) => Array.from({ length: t }, (_, i) => i * n + j))
      : Array.from({ length: t }, (_, i) => Array.from({ length: n }, (_, j) => i * n + j));
  for (const g of groups) {
    if (g.length < 2) throw new ValueError('mean-std normalisation needs at least two values per group', { argument: `${source}: data_parameters.normalization_mode`, expected: mode === 'row' ? 'two or more instances (or mode instance)' : 'two or more timestamps', received: `${g.length} value` });
    let mean = 0;
    for (const k of g) mean += data[k];
    mean /= g.length;
    let ss = 0;
    for (const k of g) ss += (data[k] - mean) ** 2;
    const std = Math.sqrt(ss / (g.length - 1));
    for (const k of g) out[k] = (data[k] - mean) / (std + 1e-8);
  }
  return out;
}

/**
 * tinyBIG's `partition_data` followed by its permute/reshape: windows s = 0 … t − x_len − y_len − xy_gap,
 * x = rows s … s+x_len−1, y = rows s+x_len+xy_gap … s+x_len+xy_gap+y_len−1; each window gives one
 * row per instance (window-major), `x` W·n × x_len and `y` W·n × y_len.
 */
export function slidingWindows(data: Float64Array, t: number, n: number, xLen: number, yLen: number, xyGap: number, source = 'series'): { x: Float32Array; y: Float32Array; windows: number } {
  if (t < xLen + yLen + xyGap) throw new ValueError('the series is shorter than one window', { argument: `${source}: data_parameters.x_len + y_len + xy_gap`, expected: `at most ${t} timestamps`, received: `${xLen} + ${yLen} + ${xyGap} = ${xLen + yLen + xyGap}` });
  const W = t - xLen - yLen - xyGap + 1;
  const x = new Float32Array(W * n * xLen);
  const y = new Float32Array(W * n * yLen);
  for (let s = 0; s < W; s++) {
    for (let j = 0; j < n; j++) {
      const r = s * n + j;
      for (let k = 0; k < xLen; k++) x[r * xLen + k] = data[(s + k) * n + j];
      for (let k = 0; k < yLen; k++) y[r * yLen + k] = data[(s + xLen + xyGap + k) * n + j];
    }
  }
  return { x, y, windows: W };
}

/** MSE of the naive last-value forecast ŷ_k = x_{x_len} on a window split: mean over rows and k of (y_k − x_last)². */
export function lastValueMse(s: Split): number {
  const m = s.inputWidth;
  const w = s.targetWidth;
  let sum = 0;
  for (let r = 0; r < s.count; r++) for (let k = 0; k < w; k++) sum += (s.y[r * w + k] - s.x[r * m + m - 1]) ** 2;
  return sum / (s.count * w);
}

/** Window and split options shared by every series loader (tinyBIG's names in camelCase). */
export interface WindowOptions {
  readonly xLen?: number;
  readonly yLen?: number;
  /** Steps skipped between the x and the y window (tinyBIG's default 1). */
  readonly xyGap?: number;
  /** First `floor(p · windows)` windows train, the rest test, in time order (default 0.8). */
  readonly trainPercentage?: number;
  readonly normalize?: boolean;
  /** Default `instance_time` (global mean-std). */
  readonly normalizationMode?: string;
  /**
   * Not in tinyBIG: every window is taken relative to its last input value x_L (inputs x_k − x_L,
   * targets y_k − x_L), so a model predicts the change and the level forecast is x_L + ŷ, whose
   * squared error is the one reported (default false).
   */
  readonly predictChange?: boolean;
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
}

const intIn = (v: unknown, key: string, min: number, source: string, def?: number): number => {
  if (v === undefined || v === null) {
    if (def !== undefined) return def;
    throw new ConfigError(`${key} is required`, { argument: `${source}: data_parameters.${key}`, expected: `an integer ≥ ${min}`, received: 'nothing' });
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ValueError(`${key} must be an integer ≥ ${min}`, { argument: `${source}: data_parameters.${key}`, expected: `an integer ≥ ${min}`, received: JSON.stringify(v) });
  return v;
};

/**
 * Windows relative to their last input value, in place: x_k ← x_k − x_L, y_k ← y_k − x_L
 * (`predict_change`); the squared error of a change forecast ŷ equals that of the level forecast x_L + ŷ.
 */
export function relativeToLastValue(x: Float32Array, y: Float32Array, xLen: number, yLen: number): void {
  const rows = x.length / xLen;
  for (let r = 0; r < rows; r++) {
    const last = x[r * xLen + xLen - 1];
    for (let k = 0; k < xLen; k++) x[r * xLen + k] -= last;
    for (let k = 0; k < yLen; k++) y[r * yLen + k] -= last;
  }
}

/** Normalises, windows and splits a parsed table into a regression dataset (tinyBIG's `load()` after `load_raw`). */
export function windowedDataset(name: string, table: SeriesTable, o: WindowOptions, source: string, extra = ''): Dataset {
  const xLen = intIn(o.xLen, 'x_len', 1, source);
  const yLen = intIn(o.yLen, 'y_len', 1, source);
  const xyGap = intIn(o.xyGap, 'xy_gap', 0, source, 1);
  let data = table.data;
  let modeName = 'none';
  if (o.normalize !== false) {
    modeName = o.normalizationMode ?? 'instance_time';
    let mode = NORMALIZATION_MODES[modeName];
    if (!mode) throw new ConfigError('unknown normalization_mode', { argument: `${source}: data_parameters.normalization_mode`, expected: Object.keys(NORMALIZATION_MODES).join(', '), received: JSON.stringify(modeName) });
    if (mode === 'row' && table.n === 1) mode = 'column';
    data = meanStdNormalize(table.data, table.t, table.n, mode, source);
  }
  const win = slidingWindows(data, table.t, table.n, xLen, yLen, xyGap, source);
  if (o.predictChange !== undefined && typeof o.predictChange !== 'boolean') throw new ConfigError('predict_change must be true or false', { argument: `${source}: data_parameters.predict_change`, expected: 'a boolean', received: JSON.stringify(o.predictChange) });
  if (o.predictChange) relativeToLastValue(win.x, win.y, xLen, yLen);
  const nTrain = splitSize(win.windows, o.trainPercentage ?? 0.8, source);
  const cut = nTrain * table.n;
  const train = makeSplit(win.x.slice(0, cut * xLen), win.y.slice(0, cut * yLen), xLen, yLen);
  const test = makeSplit(win.x.slice(cut * xLen), win.y.slice(cut * yLen), xLen, yLen);
  const bs = (v: number | undefined, full: number) => (v === undefined ? Math.min(64, full) : v <= 0 ? full : v);
  // with predict_change the last input is 0 and the naive forecast is ŷ = 0: the same number
  const naive = lastValueMse(test);
  return Object.freeze({
    name, train, test, trainBatchSize: bs(o.trainBatchSize, train.count), testBatchSize: bs(o.testBatchSize, test.count), task: 'regression' as const,
    description: `${name}${extra}: ${table.t} timestamps × ${table.n} instance(s), normalisation ${modeName}${o.predictChange ? '; predict_change: inputs and target minus the last input value (the model predicts the change; level forecast = last value + prediction, same squared error)' : ''}; windows x_len ${xLen}, y_len ${yLen}, xy_gap ${xyGap}: ${nTrain} train / ${win.windows - nTrain} test windows; naive last-value forecast test MSE ${naive.toPrecision(6)}`,
    featureNames: Object.freeze(Array.from({ length: xLen }, (_, k) => `t-${xLen - k}`)),
  });
}

/** A tinyBIG time-series data profile (`ETF_DATA_PROFILE`, …): its folder name and the allowed file-name parts. */
export interface SeriesProfile {
  readonly name: string;
  readonly timeGranularity: readonly string[];
  readonly targetAttributes: readonly string[];
  readonly coverageYearRange?: readonly number[];
}

const PRICES = Object.freeze(['Open', 'High', 'Low', 'Close', 'Volume', 'OpenInt']);
const TRAFFIC = Object.freeze(['minutely', '6hourly', '12hourly', 'hourly', 'daily', 'weekly', 'monthly']);
const STOCK_TIMES = Object.freeze(['daily', 'weekly', 'monthly', 'quarterly', 'yearly']);

/** tinyBIG's time-series profiles, by data class name. */
export const SERIES_PROFILES: Readonly<Record<string, SeriesProfile>> = Object.freeze({
  etf: Object.freeze({ name: 'etfs', timeGranularity: STOCK_TIMES, targetAttributes: PRICES, coverageYearRange: Object.freeze([1, 3, 5, 10]) }),
  stock: Object.freeze({ name: 'stocks', timeGranularity: STOCK_TIMES, targetAttributes: PRICES, coverageYearRange: Object.freeze([1, 3, 5, 10, 20, 30]) }),
  traffic_la: Object.freeze({ name: 'traffic_la', timeGranularity: TRAFFIC, targetAttributes: Object.freeze(['All']) }),
  traffic_bay: Object.freeze({ name: 'traffic_bay', timeGranularity: TRAFFIC, targetAttributes: Object.freeze(['All']) }),
});

/** Options of {@link timeSeriesDataset}: tinyBIG's constructor and `load()` parameters. */
export interface TimeSeriesOptions extends WindowOptions {
  /** Default `daily`. */
  readonly timeGranularity?: string;
  /** Default `All` (must be one of the profile's attributes). */
  readonly targetAttributes?: string;
  /** Default 1 (stock, etf). */
  readonly coverageYearRange?: number;
  /** Columns to keep, in this order (those not in the file are dropped). */
  readonly instanceIds?: readonly (string | number)[];
}

/**
 * tinyBIG's `stock` / `etf` / `traffic_la` / `traffic_bay` from the user's folder in tinyBIG's layout:
 * `<cache_dir>/<profile>/<granularity>/<years>_year_<granularity>_<attribute>.csv` (stock, etf) or
 * `<cache_dir>/<profile>/<granularity>/<granularity>_<attribute>.csv` (traffic). Nothing is downloaded.
 */
export async function timeSeriesDataset(name: string, cacheDir: string, o: TimeSeriesOptions = {}): Promise<Dataset> {
  const p = SERIES_PROFILES[name];
  if (!p) throw new ConfigError('not a time-series data class', { argument: 'data_configs.data_class', expected: Object.keys(SERIES_PROFILES).join(', '), received: name });
  const gran = o.timeGranularity ?? 'daily';
  const attr = o.targetAttributes ?? 'All';
  if (!p.targetAttributes.includes(attr)) throw new ConfigError(`target attribute not in the ${name} profile`, { argument: 'data_parameters.target_attributes', expected: p.targetAttributes.join(', '), received: JSON.stringify(attr) });
  if (!p.timeGranularity.includes(gran)) throw new ConfigError(`time granularity not in the ${name} profile`, { argument: 'data_parameters.time_granularity', expected: p.timeGranularity.join(', '), received: JSON.stringify(gran) });
  let file: string;
  if (p.coverageYearRange) {
    const years = o.coverageYearRange ?? 1;
    if (!p.coverageYearRange.includes(years)) throw new ConfigError(`coverage_year_range not in the ${name} profile`, { argument: 'data_parameters.coverage_year_range', expected: p.coverageYearRange.join(', '), received: JSON.stringify(years) });
    file = `${years}_year_${gran}_${attr}.csv`;
  } else file = `${gran}_${attr}.csv`;
  const path = `${cacheDir}/${p.name}/${gran}/${file}`;
  if (!(await exists(path))) throw new ConfigError(`${name} needs its CSV file (nothing is downloaded at run time)`, { argument: 'data_parameters.cache_dir', expected: `the file ${path} (header <time>,<instance ids…>; one row per timestamp)`, received: 'no such file' });
  let table = parseSeriesCsv(await readText(path), path);
  if (o.instanceIds) {
    const want = o.instanceIds.map(String).filter((id) => table.instanceIds.includes(id));
    if (want.length === 0) throw new ValueError('none of instance_ids is a column of the file', { argument: 'data_parameters.instance_ids', expected: `ids among ${table.instanceIds.slice(0, 10).join(', ')}${table.instanceIds.length > 10 ? ', …' : ''}`, received: JSON.stringify(o.instanceIds) });
    const cols = want.map((id) => table.instanceIds.indexOf(id));
    const data = new Float64Array(table.t * cols.length);
    for (let i = 0; i < table.t; i++) cols.forEach((c, j) => { data[i * cols.length + j] = table.data[i * table.n + c]; });
    table = Object.freeze({ ...table, instanceIds: Object.freeze(want), data, n: cols.length });
  }
  return windowedDataset(name, table, o, path, ` (${path})`);
}
