import { ConfigError, UnsupportedError, ValueError } from '@rpn/core';
import { makeSplit, takeRows, type Dataset } from '../data.js';
import { trainTestSplitIndices } from '../random.js';
import { splitSize } from './checks.js';
import { exists, readText } from './files.js';
import { EMBEDDED_FILES } from './embedded.js';
import { applyNormalization, type Normalization } from '../normalization.js';

/** A parsed table in tinyBIG's format: header `Name_type` columns, first column id, last column label. */
export interface Table {
  readonly featureNames: readonly string[];
  readonly labelName: string;
  /** Row-major features, `rows × featureNames.length`. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly rows: number;
  /** String label codes, in order of first appearance (tinyBIG's encoding). */
  readonly labelCodings: Readonly<Record<string, number>> | null;
}

const INT = ['int', 'integer', 'Int', 'Integer', 'INT', 'INTEGER'];
const FLOAT = ['float', 'Float', 'double', 'Double', 'FLOAT', 'DOUBLE'];
const STR = ['str', 'string', 'Str', 'String', 'strings', 'Strings', 'STR', 'STRING', 'STRINGS'];

/** Parses tinyBIG's tabular CSV (string columns label-encoded in order of appearance). */
export function parseTable(text: string | readonly string[], source = 'table'): Table {
  const lines = (typeof text === 'string' ? text.split(/\r?\n/) : [...text]).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new ValueError('a table needs a header and at least one row', { argument: source, expected: 'a CSV with a `Name_type` header', received: `${lines.length} lines` });
  const header = lines[0].split(',').map((h) => {
    const k = h.lastIndexOf('_');
    return k < 0 ? { name: h, type: 'float' } : { name: h.slice(0, k), type: h.slice(k + 1) };
  });
  const w = header.length;
  if (w < 3) throw new ValueError('a table needs an id, features and a label', { argument: source, expected: 'at least 3 columns', received: `${w}` });
  const codings: (Map<string, number> | null)[] = header.map(() => null);
  const values: number[][] = [];
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(',');
    if (cells.length !== w) throw new ValueError('row has the wrong number of columns', { argument: `${source} line ${r + 1}`, expected: `${w} columns`, received: `${cells.length}` });
    values.push(cells.map((c, j) => {
      const t = header[j].type;
      if (STR.includes(t)) {
        const m = codings[j] ?? (codings[j] = new Map());
        if (!m.has(c)) m.set(c, m.size);
        return m.get(c)!;
      }
      const cell = c.trim();
      const v = cell === '' ? Number.NaN : INT.includes(t) ? Number(cell) : Number(cell);
      if (!Number.isFinite(v) || (INT.includes(t) && !Number.isInteger(v))) {
        throw new ValueError(cell === '' ? 'empty table cell' : 'table cell is not a number', { argument: `${source} line ${r + 1}, column ${j + 1} (${header[j].name})`, expected: INT.includes(t) ? 'an integer' : 'a finite number', received: JSON.stringify(c) });
      }
      return v;
    }));
  }
  const rows = values.length;
  const nf = w - 2;
  const x = new Float64Array(rows * nf);
  const y = new Float64Array(rows);
  values.forEach((v, i) => { for (let j = 0; j < nf; j++) x[i * nf + j] = v[1 + j]; y[i] = v[w - 1]; });
  const lc = codings[w - 1];
  return Object.freeze({ featureNames: header.slice(1, -1).map((h) => h.name), labelName: header[w - 1].name, x, y, rows, labelCodings: lc ? Object.fromEntries(lc) : null });
}

