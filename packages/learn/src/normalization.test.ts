import { describe, expect, it } from 'vitest';
import { ValueError } from '@rpn/core';
import { applyNormalization, normalizationFrom, normalizeValue, type Normalization } from './normalization.js';
import { parseTable, tableDataset } from './datasets/tabular.js';
import { embeddedMnist, MNIST_NORMALIZATION, cifar10Normalization } from './datasets/vision.js';

const table = ['Id_int,a_float,b_float,Label_int', '1,1,10,0', '2,3,20,1', '3,5,60,0', '4,7,30,1'];

describe('input normalisation records', () => {
  it('tabular min_max: the record holds each column\'s min and max and reproduces the split', () => {
    const d = tableDataset('t', parseTable(table), { normalizeX: true, shuffle: false, trainPercentage: 0.5 });
    expect(d.normalization).toEqual({ type: 'min_max', min: [1, 10], max: [7, 60], range: [0, 1] });
    expect(d.featureNames).toEqual(['a', 'b']);
    // by hand: a = (1, 3) → (0, 1/3); b = (10, 20) → (0, 0.2)
    expect(Array.from(d.train.x)).toEqual(Array.from(Float32Array.from([0, 0, 1 / 3, 0.2])));
    expect(Array.from(applyNormalization(d.normalization!, Float64Array.from([5, 60, 7, 30]), 2))).toEqual([4 / 6, 1, 1, 0.4]);
  });

  it('tabular mean_std: column means and unbiased stds', () => {
    const d = tableDataset('t', parseTable(table), { normalizeX: true, normalizeType: 'mean_std', shuffle: false, trainPercentage: 0.5 });
    // a = 1,3,5,7: mean 4, std sqrt(20/3); b = 10,20,60,30: mean 30, std sqrt(1400/3)
    const n = d.normalization as Extract<Normalization, { type: 'mean_std' }>;
    expect(n.mean).toEqual([4, 30]);
    expect((n.std as number[])[0]).toBeCloseTo(Math.sqrt(20 / 3), 12);
    expect((n.std as number[])[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(normalizeValue(n, 0, 7)).toBeCloseTo(3 / Math.sqrt(20 / 3), 12);
  });

  it('without normalize_X the record is null', () => {
    expect(tableDataset('t', parseTable(table), {}).normalization).toBeNull();
  });

  it('image bytes: x / divisor, then (x − mean) / std, per block of columns', () => {
    expect(normalizeValue({ type: 'mean_std', mean: 0.5, std: 0.25, divisor: 255 }, 0, 255)).toBe(2);
    const c = cifar10Normalization();
    expect(normalizeValue(c, 0, 0)).toBeCloseTo(-0.4914 / 0.247, 12);
    expect(normalizeValue(c, 1024, 0)).toBeCloseTo(-0.4822 / 0.2435, 12);
    expect(normalizeValue(c, 3071, 255)).toBeCloseTo((1 - 0.4465) / 0.2616, 12);
    expect(normalizeValue(cifar10Normalization(false), 5, 51)).toBeCloseTo(0.2, 12);
  });

  it('embedded MNIST: the recorded mean/std turn the raw pixels into the training features', async () => {
    const [norm, raw] = [await embeddedMnist(), await embeddedMnist({ normalize: false })];
    expect(norm.normalization).toEqual({ type: 'mean_std', mean: 0.1307, std: 0.3081 });
    expect(raw.normalization).toBeNull();
    const rows = raw.test.x.subarray(0, 784 * 5);
    const mine = Float32Array.from(applyNormalization(MNIST_NORMALIZATION, Float64Array.from(rows), 784));
    // `raw` holds the pixels rounded to float32 first, so the two agree to float32 rounding only
    const want = norm.test.x.subarray(0, 784 * 5);
    expect(Math.max(...mine.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-6);
    expect(Math.min(...rows)).toBe(0);
    expect(Math.max(...rows)).toBeLessThanOrEqual(1);
  });

  it('records read back from untrusted JSON are validated', () => {
    const ok = normalizationFrom(JSON.parse(JSON.stringify(cifar10Normalization())), 3072);
    expect(ok).toEqual(cifar10Normalization());
    expect(normalizationFrom({ type: 'min_max', min: [0, 1], max: [1, 2], range: [0, 1] }, 2).type).toBe('min_max');
    const bad: unknown[] = [
      null, 5, [], { type: 'zscore' },
      { type: 'mean_std', mean: 0, std: 0 },
      { type: 'mean_std', mean: null, std: 1 },
      { type: 'mean_std', mean: [0, 0], std: [1, 1] }, // width 3
      { type: 'mean_std', mean: 0, std: 1, divisor: 0 },
      { type: 'mean_std', mean: [0], std: [1], block: 2 }, // 2 does not divide 3
      { type: 'min_max', min: [0, 0, 0], max: [1, 0, 1], range: [0, 1] },
      { type: 'min_max', min: [0, 0, 0], max: [1, 1, 1] },
      { type: 'min_max', min: [0, 0], max: [1, 1], range: [0, 1] },
    ];
    for (const b of bad) expect(() => normalizationFrom(b, 3, 'metadata.data.normalization'), JSON.stringify(b)).toThrow(ValueError);
  });
});
