import { describe, expect, it } from 'vitest';
import { datasetFromConfig } from './index.js';
import { parseTable, SHIPPED_TABLES } from './tabular.js';

const cfg = (data_class: string, data_parameters: Record<string, unknown> = {}) => ({ data_class, data_parameters });

/** Column means as `pandas.DataFrame.describe()` reports them for the UCI files. */
const UCI_MEANS = {
  banknote: [0.433735, 1.922353, 1.397627, -1.191657],
  wheat: [14.847524, 14.559286, 0.870999, 5.628533, 3.258605, 3.700201, 5.408071],
};

const classCounts = (y: ArrayLike<number>) => {
  const m = new Map<number, number>();
  for (let i = 0; i < y.length; i++) m.set(y[i], (m.get(y[i]) ?? 0) + 1);
  return Object.fromEntries([...m].sort((a, b) => a[0] - b[0]));
};

const means = (x: Float64Array, w: number) => Array.from({ length: w }, (_, j) => {
  let s = 0;
  for (let i = j; i < x.length; i += w) s += x[i];
  return s / (x.length / w);
});

describe('shipped UCI tables', () => {
  it('banknote: 1,372 rows × 4 features + label, classes 0 (762) / 1 (610), the UCI column means', async () => {
    const t = parseTable(await SHIPPED_TABLES.banknote(), 'banknote');
    expect([t.rows, t.featureNames.length, t.labelName]).toEqual([1372, 4, 'Class']);
    expect(t.featureNames[0]).toBe('Variance of Wavelet Transformed image');
    expect(classCounts(t.y)).toEqual({ 0: 762, 1: 610 });
    means(t.x, 4).forEach((m, j) => expect(m).toBeCloseTo(UCI_MEANS.banknote[j], 6));
    // first and last UCI rows
    expect(Array.from(t.x.subarray(0, 4))).toEqual([3.6216, 8.6661, -2.8073, -0.44699]);
    expect(Array.from(t.x.subarray(1371 * 4))).toEqual([-2.5419, -0.65804, 2.6842, 1.1952]);
    expect(t.labelCodings).toBeNull();
  });

  it('wheat: 210 rows × 7 features, 3 classes (1, 2, 3) of 70, the UCI column means', async () => {
    const t = parseTable(await SHIPPED_TABLES.wheat(), 'wheat');
    expect([t.rows, t.featureNames.length, t.labelName]).toEqual([210, 7, 'Class']);
    expect(t.featureNames).toContain('Length of kernel groove');
    expect(classCounts(t.y)).toEqual({ 1: 70, 2: 70, 3: 70 });
    means(t.x, 7).forEach((m, j) => expect(m).toBeCloseTo(UCI_MEANS.wheat[j], 6));
  });

  it('banknote dataset: tinyBIG split int(0.9·1372) = 1,234 / 138, labels as numbers [N, 1], every row once', async () => {
    const d = await datasetFromConfig(cfg('tinybig.data.banknote', { train_batch_size: 2000, test_batch_size: 1000 }));
    expect([d.train.count, d.test.count, d.train.inputWidth, d.train.targetWidth, d.trainBatchSize, d.testBatchSize]).toEqual([1234, 138, 4, 1, 2000, 1000]);
    expect(d.numClasses).toBe(2);
    const all = [...Array.from(d.train.y), ...Array.from(d.test.y)];
    expect(classCounts(all)).toEqual({ 0: 762, 1: 610 });
    const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect((sum(d.train.x as Float32Array) + sum(d.test.x as Float32Array)) / 1372).toBeCloseTo(UCI_MEANS.banknote.reduce((a, b) => a + b), 3);
  });

  it('wheat dataset: 189 / 21 with train_percentage 0.9; train_percentage and shuffle are honoured', async () => {
    const d = await datasetFromConfig(cfg('wheat'));
    expect([d.train.count, d.test.count, d.train.inputWidth]).toEqual([189, 21, 7]);
    expect(d.numClasses).toBe(3);
    const u = await datasetFromConfig(cfg('wheat', { train_percentage: 0.5, shuffle: false }));
    expect([u.train.count, u.test.count]).toEqual([105, 105]);
    // unshuffled: the first 105 rows (classes 1 and half of 2) train, the rest test
    expect(classCounts(u.train.y)).toEqual({ 1: 70, 2: 35 });
    expect(classCounts(u.test.y)).toEqual({ 2: 35, 3: 70 });
  });

  it("the rows of each split are scikit-learn's train_test_split(train_size=int(0.9·n), random_state=123)", async () => {
    // sklearn 1.2.1: train_test_split(arange(n), train_size=…, random_state=123) → test starts, train starts (0-based rows)
    const cases = [
      { name: 'banknote', w: 4, test: [657, 18, 700], train: [457, 1366, 985] },
      { name: 'wheat', w: 7, test: [173, 178, 182], train: [201, 4, 108] },
    ];
    for (const c of cases) {
      const t = parseTable(await SHIPPED_TABLES[c.name](), c.name);
      const d = await datasetFromConfig(cfg(c.name));
      const row = (x: Float64Array | Float32Array, i: number) => Array.from(x.subarray(i * c.w, (i + 1) * c.w)).map(Math.fround);
      c.test.forEach((r, i) => expect(row(d.test.x, i), `${c.name} test ${i}`).toEqual(row(t.x, r)));
      c.train.forEach((r, i) => expect(row(d.train.x, i), `${c.name} train ${i}`).toEqual(row(t.x, r)));
    }
  });

  it('the split is seeded: the same random_state gives the same rows, another gives others', async () => {
    const a = await datasetFromConfig(cfg('banknote', { random_state: 7 }));
    const b = await datasetFromConfig(cfg('banknote', { random_state: 7 }));
    const c = await datasetFromConfig(cfg('banknote', { random_state: 8 }));
    expect(Array.from(a.test.x)).toEqual(Array.from(b.test.x));
    expect(Array.from(a.test.x)).not.toEqual(Array.from(c.test.x));
  });
});
