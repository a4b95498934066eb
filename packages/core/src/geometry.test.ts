import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  aggregationMatrix, assertGridVolume, cuboidPatch, cylinderPatch, degreeNormalize, grid, paddingMatrix,
  patchFromConfig, patchLayout, patchToConfig, spherePatch,
} from './geometry.js';
import { ValueError } from './errors.js';

describe('grid', () => {
  it('indexes cells h → w → d with channel-major universes', () => {
    const g = grid({ h: 2, w: 3, d: 4, universeNum: 2 });
    expect(g.volume()).toBe(24);
    expect(g.volume(true)).toBe(48);
    expect(g.attributeIndex(1, 2, 3)).toBe(3 + 2 * 4 + 1 * 12);
    expect(g.attributeIndex(1, 2, 3, 1)).toBe(23 + 24);
    expect(g.attributeIndex(2, 0, 0)).toBe(-1);
    expect(g.attributeIndex(0, -1, 0)).toBe(-1);
    for (let c = 0; c < 24; c++) expect(g.attributeIndex(...g.coordinate(c))).toBe(c);
  });
  it('rejects bad sizes and volumes with typed errors', () => {
    expect(() => grid({ h: 0, w: 3 })).toThrow(ValueError);
    expect(() => assertGridVolume(grid({ h: 3, w: 3 }), 10)).toThrow(/grid volume/);
    expect(() => assertGridVolume(grid({ h: 3, w: 3, universeNum: 2 }), 18)).not.toThrow();
  });
});

describe('patches', () => {
  it('cuboid offsets are lexicographic with primes defaulting to the unprimed value', () => {
    const p = cuboidPatch({ pH: 1, pW: 0, pD: 0, pWPrime: 1 });
    expect(p.offsets).toEqual([[-1, 0, 0], [-1, 1, 0], [0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 0]]);
    expect(p.size).toBe(3 * 2 * 1);
    expect(cuboidPatch({ pH: 1, pW: 1, pD: 0 }).packingStrategyParameters('complete_square')).toEqual([2, 2, 1]);
    expect(cuboidPatch({ pH: 1, pW: 1, pD: 0 }).packingStrategyParameters('nonsense')).toEqual([1, 1, 1]);
  });
  it('cylinder: disk of radius p_r times depth [-p_d\', p_d\']', () => {
    const p = cylinderPatch({ pR: 2, pD: 0, pDPrime: 1 });
    const disk = [...Array(5).keys()].flatMap((a) => [...Array(5).keys()].map((b) => [a - 2, b - 2])).filter(([i, j]) => i * i + j * j <= 4);
    expect(disk.length).toBe(13);
    expect(p.size).toBe(13 * 3);
    for (const [i, j, k] of p.offsets) {
      expect(i * i + j * j).toBeLessThanOrEqual(4);
      expect(Math.abs(k)).toBeLessThanOrEqual(1);
    }
    expect(new Set(p.offsets.map((o) => o.join(','))).size).toBe(p.size);
    // tinyBIG uses p_d' in both directions
    expect(cylinderPatch({ pR: 1, pD: 2, pDPrime: 0 }).size).toBe(5);
    expect(cylinderPatch({ pR: 1, pD: 1 }).size).toBe(15);
    expect(cylinderPatch({ pR: 3, pD: 1 }).packingStrategyParameters('complete_square')).toEqual([4, 4, 2]);
  });
  it('sphere: lattice ball of radius p_r', () => {
    for (const r of [0, 1, 2, 3]) {
      const p = spherePatch({ pR: r });
      let count = 0;
      for (let i = -r; i <= r; i++) for (let j = -r; j <= r; j++) for (let k = -r; k <= r; k++) if (i * i + j * j + k * k <= r * r) count++;
      expect(p.size).toBe(count);
      const keys = p.offsets.map((o) => o.join(','));
      expect(new Set(keys).size).toBe(count);
      const sorted = [...p.offsets].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      expect(p.offsets).toEqual(sorted);
    }
    expect(spherePatch({ pR: 1 }).size).toBe(7);
    expect(spherePatch({ pR: 3 }).packingStrategyParameters('complete_simple_cubic')).toEqual([3, 3, 3]);
  });
  it('round-trips patch configs', () => {
    for (const p of [cuboidPatch({ pH: 1, pW: 2, pD: 0, pHPrime: 0 }), cylinderPatch({ pR: 2, pD: 1 }), spherePatch({ pR: 2 })]) {
      expect(patchFromConfig(patchToConfig(p)).offsets).toEqual(p.offsets);
    }
    expect(() => patchFromConfig({ patch_class: 'x.cone' })).toThrow(ValueError);
  });
});