/** Options of {@link tabularDataset} (tinyBIG's `tabular_dataloader` parameters and `load()` arguments). */
export interface TabularOptions {
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  /** `train_test_split` (default). K-fold is not supported. */
  readonly splitType?: string;
  readonly trainPercentage?: number;
  /** scikit-learn's `random_state` of the split (123). */
  readonly randomState?: number;
  readonly shuffle?: boolean;
  readonly normalizeX?: boolean;
  readonly normalizeY?: boolean;
  /** `min_max` (default) or `mean_std`. */
  readonly normalizeType?: string;
  readonly normalizeRange?: readonly [number, number];
  /** A folder and file to read instead of the shipped data (tinyBIG's `cache_dir` + `filename`). */
  readonly cacheDir?: string;
  readonly filename?: string;
  /** The table's lines, as tinyBIG's `data_contents`. */
  readonly dataContents?: readonly string[];
}

/** The normalisation of a `rows × width` array by its own column statistics (tinyBIG's `normalize_X`/`normalize_Y`). */
function columnNormalization(a: Float64Array, width: number, type: string, range: readonly [number, number], names: readonly string[], source: string): Normalization {
  const rows = a.length / width;
  if (type === 'mean_std' && rows < 2) {
    throw new ValueError('mean_std normalisation needs at least two rows (the unbiased std of one row is undefined)', { argument: `${source} (normalize_type)`, expected: 'two or more rows, or min_max', received: `${rows} row` });
  }
  const mins: number[] = [], maxs: number[] = [], means: number[] = [], stds: number[] = [];
  for (let j = 0; j < width; j++) {
    let mn = Infinity, mx = -Infinity, s = 0;
    for (let i = 0; i < rows; i++) { const v = a[i * width + j]; mn = Math.min(mn, v); mx = Math.max(mx, v); s += v; }
    const mean = s / rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (a[i * width + j] - mean) ** 2;
    const std = Math.sqrt(ss / (rows - 1)); // torch.std is unbiased
    if ((type === 'mean_std' ? std : mx - mn) === 0) {
      throw new ValueError(`column ${names[j]} is constant: ${type} normalisation would divide by zero`, { argument: `${source} column ${names[j]}`, expected: 'a column with at least two distinct values (or normalisation off)', received: `every value ${mn}` });
    }
    mins.push(mn); maxs.push(mx); means.push(mean); stds.push(std);
  }
  return Object.freeze(type === 'mean_std' ? { type: 'mean_std' as const, mean: means, std: stds } : { type: 'min_max' as const, min: mins, max: maxs, range: [range[0], range[1]] as const });
}

/** Builds a dataset from a table with tinyBIG's split and normalisation (targets are the label as a number, [N, 1]). */
export function tableDataset(name: string, table: Table, o: TabularOptions = {}): Dataset {
  const splitType = o.splitType ?? 'train_test_split';
  if (splitType !== 'train_test_split') throw new UnsupportedError('only train_test_split is supported', { argument: 'data_parameters.split_type', expected: 'train_test_split', received: JSON.stringify(splitType) });
  const nf = table.featureNames.length;
  const x = Float64Array.from(table.x);
  const y = Float64Array.from(table.y);
  const type = o.normalizeType ?? 'min_max';
  if (type !== 'min_max' && type !== 'mean_std') throw new ValueError('unknown normalisation', { argument: 'data_parameters.normalize_type', expected: 'min_max or mean_std', received: JSON.stringify(type) });
  const range = o.normalizeRange ?? [0, 1];
  const normalization = o.normalizeX ? columnNormalization(x, nf, type, range, table.featureNames, name) : null;
  if (normalization) applyNormalization(normalization, x, nf);
  if (o.normalizeY) applyNormalization(columnNormalization(y, 1, type, range, [table.labelName], name), y, 1);
  const all = makeSplit(Float32Array.from(x), Float32Array.from(y), nf, 1);
  const nTrain = splitSize(table.rows, o.trainPercentage ?? 0.9, name);
  const { train, test } = trainTestSplitIndices(table.rows, nTrain, o.randomState ?? 123, o.shuffle ?? true);
  const classes = table.labelCodings ? Object.keys(table.labelCodings).length : new Set(table.y).size;
  return Object.freeze({
    name,
    train: takeRows(all, train),
    test: takeRows(all, test),
    trainBatchSize: o.trainBatchSize ?? 64,
    testBatchSize: o.testBatchSize ?? 64,
    task: 'regression' as const,
    numClasses: classes,
    description: `${name}: ${table.rows} rows, ${nf} features (${table.featureNames.join(', ')}), label ${table.labelName}`,
    normalization,
    featureNames: table.featureNames,
  });
}

