import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, RpnError, ShapeError, UnknownNameError, UnsupportedError, ValueError, createRegistry, describeOptions } from '@rpn/core';
import type { Transformation } from '@rpn/core';
import {
  combinatorialCompression, compressionEntries, cuboidMaxBasedGeometricCompression, geometricCompression, incrementalPcaBasedCompression,
  incrementalRandomProjectionBasedCompression, incrementalVarianceThresholdBasedCompression, maxCompression, medianCompression,
  metricCompression, naiveNormalProbabilisticCompression, naiveProbabilisticCompression, pcaPartialFit, sparseRandomProjection, seededRandom,
  COMPRESSION_OPTIONS,
} from './index.js';

const registry = createRegistry(compressionEntries);

/** Deterministic pseudo-random data in [−1, 1). */
function data(b: number, m: number, seed = 1): number[][] {
  const r = seededRandom(seed);
  return Array.from({ length: b }, () => Array.from({ length: m }, () => 2 * r() - 1));
}

const cube = { h: 3, w: 3, d: 1 };
/** One config per registered class (every entry must be covered), with an input width and batch. */
const CASES: Record<string, { params: Record<string, unknown>; m?: number; b?: number }> = {
  identity_compression: { params: {} },
  reciprocal_compression: { params: {} },
  linear_compression: { params: { c: -2 } },
  metric_compression: { params: { metric: 'tinybig.koala.statistics.batch_std' } },
  max_compression: { params: {} },
  min_compression: { params: {} },
  sum_compression: { params: {} },
  mean_compression: { params: {} },
  prod_compression: { params: {} },
  median_compression: { params: {} },
  geometric_compression: { params: { metric: 'batch_max', patch_configs: { patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: { p_h: 1, p_w: 1, p_d: 0 } }, ...cube }, m: 9 },
  cuboid_patch_based_geometric_compression: { params: { metric: 'batch_sum', p_h: 1, p_w: 1, p_d: 0, ...cube }, m: 9 },
  cylinder_patch_based_geometric_compression: { params: { metric: 'batch_mean', p_r: 1, p_d: 0, ...cube }, m: 9 },
  sphere_patch_based_geometric_compression: { params: { metric: 'batch_min', p_r: 1, h: 3, w: 2, d: 2 }, m: 12 },
  cuboid_max_based_geometric_compression: { params: { p_h: 1, p_w: 1, p_d: 0, ...cube, packing_strategy: 'complete_square' }, m: 9 },
  cuboid_min_based_geometric_compression: { params: { p_h: 1, p_w: 1, p_d: 0, ...cube }, m: 9 },
  cuboid_mean_based_geometric_compression: { params: { p_h: 1, p_w: 1, p_d: 0, ...cube }, m: 9 },
  cylinder_max_based_geometric_compression: { params: { p_r: 1, p_d: 0, ...cube }, m: 9 },
  cylinder_min_based_geometric_compression: { params: { p_r: 1, p_d: 0, ...cube }, m: 9 },
  cylinder_mean_based_geometric_compression: { params: { p_r: 1, p_d: 0, ...cube }, m: 9 },
  sphere_max_based_geometric_compression: { params: { p_r: 1, h: 3, w: 2, d: 2 }, m: 12 },
  sphere_min_based_geometric_compression: { params: { p_r: 1, h: 3, w: 2, d: 2 }, m: 12 },
  sphere_mean_based_geometric_compression: { params: { p_r: 1, h: 3, w: 2, d: 2 }, m: 12 },
  feature_selection_compression: { params: { D: 2, fs_function_configs: { function_class: 'tinybig.koala.machine_learning.feature_selection.incremental_variance_threshold' } } },
  incremental_feature_clustering_based_compression: { params: { D: 2 } },
  incremental_variance_threshold_based_compression: { params: { D: 2 } },
  dimension_reduction_compression: { params: { D: 2, dr_function_configs: { function_class: 'tinybig.koala.machine_learning.dimension_reduction.incremental_PCA' } } },
  incremental_PCA_based_compression: { params: { D: 2 } },
  incremental_random_projection_based_compression: { params: { D: 2, seed: 3 } },
  manifold_compression: { params: { D: 2, seed: 1, manifold_function_configs: { function_class: 'tinybig.koala.manifold.isomap_manifold', function_parameters: { n_neighbors: 3 } } }, b: 8 },
  isomap_manifold_compression: { params: { D: 2, n_neighbors: 3, seed: 1 }, b: 8 },
  lle_manifold_compression: { params: { D: 2, n_neighbors: 4, seed: 1 }, b: 8 },
  mds_manifold_compression: { params: { D: 2, seed: 1 }, b: 8 },
  spectral_embedding_manifold_compression: { params: { D: 2, seed: 1 }, b: 8 },
  tsne_manifold_compression: { params: { D: 2, perplexity: 2, seed: 1 }, b: 8 },
  naive_probabilistic_compression: { params: { k: 2, seed: 5 } },
  naive_uniform_probabilistic_compression: { params: { k: 2, seed: 5 } },
  naive_normal_probabilistic_compression: { params: { k: 3, seed: 5, simply_sampling: false, log_prob: true } },
  naive_cauchy_probabilistic_compression: { params: { k: 2, seed: 5 } },
  naive_chi2_probabilistic_compression: { params: { k: 2, seed: 5 } },
  naive_exponential_probabilistic_compression: { params: { k: 2, seed: 5 } },
  naive_gamma_probabilistic_compression: { params: { k: 2, seed: 5 } },
  naive_laplace_probabilistic_compression: { params: { k: 2, seed: 5 } },
  combinatorial_compression: { params: { d: 2, k: 3, seed: 5 } },
  combinatorial_probabilistic_compression: { params: { d: 2, k: 3, seed: 5 } },
  nested_compression: { params: { composition_function_configs: [{ function_class: 'tinybig.compression.reciprocal_compression' }, { function_class: 'tinybig.compression.mean_compression' }] } },
  extended_compression: { params: { composition_function_configs: [{ function_class: 'max_compression' }, { function_class: 'median_compression' }] } },
};

