import { ValueError } from '@rpn/core';
import { takeRows, type Dataset, type Split } from '@rpn/learn';

/** At most this many train / test rows (evenly spaced through each split, so a split sorted by class keeps every class). */
export interface RowLimits {
  readonly train?: number;
  readonly test?: number;
}

/** Rows ⌊j · count / k⌋ for j = 0 … k − 1 (the whole split when k ≥ count). */
export const spacedRows = (count: number, k: number): Int32Array => Int32Array.from({ length: Math.min(k, count) }, (_, j) => Math.floor((j * count) / Math.min(k, count)));

const spaced = (s: Split, k: number | undefined): Split => (k === undefined || k >= s.count ? s : takeRows(s, spacedRows(s.count, k)));

const check = (v: number | undefined, key: string): void => {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new ValueError(`row limit ${key} must be a positive integer`, { argument: `limits.${key}`, expected: 'an integer ≥ 1', received: JSON.stringify(v) });
};

/**
 * `limits.train` train rows and `limits.test` test rows of a dataset, evenly spaced (row ⌊j·count/k⌋),
 * for quick runs (`rpn report --quick`). Graph datasets (one split of every node, train/test index
 * sets) are returned unchanged; so are splits no longer than the limit.
 */
export function limitRows(data: Dataset, limits: RowLimits | undefined): Dataset {
  if (!limits) return data;
  check(limits.train, 'train');
  check(limits.test, 'test');
  if (data.nodes || data.graph) return data;
  const train = spaced(data.train, limits.train);
  const test = spaced(data.test, limits.test);
  if (train === data.train && test === data.test) return data;
  return Object.freeze({
    ...data, train, test,
    trainBatchSize: Math.min(data.trainBatchSize, train.count),
    testBatchSize: Math.min(data.testBatchSize, test.count),
    description: `${data.description} [subset: ${train.count} of ${data.train.count} train / ${test.count} of ${data.test.count} test rows, evenly spaced]`,
  });
}