/** The tabular datasets tinyBIG ships that are embedded from this package's `data/` folder. */
export const TABULAR_FILES: Readonly<Record<string, string>> = Object.freeze({ iris: 'iris.csv', diabetes: 'diabetes.csv' });

/** tinyBIG's table lines (`Id_int,…` header, then `id,features…,label`) from a header and id-less rows. */
function withIds(header: string, rows: string): string[] {
  return [header, ...rows.trim().split('\n').map((r, i) => `${i + 1},${r}`)];
}

/**
 * The tables shipped as lazily imported modules (browsers too), as tinyBIG's `data_contents` lines:
 * `banknote` (UCI banknote authentication, 1,372 × 4, classes 0/1) and `wheat` (UCI seeds, 210 × 7,
 * classes 1/2/3), with tinyBIG's column names and integer labels kept as they are.
 */
export const SHIPPED_TABLES: Readonly<Record<string, () => Promise<readonly string[]>>> = Object.freeze({
  banknote: async () => { const t = await import('./uci-banknote.js'); return withIds(t.BANKNOTE_HEADER, t.BANKNOTE_ROWS); },
  wheat: async () => { const t = await import('./uci-wheat.js'); return withIds(t.WHEAT_HEADER, t.WHEAT_ROWS); },
});

/** Every tabular data class: tinyBIG's `iris`, `diabetes`, `banknote`, `wheat`. */
export const TABULAR_NAMES: readonly string[] = Object.freeze([...Object.keys(TABULAR_FILES), ...Object.keys(SHIPPED_TABLES)]);

/**
 * Loads `iris`, `diabetes`, `banknote` or `wheat` (or any table given by `cacheDir` + `filename`,
 * read through the data source, or `dataContents`), split by tinyBIG's `train_test_split`
 * (`train_percentage` 0.9, `random_state` 123, `shuffle` true by default). All four are embedded as
 * modules, so they load in browsers too.
 */
export async function tabularDataset(name: string, o: TabularOptions = {}): Promise<Dataset> {
  if (o.dataContents) return tableDataset(name, parseTable(o.dataContents, name), o);
  if (o.cacheDir || o.filename) {
    if (!o.cacheDir || !o.filename) throw new ConfigError('cache_dir and filename go together', { argument: 'data_parameters', expected: 'both cache_dir and filename', received: JSON.stringify({ cache_dir: o.cacheDir, filename: o.filename }) });
    const path = o.cacheDir.endsWith('/') ? o.cacheDir + o.filename : `${o.cacheDir}/${o.filename}`;
    if (!(await exists(path))) {
      throw new ValueError(`data file for ${name} not found`, { argument: 'data_parameters.cache_dir/filename', expected: 'an existing CSV file in tinyBIG\'s tabular format', received: path });
    }
    return tableDataset(name, parseTable(await readText(path), path), o);
  }
  const shipped = SHIPPED_TABLES[name];
  if (shipped) return tableDataset(name, parseTable(await shipped(), name), o);
  const file = TABULAR_FILES[name];
  const embedded = file ? EMBEDDED_FILES[file] : undefined;
  if (!embedded) throw new ValueError('unknown tabular dataset', { argument: 'data_class', expected: `one of ${TABULAR_NAMES.join(', ')}, or cache_dir + filename`, received: JSON.stringify(name) });
  return tableDataset(name, parseTable(await embedded(), file), o);
}
