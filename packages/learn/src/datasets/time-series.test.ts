import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValueError } from '@rpn/core';
import { makeSplit } from '../data.js';
import { datasetFromConfig } from './index.js';
import { lastValueMse, meanStdNormalize, parseSeriesCsv, relativeToLastValue, slidingWindows, timeSeriesDataset } from './time-series.js';
import { sp500Dataset } from './sp500.js';

const require = createRequire(import.meta.url);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-series-'));
const cfg = (data_class: string, data_parameters: Record<string, unknown> = {}) => ({ data_class, data_parameters });
/** 6 days × 2 tickers: A = 1…6, B = 10…60. */
const CSV = ['Date,A,B', ...Array.from({ length: 6 }, (_, i) => `2020-01-0${i + 1},${i + 1},${10 * (i + 1)}`)].join('\n');

function stockDir(file = '1_year_daily_Close.csv', text = CSV, profile = 'stocks', gran = 'daily'): string {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, profile, gran), { recursive: true });
  fs.writeFileSync(path.join(dir, profile, gran, file), text);
  return dir;
}

describe('tinyBIG time-series windows', () => {
  it('windows: x = rows s…s+x_len−1, y after xy_gap; one row per instance, window-major', () => {
    const t = parseSeriesCsv(CSV);
    expect([t.t, t.n, t.instanceIds.join()]).toEqual([6, 2, 'A,B']);
    const w = slidingWindows(t.data, t.t, t.n, 2, 1, 1);
    // W = 6 − 2 − 1 − 1 + 1 = 3
    expect(w.windows).toBe(3);
    expect(Array.from(w.x)).toEqual([1, 2, 10, 20, 2, 3, 20, 30, 3, 4, 30, 40]);
    expect(Array.from(w.y)).toEqual([4, 40, 5, 50, 6, 60]);
    const w0 = slidingWindows(t.data, t.t, t.n, 3, 2, 0);
    expect(w0.windows).toBe(2);
    expect(Array.from(w0.y.slice(0, 4))).toEqual([4, 5, 40, 50]);
    expect(() => slidingWindows(t.data, t.t, t.n, 5, 1, 1)).toThrow(ValueError);
  });

  it('mean-std modes: per instance (column), per timestamp (row), global; unbiased std', () => {
    const d = Float64Array.from([1, 10, 2, 20, 3, 30]); // t = 3, n = 2
    const col = Array.from(meanStdNormalize(d, 3, 2, 'column'));
    [-1, -1, 0, 0, 1, 1].forEach((v, i) => expect(col[i]).toBeCloseTo(v, 6));
    const row = Array.from(meanStdNormalize(d, 3, 2, 'row'));
    // row (1, 10): mean 5.5, std sqrt(40.5)
    expect(row[0]).toBeCloseTo(-4.5 / Math.sqrt(40.5), 6);
    const all = Array.from(meanStdNormalize(d, 3, 2, 'all'));
    const mean = 66 / 6; const std = Math.sqrt([1, 10, 2, 20, 3, 30].reduce((s, v) => s + (v - mean) ** 2, 0) / 5);
    expect(all[5]).toBeCloseTo((30 - mean) / std, 6);
    expect(() => meanStdNormalize(Float64Array.from([1, 2]), 1, 2, 'column')).toThrow(ValueError);
  });

  it('stock from <cache_dir>/stocks/daily/1_year_daily_Close.csv: time-ordered train_percentage split', async () => {
    const dir = stockDir();
    const d = await datasetFromConfig(cfg('tinybig.data.stock', { cache_dir: dir, x_len: 2, y_len: 1, target_attributes: 'Close', normalize: false, train_percentage: 0.7 }));
    // 3 windows → floor(0.7·3) = 2 train windows × 2 instances
    expect([d.task, d.train.count, d.test.count, d.train.inputWidth, d.train.targetWidth]).toEqual(['regression', 4, 2, 2, 1]);
    expect(Array.from(d.test.x)).toEqual([3, 4, 30, 40]);
    expect(Array.from(d.test.y)).toEqual([6, 60]);
    const one = await timeSeriesDataset('stock', dir, { xLen: 2, yLen: 1, targetAttributes: 'Close', instanceIds: ['B', 'Z'], normalizationMode: 'instance', trainPercentage: 0.5 });
    expect([one.train.count, one.test.count]).toEqual([1, 2]);
    // B normalised per instance: (10·k − 35) / std(10…60)
    const std = Math.sqrt(3.5) * 10;
    expect(one.train.x[0]).toBeCloseTo(-25 / std, 5);
  });

  it('traffic_la reads <cache_dir>/traffic_la/<granularity>/<granularity>_All.csv', async () => {
    const dir = stockDir('hourly_All.csv', CSV, 'traffic_la', 'hourly');
    const d = await timeSeriesDataset('traffic_la', dir, { xLen: 1, yLen: 1, xyGap: 0, timeGranularity: 'hourly' });
    expect(d.train.count + d.test.count).toBe(2 * 5);
    await expect(timeSeriesDataset('traffic_bay', dir, { xLen: 1, yLen: 1 })).rejects.toThrow(/traffic_bay\/daily\/daily_All\.csv/);
  });

  it('refuses unknown profile values, a missing file, missing x_len and bad cells with typed errors', async () => {
    const dir = stockDir();
    await expect(timeSeriesDataset('etf', dir, { xLen: 2, yLen: 1, targetAttributes: 'Price' })).rejects.toBeInstanceOf(ConfigError);
    await expect(timeSeriesDataset('stock', dir, { xLen: 2, yLen: 1, targetAttributes: 'Close', coverageYearRange: 2 })).rejects.toThrow(/coverage_year_range/);
    const miss = await timeSeriesDataset('etf', dir, { xLen: 2, yLen: 1, targetAttributes: 'Close' }).catch((e) => e);
    expect(miss).toBeInstanceOf(ConfigError);
    expect(miss.expected).toContain(`${dir}/etfs/daily/1_year_daily_Close.csv`);
    await expect(timeSeriesDataset('stock', dir, { yLen: 1, targetAttributes: 'Close' })).rejects.toThrow(/x_len/);
    await expect(timeSeriesDataset('stock', dir, { xLen: 2, yLen: 1, targetAttributes: 'Close', normalizationMode: 'zscore' })).rejects.toThrow(/normalization_mode/);
    await expect(timeSeriesDataset('stock', dir, { xLen: 2, yLen: 1, targetAttributes: 'Close', trainPercentage: 0.2 })).rejects.toThrow(/empty split/);
    const bad = await timeSeriesDataset('stock', stockDir(undefined, CSV.replace('3,30', '3,abc')), { xLen: 2, yLen: 1, targetAttributes: 'Close' }).catch((e) => e);
    expect(bad).toBeInstanceOf(ValueError);
    expect(bad.argument).toMatch(/1_year_daily_Close\.csv line 4, column 3 \(B\)$/);
    expect(() => parseSeriesCsv('Date,A\n1,2,3', 'f.csv')).toThrow(/wrong number of columns/);
    expect(() => parseSeriesCsv('Date,A\n1,', 'f.csv')).toThrow(/empty series cell/);
  });
});