describe('registry round trip, shapes and leaks', () => {
  it('covers every registered class', () => {
    expect(Object.keys(CASES).sort()).toEqual(compressionEntries.map((e) => e.className).sort());
  });
  for (const [cls, spec] of Object.entries(CASES)) {
    it(cls, () => {
      const m = spec.m ?? 5, b = spec.b ?? 6;
      const f = registry.build<Transformation>({ function_class: `tinybig.compression.${cls}`, function_parameters: spec.params });
      expect(f.kind).toBe('compression');
      const x = tf.tensor2d(data(b, m));
      const before = tf.memory().numTensors;
      const y = f.forward(x);
      expect(y.shape).toEqual([b, f.calculateD(m)]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      const g = registry.build<Transformation>(JSON.parse(JSON.stringify(f.toConfig())));
      expect(g.toConfig()).toEqual(f.toConfig());
      const y2 = g.forward(x);
      // Same config (seed included) → same output on a fresh instance.
      const f2 = registry.build<Transformation>({ function_class: cls, function_parameters: spec.params });
      const y3 = f2.forward(x);
      if (!cls.includes('manifold') || cls.startsWith('isomap') || cls.startsWith('mds') || cls.startsWith('spectral')) {
        expect(Array.from(y2.dataSync())).toEqual(Array.from(y3.dataSync()));
      }
      y.dispose(); y2.dispose(); y3.dispose();
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  }
});

describe('metric compressions', () => {
  it('median is the lower middle value and std is unbiased', () => {
    const x = tf.tensor2d([[4, 1, 3, 2], [0.5, -1, 2, 7]]);
    expect(Array.from(medianCompression().forward(x).dataSync())).toEqual([2, 0.5]);
    const s = metricCompression({ metric: 'batch_std' }).forward(tf.tensor2d([[1, 2, 3, 4]])).dataSync()[0];
    expect(s).toBeCloseTo(Math.sqrt(5 / 3), 5);
    const v = metricCompression({ metric: 'tinybig.koala.statistics.batch_variance' }).forward(tf.tensor2d([[1, 2, 3, 4]])).dataSync()[0];
    expect(v).toBeCloseTo(5 / 3, 5);
  });
  it('differentiates on wasm (max, median, geometric)', () => {
    const x = tf.tensor2d([[0.3, -0.2, 0.9, 0.1]]);
    const gMax = tf.grad((v: tf.Tensor) => tf.sum(maxCompression().forward(v)))(x);
    expect(Array.from(gMax.dataSync())).toEqual([0, 0, 1, 0]);
    const gMed = tf.grad((v: tf.Tensor) => tf.sum(medianCompression().forward(v)))(x);
    expect(Array.from(gMed.dataSync())).toEqual([0, 0, 0, 1]); // lower median of {−0.2, 0.1, 0.3, 0.9} is 0.1
    const geo = cuboidMaxBasedGeometricCompression({ pH: 1, pW: 1, pD: 0, h: 3, w: 3, d: 1 });
    const g = tf.grad((v: tf.Tensor) => tf.sum(geo.forward(v)))(tf.tensor2d([data(1, 9)[0]]));
    expect(g.shape).toEqual([1, 9]);
  });
  it('geometric mean counts the zero padding', () => {
    const f = geometricCompression({ metric: 'batch_mean', patchConfigs: { patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: { p_h: 1, p_w: 1, p_d: 0 } }, h: 3, w: 3, d: 1 });
    const y = f.forward(tf.ones([1, 9])).dataSync();
    expect(y[0]).toBeCloseTo(4 / 9, 6); // corner: 4 in-grid cells of 9
    expect(y[4]).toBeCloseTo(1, 6); // centre
  });
});

describe('bad input', () => {
  it('throws typed errors naming the argument', () => {
    expect(() => maxCompression().forward(tf.tensor1d([1, 2]))).toThrow(ShapeError);
    expect(() => registry.build({ function_class: 'max_compression', function_parameters: { bogus: 1 } })).toThrow(ConfigError);
    expect(() => metricCompression({ metric: 'batch_nothing' })).toThrow(UnknownNameError);
    expect(() => registry.build({ function_class: 'no_such_compression' })).toThrow(UnknownNameError);
    const geo = registry.build<Transformation>({ function_class: 'cuboid_max_based_geometric_compression', function_parameters: { p_h: 1, p_w: 1, p_d: 0, h: 3, w: 3, d: 1 } });
    expect(() => geo.forward(tf.zeros([2, 8]))).toThrow(ValueError);
    const p = naiveProbabilisticCompression({ k: 6 });
    try { p.forward(tf.zeros([2, 5])); expect.unreachable(); } catch (e) { expect(e).toBeInstanceOf(ValueError); expect((e as RpnError).argument).toBe('k'); }
    const pca = incrementalPcaBasedCompression({ D: 2, fitMode: 'explicit' });
    expect(() => pca.forward(tf.zeros([4, 5]))).toThrow(UnsupportedError);
    expect(() => incrementalPcaBasedCompression({ D: 3 }).forward(tf.tensor2d(data(2, 5)))).toThrow(ValueError);
    expect(() => incrementalPcaBasedCompression({ D: 2, fitMode: 'sometimes' })).toThrow(ValueError);
  });
});

describe('probabilistic compressions', () => {
  it('samples k distinct ascending indices with seeded, reproducible draws', () => {
    const rows = data(20, 8, 7);
    const x = tf.tensor2d(rows);
    const f = naiveNormalProbabilisticCompression({ k: 3, seed: 11 });
    const y = f.forward(x).arraySync() as number[][];
    y.forEach((row, i) => {
      const idx = row.map((v) => rows[i].findIndex((u) => Math.fround(u) === v));
      expect(idx.every((j) => j >= 0)).toBe(true);
      expect(idx.every((j, t) => t === 0 || j > idx[t - 1])).toBe(true);
    });
    expect(naiveNormalProbabilisticCompression({ k: 3, seed: 11 }).forward(x).arraySync()).toEqual(y);
    const w = f.samplingWeights(x).arraySync() as number[][];
    w.forEach((r) => expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5));
  });
  it('passes gradients to the selected inputs', () => {
    const x = tf.tensor2d(data(3, 5));
    const f = naiveProbabilisticCompression({ k: 2, seed: 2 });
    const g = tf.grad((v: tf.Tensor) => tf.sum(f.forward(v, { seed: 9 })))(x);
    const counts = (g.arraySync() as number[][]).map((r) => r.reduce((a, b) => a + b, 0));
    expect(counts).toEqual([2, 2, 2]);
  });
  it('combinatorial output slots interleave the orders as tinyBIG concatenates them', () => {
    const f = combinatorialCompression({ d: 2, k: 5, seed: 1 });
    const y = (f.forward(tf.tensor2d([[1, 2, 3, 4, 5]])).arraySync() as number[][])[0];
    expect(y.length).toBe(15);
    // k = m: every single is drawn, so slot j starts with x_j, followed by a pair (i1 < i2).
    for (let j = 0; j < 5; j++) {
      expect(y[3 * j]).toBe(j + 1);
      expect(y[3 * j + 1]).toBeLessThan(y[3 * j + 2]);
    }
  });
});

describe('feature selection and dimension reduction (defining properties)', () => {
  it('variance threshold keeps the highest-variance columns, ascending by variance', () => {
    const scales = [0.1, 3, 0.5, 2, 1];
    const rows = data(40, 5, 3).map((r) => r.map((v, j) => v * scales[j]));
    const f = incrementalVarianceThresholdBasedCompression({ D: 3 });
    const y = f.forward(tf.tensor2d(rows)).arraySync() as number[][];
    const picked = [4, 3, 1];
    y.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(rows[i][picked[j]], 5)));
  });

  it('PCA components are orthonormal and capture the top variance of a low-rank set', () => {
    const r = seededRandom(4);
    const basis = [[1, 2, 0, -1, 0.5, 0], [0, -1, 1, 1, 0, 2]];
    const rows = Array.from({ length: 60 }, () => {
      const z = [3 * (r() - 0.5), r() - 0.5];
      return basis[0].map((_, j) => z[0] * basis[0][j] + z[1] * basis[1][j] + 1e-3 * (r() - 0.5) + 5);
    });
    const s = pcaPartialFit(null, rows, 2);
    const C = s.components;
    for (let a = 0; a < 2; a++) for (let c = 0; c < 2; c++) {
      expect(C[a].reduce((acc, v, j) => acc + v * C[c][j], 0)).toBeCloseTo(a === c ? 1 : 0, 8);
    }
    const mean = rows[0].map((_, j) => rows.reduce((acc, row) => acc + row[j], 0) / rows.length);
    const total = rows.reduce((acc, row) => acc + row.reduce((t, v, j) => t + (v - mean[j]) ** 2, 0), 0);
    const captured = rows.reduce((acc, row) => acc + C.reduce((t, comp) => t + comp.reduce((u, v, j) => u + v * (row[j] - mean[j]), 0) ** 2, 0), 0);
    expect(captured / total).toBeGreaterThan(0.9999);
    // First component carries more variance than the second.
    expect(s.singularValues[0]).toBeGreaterThan(s.singularValues[1]);
    // Incremental fit over two halves spans the same subspace.
    const s2 = pcaPartialFit(pcaPartialFit(null, rows.slice(0, 30), 2), rows.slice(30), 2);
    const proj = s2.components.map((c2) => C.reduce((acc, c) => acc + c.reduce((u, v, j) => u + v * c2[j], 0) ** 2, 0));
    proj.forEach((p) => expect(p).toBeCloseTo(1, 5));
    // The compression is (x − μ)·Vᵀ, differentiable in x.
    const f = incrementalPcaBasedCompression({ D: 2, fitMode: 'explicit' });
    expect(f.fitted).toBe(false);
    f.fit(tf.tensor2d(rows));
    expect(f.fitted).toBe(true);
    const g = tf.grad((v: tf.Tensor) => tf.sum(f.forward(v)))(tf.tensor2d(rows.slice(0, 3)));
    expect(g.shape).toEqual([3, 6]);
  });

  it('random projection preserves pairwise distances within the Johnson–Lindenstrauss bound', () => {
    const n = 20, m = 1000, eps = 0.5;
    const D = Math.ceil((4 * Math.log(n)) / (eps ** 2 / 2 - eps ** 3 / 3));
    const rows = data(n, m, 9);
    const f = incrementalRandomProjectionBasedCompression({ D, seed: 17 });
    const y = f.forward(tf.tensor2d(rows)).arraySync() as number[][];
    const dist = (a: number[], b: number[]) => a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const ratio = dist(y[i], y[j]) / dist(rows[i], rows[j]);
      expect(ratio).toBeGreaterThan(1 - eps);
      expect(ratio).toBeLessThan(1 + eps);
    }
    // Fitted once (first call): a second call reuses the same matrix.
    const y2 = f.forward(tf.tensor2d(rows)).arraySync();
    expect(y2).toEqual(y);
    // Sparse: about 1/√m of the entries are non-zero.
    const R = sparseRandomProjection(m, 50, seededRandom(1));
    const nz = R.flat().filter((v) => v !== 0).length / (50 * m);
    expect(nz).toBeGreaterThan(0.5 / Math.sqrt(m));
    expect(nz).toBeLessThan(2 / Math.sqrt(m));
  });
});

