import { ValueError } from '@rpn/core';

/** The most samples a generated dataset may ask for (10 million rows). */
export const MAX_SAMPLES = 10_000_000;

/** A sample count: an integer from 1 to {@link MAX_SAMPLES}, else a ValueError naming `argument`. */
export function sampleCount(v: unknown, argument: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SAMPLES) {
    throw new ValueError('invalid sample count', { argument, expected: `an integer from 1 to ${MAX_SAMPLES.toLocaleString('en-US')}`, received: JSON.stringify(v) });
  }
  return v;
}

/**
 * The train rows of a `train_percentage` split of `rows` rows: `floor(p · rows)`, refused unless
 * 0 < p < 1 and both the train and the test split keep at least one row (an empty test split
 * would end a run with `final test mse: NaN`).
 */
export function splitSize(rows: number, trainPercentage: unknown, source: string): number {
  const p = trainPercentage;
  if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0 || p >= 1) {
    throw new ValueError('train_percentage must be strictly between 0 and 1', { argument: `${source}: data_parameters.train_percentage`, expected: 'a number in (0, 1) leaving rows for both splits', received: JSON.stringify(p) });
  }
  const nTrain = Math.floor(p * rows);
  if (nTrain < 1 || nTrain >= rows) {
    throw new ValueError('train_percentage leaves an empty split', { argument: `${source}: data_parameters.train_percentage`, expected: `at least one train and one test row of ${rows}`, received: `${nTrain} train, ${rows - nTrain} test` });
  }
  return nTrain;
}

/** A data file the user must supply is missing (nothing is downloaded at run time): `received` names the path looked for. */
export class MissingDataFileError extends ValueError {}