describe('sp500 (npm vega-datasets) and the naive last-value forecast', () => {
  it('lastValueMse is the mean of (y_k − x_last)²', () => {
    const s = makeSplit(Float32Array.from([1, 2, 5, 7]), Float32Array.from([4, 6, 7, 7]), 2, 2);
    // rows: x_last 2 → (4−2)², (6−2)²; x_last 7 → 0, 0 → (4 + 16) / 4
    expect(lastValueMse(s)).toBe(5);
  });

  it('daily closes 2000–2020 (5,105 rows in the file), next-day windows, time-ordered split, naive MSE in the description', async () => {
    const d = await datasetFromConfig(cfg('sp500', { x_len: 10, y_len: 1, xy_gap: 0, train_batch_size: 128 }));
    // W = 5105 − 10 − 1 − 0 + 1 = 5095, train floor(0.8·5095) = 4076
    expect([d.train.count, d.test.count, d.train.inputWidth, d.trainBatchSize]).toEqual([4076, 1019, 10, 128]);
    const naive = lastValueMse(d.test);
    expect(naive).toBeGreaterThan(0);
    expect(naive).toBeLessThan(0.05);
    expect(d.description).toContain(naive.toPrecision(6));
    // consecutive windows overlap: window s+1's x is window s's x shifted by one
    expect(Array.from(d.train.x.slice(10, 19))).toEqual(Array.from(d.train.x.slice(1, 10)));
    expect(d.train.x[10]).toBe(d.train.x[1]);
    expect(d.train.y[0]).toBe(d.train.x[19]);
    // normalised over the whole series (instance_time): first close 1455.219971
    const file = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'sp500-2000.csv');
    const closes = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));
    const mean = closes.reduce((a, b) => a + b, 0) / closes.length;
    const std = Math.sqrt(closes.reduce((a, b) => a + (b - mean) ** 2, 0) / (closes.length - 1));
    expect(closes[0]).toBeCloseTo(1455.219971, 5);
    expect(d.train.x[0]).toBeCloseTo((closes[0] - mean) / std, 5);
  });

  it('the monthly file and a bad column', async () => {
    const m = await sp500Dataset({ file: 'sp500.csv', xLen: 3, yLen: 1, xyGap: 0 });
    expect(m.train.count + m.test.count).toBe(123 - 3);
    await expect(sp500Dataset({ column: 'price' })).rejects.toThrow(/column/);
    await expect(sp500Dataset({ file: 'nasdaq.csv' })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('predict_change: windows relative to their last input value', () => {
  it('relativeToLastValue on two hand-made windows', () => {
    const x = Float32Array.from([1, 2, 4, 10, 7, 5]);
    const y = Float32Array.from([5, 3]);
    relativeToLastValue(x, y, 3, 1);
    expect(Array.from(x)).toEqual([-3, -2, 0, 5, 2, 0]);
    expect(Array.from(y)).toEqual([1, -2]);
  });

  it('sp500 with predict_change: x − x_L and y − x_L of the level windows; the naive forecast (ŷ = 0) has the same test MSE', async () => {
    const level = await datasetFromConfig(cfg('sp500', { x_len: 3, y_len: 1, xy_gap: 0 }));
    const change = await datasetFromConfig(cfg('sp500', { x_len: 3, y_len: 1, xy_gap: 0, predict_change: true }));
    expect([change.train.count, change.test.count]).toEqual([level.train.count, level.test.count]);
    for (const r of [0, 1, 777, level.test.count - 1]) {
      const last = level.test.x[r * 3 + 2];
      expect(change.test.x[r * 3]).toBeCloseTo(level.test.x[r * 3] - last, 6);
      expect(change.test.x[r * 3 + 2]).toBe(0);
      expect(change.test.y[r]).toBeCloseTo(level.test.y[r] - last, 6);
    }
    let zeroForecast = 0;
    for (const v of change.test.y) zeroForecast += v * v;
    expect(zeroForecast / change.test.count).toBeCloseTo(lastValueMse(level.test), 8);
    expect(change.description).toMatch(/predict_change/);
    await expect(datasetFromConfig(cfg('sp500', { x_len: 3, y_len: 1, predict_change: 'yes' }))).rejects.toThrow(/predict_change must be true or false/);
  });
});