describe('layout and matrices', () => {
  it('centres follow range(0, h, cd_h) and out-of-grid offsets are -1', () => {
    const g = grid({ h: 3, w: 3 });
    const lay = patchLayout(g, cuboidPatch({ pH: 1, pW: 1, pD: 0 }), { packingStrategy: 'complete_square' });
    expect(lay.centers).toEqual([[0, 0, 0], [0, 2, 0], [2, 0, 0], [2, 2, 0]]);
    expect(lay.patchNum).toBe(4);
    expect(lay.patchSize).toBe(9);
    expect(Array.from(lay.cells.slice(0, 9))).toEqual([-1, -1, -1, -1, 0, 1, -1, 3, 4]);
    const explicit = patchLayout(g, cuboidPatch({ pH: 1, pW: 1, pD: 0 }), { cdH: 1, cdW: 3, cdD: 1 });
    expect(explicit.patchNum).toBe(3);
  });
  it('padding matrix columns are one-hot or zero; patch-major vs offset-major', () => {
    const g = grid({ h: 3, w: 2, d: 2 });
    const lay = patchLayout(g, spherePatch({ pR: 1 }));
    const N = 12, P = lay.patchNum, S = lay.patchSize;
    const pm = paddingMatrix(lay), om = paddingMatrix(lay, 'offset-major');
    for (let p = 0; p < P; p++) {
      for (let o = 0; o < S; o++) {
        let s1 = 0, s2 = 0;
        for (let c = 0; c < N; c++) { s1 += pm[c * P * S + p * S + o]; s2 += om[c * P * S + o * P + p]; }
        const inGrid = lay.cells[p * S + o] >= 0;
        expect(s1).toBe(inGrid ? 1 : 0);
        expect(s2).toBe(s1);
        if (inGrid) expect(pm[lay.cells[p * S + o] * P * S + p * S + o]).toBe(1);
      }
    }
  });
  it('aggregation matrix sums each patch at its centre; normalisation modes', () => {
    const g = grid({ h: 3, w: 3 });
    const lay = patchLayout(g, cuboidPatch({ pH: 1, pW: 1, pD: 0 }));
    const a = aggregationMatrix(lay);
    const colSum = (m: Float64Array, c: number) => [...Array(9).keys()].reduce((s, r) => s + m[r * 9 + c], 0);
    expect(colSum(a, 4)).toBe(9);
    expect(colSum(a, 0)).toBe(4);
    const r = aggregationMatrix(lay, { normalization: true, normalizationMode: 'row' });
    for (let i = 0; i < 9; i++) expect([...Array(9).keys()].reduce((s, c) => s + r[i * 9 + c], 0)).toBeCloseTo(1, 12);
    const rc = degreeNormalize([1, 1, 0, 1], 2, 2, 'row_column');
    // rows / sqrt([2, 1]) then columns / sqrt(column sums of that)
    const a0 = 1 / Math.SQRT2;
    expect(rc[0]).toBeCloseTo(a0 / Math.sqrt(a0), 12);
    expect(rc[1]).toBeCloseTo(a0 / Math.sqrt(a0 + 1), 12);
    expect(() => degreeNormalize([1], 1, 1, 'diag')).toThrow(ValueError);
  });
});

const goldenDir = process.env.RPN_GOLDEN_DIR ?? new URL('../../../golden/', import.meta.url).pathname;
const haveGolden = existsSync(`${goldenDir}/interdependence.json`);

it('finds the golden vectors (the vendored golden/ or RPN_GOLDEN_DIR)', () => expect(haveGolden).toBe(true));

describe.runIf(haveGolden)('golden geometric conventions', () => {
  type Case = { id: string; class: string; params: Record<string, any>; A?: { shape: number[]; data: number[] }; input: { shape: number[]; data: number[] }; output: { shape: number[]; data: number[] } };
  const load = (f: string): Case[] => JSON.parse(readFileSync(`${goldenDir}/${f}`, 'utf8')).cases;
  const patchOf = (p: Record<string, any>) => (p.patch_configs ? patchFromConfig(p.patch_configs)
    : p.p_r != null ? (p.p_d != null || /cylinder/.test(p.__cls) ? cylinderPatch({ pR: p.p_r, pD: p.p_d ?? 0, pDPrime: p.p_d_prime }) : spherePatch({ pR: p.p_r }))
      : cuboidPatch({ pH: p.p_h, pW: p.p_w, pD: p.p_d ?? 0, pHPrime: p.p_h_prime, pWPrime: p.p_w_prime, pDPrime: p.p_d_prime }));
  it('interdependence A matrices (padding patch-major, aggregation)', () => {
    const cases = load('interdependence.json').filter((c) => c.class.includes('geometric'));
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const p: Record<string, any> = { ...c.params, __cls: c.class };
      const lay = patchLayout(grid({ h: p.h, w: p.w, d: p.d ?? 1 }), patchOf(p), { packingStrategy: p.packing_strategy });
      const got = c.class.includes('aggregation')
        ? aggregationMatrix(lay, { normalization: p.normalization, normalizationMode: p.normalization_mode })
        : paddingMatrix(lay);
      expect(Array.from(got).length, c.id).toBe(c.A!.data.length);
      Array.from(got).forEach((v, i) => expect(Math.abs(v - c.A!.data[i]), c.id).toBeLessThan(1e-12));
    }
  });
  it('expansion outputs (offset-major padding)', () => {
    const cases = load('expansion.json').filter((c) => c.class.includes('geometric'));
    for (const c of cases) {
      const p: Record<string, any> = { ...c.params, __cls: c.class };
      const lay = patchLayout(grid({ h: p.h, w: p.w, d: p.d ?? 1 }), patchOf(p), { packingStrategy: p.packing_strategy });
      const A = paddingMatrix(lay, 'offset-major');
      const [b, m] = c.input.shape, cols = lay.patchNum * lay.patchSize;
      expect(c.output.shape, c.id).toEqual([b, cols]);
      for (let r = 0; r < b; r++) for (let k = 0; k < cols; k++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += c.input.data[r * m + j] * A[j * cols + k];
        expect(Math.abs(s - c.output.data[r * cols + k]), c.id).toBeLessThan(1e-9);
      }
    }
  });
});
