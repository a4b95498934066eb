import { describe, expect, it } from 'vitest';
import { ValueError } from '@rpn/core';
import { karateClubDataset, makeSplit, type Dataset } from '@rpn/learn';
import { limitRows, spacedRows } from './row-limits.js';

/** 10 train rows sorted by class (x = row number, y = ⌊row / 5⌋) and 4 test rows. */
const sorted = (): Dataset => Object.freeze({
  name: 'toy', task: 'classification' as const, numClasses: 2, description: 'toy', trainBatchSize: 64, testBatchSize: 64,
  train: makeSplit(Float32Array.from({ length: 10 }, (_, i) => i), Int32Array.from({ length: 10 }, (_, i) => Math.floor(i / 5)), 1, 0),
  test: makeSplit(Float32Array.from([0, 1, 2, 3]), Int32Array.from([0, 0, 1, 1]), 1, 0),
});

describe('limitRows (rpn report --quick)', () => {
  it('keeps evenly spaced rows, so a split sorted by class keeps both classes', () => {
    expect(Array.from(spacedRows(10, 4))).toEqual([0, 2, 5, 7]);
    expect(Array.from(spacedRows(3, 5))).toEqual([0, 1, 2]);
    const d = limitRows(sorted(), { train: 4, test: 2 });
    expect(Array.from(d.train.x)).toEqual([0, 2, 5, 7]);
    expect(Array.from(d.train.y)).toEqual([0, 0, 1, 1]);
    expect(Array.from(d.test.y)).toEqual([0, 1]);
    expect([d.trainBatchSize, d.testBatchSize]).toEqual([4, 2]);
    expect(d.description).toMatch(/subset: 4 of 10 train \/ 2 of 4 test rows/);
  });

  it('no limits, or limits above the split sizes: the same dataset', () => {
    const d = sorted();
    expect(limitRows(d, undefined)).toBe(d);
    expect(limitRows(d, { train: 100, test: 100 })).toBe(d);
  });

  it('graph datasets are not cut; a bad limit is a ValueError', async () => {
    const k = await karateClubDataset();
    expect(limitRows(k, { train: 2, test: 2 })).toBe(k);
    expect(() => limitRows(sorted(), { train: 0 })).toThrow(ValueError);
    expect(() => limitRows(sorted(), { test: 1.5 })).toThrow(/limits\.test/);
  });
});
