import { ConfigError, ValueError } from '@rpn/core';
import type { Dataset } from '../data.js';
import { embeddedText } from './embedded.js';
import { parseSeriesCsv, windowedDataset, type WindowOptions } from './time-series.js';

/** The S&P 500 files of npm `vega-datasets` and their default value column. */
export const SP500_FILES: Readonly<Record<string, string>> = Object.freeze({
  /** 5,105 trading days from 2000-01-03, columns open, high, low, close, adjclose, volume. */
  'sp500-2000.csv': 'close',
  /** 123 monthly prices, Jan 2000 … Mar 2010. */
  'sp500.csv': 'price',
});

/** Options of {@link sp500Dataset}. */
export interface Sp500Options extends WindowOptions {
  /** `sp500-2000.csv` (default, daily) or `sp500.csv` (monthly). */
  readonly file?: string;
  /** The value column (default `close` / `price`). */
  readonly column?: string;
}

/**
 * The S&P 500 index from npm `vega-datasets`, offline, as one-instance series with tinyBIG's
 * time-series windows, normalisation and time-ordered `train_percentage` split (defaults
 * x_len 10, y_len 1, xy_gap 1 as tinyBIG; xy_gap 0 forecasts the next step). The description
 * gives the naive last-value forecast's test MSE, the baseline a model must beat.
 */
export async function sp500Dataset(o: Sp500Options = {}): Promise<Dataset> {
  const fileName = o.file ?? 'sp500-2000.csv';
  const defColumn = SP500_FILES[fileName];
  if (!defColumn) throw new ConfigError('unknown sp500 file', { argument: 'data_parameters.file', expected: Object.keys(SP500_FILES).join(', '), received: JSON.stringify(fileName) });
  const path = `vega-datasets/data/${fileName}`;
  const raw = parseSeriesCsv(await embeddedText(fileName), path);
  const column = o.column ?? defColumn;
  const c = raw.instanceIds.indexOf(column);
  if (c < 0) throw new ValueError('no such column in the sp500 file', { argument: 'data_parameters.column', expected: raw.instanceIds.join(', '), received: JSON.stringify(column) });
  const data = new Float64Array(raw.t);
  for (let i = 0; i < raw.t; i++) data[i] = raw.data[i * raw.n + c];
  const table = Object.freeze({ ...raw, instanceIds: Object.freeze([column]), data, n: 1 });
  return windowedDataset('sp500', table, { xLen: 10, yLen: 1, ...stripUndefined(o) }, path, ` (vega-datasets ${fileName}, ${column}, ${raw.timestamps[0]} … ${raw.timestamps[raw.t - 1]})`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
