import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetFromConfig, DATASET_NAMES } from './datasets/index.js';
import { parseCifarBatch, parseIdx } from './datasets/vision.js';
import { compileEquation, FUNCTION_LISTS, parseEquation } from './datasets/functions.js';

const cfg = (data_class: string, data_parameters: Record<string, unknown> = {}) => ({ data_class, data_parameters });

describe('function datasets', () => {
  it('loads mathjs only when a formula is compiled (a static import costs every process about 80 MB)', () => {
    const src = fs.readFileSync(new URL('./datasets/functions.ts', import.meta.url), 'utf8');
    const statics = src.split('\n').filter((l) => /^import\s/.test(l) && /['"]mathjs['"]/.test(l));
    expect(statics.every((l) => /^import type\s/.test(l)), statics.join('\n')).toBe(true);
    expect(src).toContain("import('mathjs')");
  });

  it('elementary E.14 arcsinh(x+y): 2000 samples, first half train, y = f(x)', async () => {
    const d = await datasetFromConfig(cfg('tinybig.data.elementary_function', { equation_index: 14, train_batch_size: 100, test_batch_size: 100 }), { seed: 123 });
    expect([d.train.count, d.test.count, d.train.inputWidth, d.train.targetWidth, d.trainBatchSize]).toEqual([1000, 1000, 2, 1, 100]);
    for (let i = 0; i < 5; i++) {
      const [x, y] = [d.train.x[2 * i], d.train.x[2 * i + 1]];
      expect(x).toBeGreaterThanOrEqual(0); expect(x).toBeLessThan(0.5);
      expect(d.train.y[i]).toBeCloseTo(Math.asinh(x + y), 5);
    }
    expect(d.description).toContain('arcsinh(x+y)');
  });

  it('every formula of every list evaluates to a finite number somewhere in its range', async () => {
    for (const [name, list] of Object.entries(FUNCTION_LISTS)) {
      for (const [i, rec] of list.entries()) {
        const eq = parseEquation(rec);
        const f = await compileEquation(eq);
        const mid = eq.variables.map((v, k) => v.low + ((0.37 + 0.13 * k) % 1) * (v.high - v.low) + 0.01);
        expect(Number.isFinite(f(mid)), `${name}[${i}] ${eq.formula}`).toBe(true);
      }
    }
    expect(FUNCTION_LISTS.feynman_function.length).toBe(100);
    expect(FUNCTION_LISTS.dimensionless_feynman_function.length).toBe(27);
    expect(parseEquation(FUNCTION_LISTS.feynman_function[4]).variables.length).toBe(9);
  });

  it('composite, Feynman (I.9.18, 9 variables) and dimensionless Feynman shapes', async () => {
    const c = await datasetFromConfig(cfg('composite_function', { equation_index: 3 }));
    expect([c.train.count, c.train.inputWidth]).toEqual([1000, 2]);
    const f = await datasetFromConfig(cfg('tinybig.data.feynman_function', { equation_index: 4 }));
    expect([f.train.count, f.test.count, f.train.inputWidth]).toEqual([1000, 1000, 9]);
    const g = await datasetFromConfig(cfg('dimensionless_feynman_function', { equation_index: 2 }));
    expect(g.train.inputWidth).toBe(6);
    await expect(datasetFromConfig(cfg('elementary_function', { equation_index: 17 }))).rejects.toThrow(/equation_index.*0 to 16/s);
  });
});

describe('tabular datasets', () => {
  it('iris: 150 rows, 4 features, labels 0..2, sklearn split with random_state 123 (135/15)', async () => {
    const d = await datasetFromConfig(cfg('tinybig.data.iris', { train_batch_size: 1000, test_batch_size: 1000 }));
    expect([d.train.count, d.test.count, d.train.inputWidth, d.train.targetWidth]).toEqual([135, 15, 4, 1]);
    // test rows are numpy's RandomState(123).permutation(150)[:15] = [72, 112, …]; row 72 (0-based) is a versicolor 6.3,2.5,4.9,1.5
    expect(Array.from(d.test.x.slice(0, 4))).toEqual([6.3, 2.5, 4.9, 1.5].map(Math.fround));
    expect(d.test.y[0]).toBe(1);
    expect(new Set(d.train.y).size).toBe(3);
  });

  it('diabetes: 768 × 8 → 691/77', async () => {
    const d = await datasetFromConfig(cfg('tinybig.data.diabetes'));
    expect([d.train.count, d.test.count, d.train.inputWidth]).toEqual([691, 77, 8]);
  });

  it('normalisation options and data_contents', async () => {
    const rows = ['Id_int,a_float,b_float,Label_str', '1,0,10,x', '2,5,20,y', '3,10,30,x', '4,2,40,z'];
    const d = await datasetFromConfig(cfg('iris', { data_contents: rows, normalize_X: true, train_percentage: 0.5, shuffle: false }));
    expect(Array.from(d.train.x)).toEqual([0, 0, 0.5, 1 / 3].map(Math.fround));
    expect(Array.from(d.test.y)).toEqual([0, 2]);
  });

  it('unknown data class names the known ones', async () => {
    await expect(datasetFromConfig(cfg('tinybig.data.barley'))).rejects.toThrow(/barley.*iris/s);
    expect(DATASET_NAMES).toContain('mnist');
  });
});

describe('vision datasets', () => {
  it('embedded MNIST: 8,000/2,000 split per digit, 784 wide, normalised', async () => {
    const d = await datasetFromConfig(cfg('tinybig.data.mnist', { train_batch_size: 64 }));
    expect([d.train.count, d.test.count, d.train.inputWidth, d.train.targetWidth, d.numClasses]).toEqual([8000, 2000, 784, 0, 10]);
    const counts = new Array(10).fill(0);
    for (const v of d.test.y) counts[v]++;
    expect(counts).toEqual([200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
    expect(Math.min(...d.train.x.subarray(0, 784))).toBeCloseTo(-0.1307 / 0.3081, 5);
  });

  it('IDX and CIFAR-10 binary readers', () => {
    const idx = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4]);
    const r = parseIdx(idx);
    expect(r.dims).toEqual([2, 1, 2]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
    expect(() => parseIdx(idx.subarray(0, 18))).toThrow(/truncated/);
    const rec = new Uint8Array(2 * 3073);
    rec[0] = 7; rec[3073] = 3; rec[1] = 255;
    const c = parseCifarBatch(rec, { normalize: false });
    expect(Array.from(c.y)).toEqual([7, 3]);
    expect(c.x[0]).toBe(1);
    expect(() => parseCifarBatch(rec.subarray(1))).toThrow(/partial record/);
  });
});