describe('declared options', () => {
  const reg = createRegistry(compressionEntries);
  const errorOf = (f: () => unknown): RpnError => { try { f(); } catch (e) { return e as RpnError; } throw new Error('no error'); };
  it('a config\'s bad option is a ConfigError naming the tinyBIG key; in code a ValueError', () => {
    const e = errorOf(() => reg.build({ function_class: 'naive_normal_probabilistic_compression', function_parameters: { k: 2, with_replacement: 'no' } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('with_replacement');
    const u = errorOf(() => reg.build({ function_class: 'cuboid_max_based_geometric_compression', function_parameters: { h: 3, w: 3, p_h: 1, p_w: 1, metric: 'batch_min' } }));
    expect(u).toBeInstanceOf(ConfigError);
    expect(u.argument).toBe('metric');
    expect(() => combinatorialCompression({ d: 0 })).toThrow(ValueError);
  });
  it('a non-string name is an error (it silently became the class name)', () => {
    expect(() => maxCompression({ name: 5 } as never)).toThrow(ValueError);
  });
  it('every declared compression is described as plain data', () => {
    for (const e of compressionEntries) {
      if (!e.options) continue;
      expect(e.options.className).toBe(e.className);
      const d = describeOptions(e.options);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
    expect(compressionEntries.filter((e) => e.options).length).toBe(Object.keys(COMPRESSION_OPTIONS).length);
  });
});
