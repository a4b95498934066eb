import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, ValueError, createRegistry, describeOptions, type RpnError, defineEntry, functionConfig, grid, patchLayout, cylinderPatch, spherePatch, type Fusion, type Interdependence, type Transformation } from '@rpn/core';
import { reconciliationEntries } from '@rpn/reconciliation';
import {
  interdependenceEntries, cylinderPatchPaddingBasedGeometricInterdependence, cylinderPatchAggregationBasedGeometricInterdependence,
  spherePatchPaddingBasedGeometricInterdependence, spherePatchAggregationBasedGeometricInterdependence, cuboidPatchPaddingBasedGeometricInterdependence,
  hybridInterdependence, identityInterdependence, parameterizedInterdependence, parameterizedBilinearInterdependence, parameterizedRpnInterdependence,
  pearsonCorrelationInterdependence, euclideanDistanceInterdependence, constantInterdependence, chainInterdependence,
  PSI_KEYS,
} from './index.js';
import { lorrReconciliation } from '@rpn/reconciliation';

/** Test-only fusion (element-wise mean) and transformation (identity κ): the real ones live in @rpn/model and @rpn/expansion. */
function meanFusion(dims?: number[]): Fusion {
  return Object.freeze({
    kind: 'fusion' as const, className: 'mean_fusion', name: 'mean_fusion', requireParameters: false, dims,
    calculateN: (d?: readonly number[]) => (d ?? dims ?? [0])[0], calculateL: () => 0,
    forward: (xs: readonly Tensor[]) => tf.tidy(() => tf.div(tf.addN(xs as Tensor[]), tf.scalar(xs.length))),
    toConfig: () => functionConfig('tinybig.fusion.mean_fusion', { dims }),
  });
}
function identityExpansion(): Transformation {
  return Object.freeze({
    kind: 'expansion' as const, className: 'identity_expansion', name: 'identity_expansion',
    calculateD: (m: number) => m, forward: (x: Tensor) => tf.clone(x), toConfig: () => functionConfig('tinybig.expansion.identity_expansion', {}),
  });
}
const registry = createRegistry(interdependenceEntries, reconciliationEntries, [
  defineEntry('fusion', 'mean_fusion', (o) => meanFusion(o.dims as number[] | undefined), { module: 'tinybig.fusion' }),
  defineEntry('expansion', 'identity_expansion', () => identityExpansion(), { module: 'tinybig.expansion' }),
]);

const rand = (shape: number[], seed = 1) => tf.randomUniform(shape, -1, 1, 'float32', seed);
const vals = (t: Tensor) => Array.from(t.dataSync());

describe('geometric cylinder / sphere patches (tinyBIG cannot build them: defined by their properties)', () => {
  const cases = [
    { name: 'cylinder', pad: () => cylinderPatchPaddingBasedGeometricInterdependence({ m: 36, h: 3, w: 4, d: 3, pR: 1, pD: 1 }), patch: cylinderPatch({ pR: 1, pD: 1 }), g: grid({ h: 3, w: 4, d: 3 }) },
    { name: 'cylinder (tinyBIG r=)', pad: () => cylinderPatchPaddingBasedGeometricInterdependence({ m: 36, h: 3, w: 4, d: 3, r: 1, pD: 1 } as never), patch: cylinderPatch({ pR: 1, pD: 1 }), g: grid({ h: 3, w: 4, d: 3 }) },
    { name: 'sphere', pad: () => spherePatchPaddingBasedGeometricInterdependence({ m: 36, h: 3, w: 4, d: 3, pR: 1 }), patch: spherePatch({ pR: 1 }), g: grid({ h: 3, w: 4, d: 3 }) },
  ];
  for (const c of cases) {
    it(`${c.name}: padding gathers patch members, zero outside the grid`, () => {
      const f = c.pad();
      const S = c.patch.size, P = 36;
      expect(f.calculateMPrime()).toBe(P * S);
      const x = rand([2, 36]);
      const y = f.forward(x);
      expect(y.shape).toEqual([2, P * S]);
      const xv = vals(x), yv = vals(y);
      let outside = 0;
      for (let p = 0; p < P; p++) {
        const [ci, cj, ck] = c.g.coordinate(p);
        c.patch.offsets.forEach(([di, dj, dk], o) => {
          const cell = c.g.attributeIndex(ci + di, cj + dj, ck + dk);
          for (let r = 0; r < 2; r++) expect(yv[r * P * S + p * S + o]).toBeCloseTo(cell < 0 ? 0 : xv[r * 36 + cell], 6);
          if (cell < 0) outside++;
        });
      }
      expect(outside).toBeGreaterThan(0);
      tf.dispose([x, y]);
    });
  }
  it('cylinder and sphere aggregation sum the in-grid members around each centre', () => {
    for (const [f, patch] of [
      [cylinderPatchAggregationBasedGeometricInterdependence({ m: 36, h: 3, w: 4, d: 3, pR: 1, pD: 0 }), cylinderPatch({ pR: 1, pD: 0 })],
      [spherePatchAggregationBasedGeometricInterdependence({ m: 36, h: 3, w: 4, d: 3, pR: 1 }), spherePatch({ pR: 1 })],
    ] as const) {
      const g = grid({ h: 3, w: 4, d: 3 });
      const x = tf.ones([1, 36]);
      const y = vals(f.forward(x));
      const lay = patchLayout(g, patch);
      for (let p = 0; p < 36; p++) {
        const count = Array.from(lay.cells.slice(p * patch.size, (p + 1) * patch.size)).filter((v) => v >= 0).length;
        expect(y[p]).toBe(count);
      }
      expect(y[g.attributeIndex(1, 1, 1)]).toBe(patch.size); // an interior centre sees the whole patch
      x.dispose();
    }
  });
  it('channels: output is (b, patch, channel, offset) for padding', () => {
    const f = cuboidPatchPaddingBasedGeometricInterdependence({ m: 18, h: 3, w: 3, channelNum: 2, pH: 1, pW: 0, pD: 0 });
    expect(f.calculateMPrime()).toBe(9 * 3 * 2);
    const x = tf.reshape(tf.range(0, 18), [1, 18]);
    const y = vals(f.forward(x));
    // patch 4 = centre (1,1): offsets (0,1),(1,1),(2,1) → cells 1,4,7; channel 1 adds 9
    expect(y.slice(4 * 6, 4 * 6 + 6)).toEqual([1, 4, 7, 10, 13, 16]);
    x.dispose();
  });
  it('a grid whose volume does not match m is a typed error', () => {
    expect(() => spherePatchPaddingBasedGeometricInterdependence({ m: 35, h: 3, w: 4, d: 3, pR: 1 })).toThrow(ValueError);
    expect(() => spherePatchPaddingBasedGeometricInterdependence({ m: 35, h: 3, w: 4, d: 3, pR: 1 })).toThrow(/grid volume/);
    const f = spherePatchPaddingBasedGeometricInterdependence({ h: 3, w: 4, d: 3, pR: 1 });
    const x = tf.zeros([2, 30]);
    expect(() => f.forward(x)).toThrow(ShapeError);
    x.dispose();
  });
});

describe('hybrid interdependence', () => {
  it('attribute type: m\' works (tinyBIG raises) and A is the fusion of the members', () => {
    const h = hybridInterdependence({
      b: 4, m: 3, interdependenceType: 'attribute',
      interdependenceFunctionConfigs: [{ function_class: 'identity_interdependence' }, { function_class: 'parameterized_interdependence' }],
      fusionFunctionConfig: { function_class: 'mean_fusion', function_parameters: { dims: [3, 3] } },
    }, { registry, build: (c, k) => registry.build(c, k) });
    expect(h.type).toBe('attribute');
    expect(h.calculateMPrime()).toBe(3);
    expect(h.calculateL()).toBe(9);
    const x = rand([4, 3]), w = rand([1, 9], 2);
    const A = h.calculateA(x, w);
    const expected = tf.div(tf.add(tf.eye(3), tf.reshape(w, [3, 3])), 2);
    const av = vals(A);
    vals(expected).forEach((v, i) => expect(av[i]).toBeCloseTo(v, 6));
    expect(h.forward(x, w).shape).toEqual([4, 3]);
    tf.dispose([x, w, A, expected]);
  });
});

describe('parameterized functions: gradients', () => {
  const builds: [string, () => Interdependence, number[]][] = [];
  for (const kind of ['plain', 'lowrank', 'hm', 'lphm', 'dual_lphm', 'random_matrix_adaption'] as const) {
    // each parameterisation takes only its ψ's options (PSI_KEYS); others are unknown keys
    const psi: Record<string, number> = { r: 1, p: 2, q: 2, seed: 7 };
    const o = { b: 4, m: 4, ...Object.fromEntries((PSI_KEYS[kind] as readonly string[]).filter((k) => k in psi).map((k) => [k, psi[k]])) };
    builds.push([`${kind} attribute`, () => parameterizedInterdependence(kind, { ...o, interdependenceType: 'attribute', mPrime: 6 }), [5, 4]]);
    builds.push([`${kind} instance`, () => parameterizedInterdependence(kind, { ...o, interdependenceType: 'instance', bPrime: 4 }), [4, 4]]);
    builds.push([`${kind} bilinear instance`, () => parameterizedBilinearInterdependence(kind, { ...o, interdependenceType: 'instance' }), [3, 4]]);
    builds.push([`${kind} bilinear attribute`, () => parameterizedBilinearInterdependence(kind, { ...o, interdependenceType: 'attribute' }), [4, 4]]);
  }
  builds.push(['rpn attribute', () => parameterizedRpnInterdependence({ b: 4, m: 3, mPrime: 2, interdependenceType: 'attribute', dataTransformation: identityExpansion(), parameterFabrication: lorrReconciliation({ r: 1 }) }), [4, 3]]);
  builds.push(['rpn instance', () => parameterizedRpnInterdependence({ b: 4, m: 3, bPrime: 2, interdependenceType: 'instance', dataTransformation: identityExpansion(), parameterFabrication: lorrReconciliation({ r: 1 }) }), [3, 3]]);
  for (const [name, make, xShape] of builds) {
    it(`${name}: gradient w.r.t. w matches finite differences`, () => {
      const f = make();
      const l = f.calculateL();
      const x = rand(xShape, 3);
      const w = rand([1, l], 4);
      const loss = (ww: Tensor) => tf.sum(tf.square(f.forward(x, ww)));
      const g = tf.grad(loss)(w);
      const gv = vals(g);
      expect(gv.every(Number.isFinite)).toBe(true);
      expect(gv.some((v) => v !== 0)).toBe(true);
      const eps = 1e-2;
      for (const i of [0, l - 1]) {
        const e = tf.tensor2d(Array.from({ length: l }, (_, j) => (j === i ? eps : 0)), [1, l]);
        const wp = tf.add(w, e), wm = tf.sub(w, e);
        const lp = loss(wp), lm = loss(wm);
        const fd = (lp.dataSync()[0] - lm.dataSync()[0]) / (2 * eps);
        expect(gv[i]).toBeCloseTo(fd, 1);
        tf.dispose([e, wp, wm, lp, lm]);
      }
      tf.dispose([x, w, g]);
    });
  }
  it('distance kernels stay differentiable on their zero diagonal', () => {
    const f = euclideanDistanceInterdependence({ b: 4, m: 3 });
    const x = rand([4, 3], 5);
    const g = tf.grad((xx: Tensor) => tf.sum(f.forward(xx)))(x);
    expect(vals(g).every(Number.isFinite)).toBe(true);
    tf.dispose([x, g]);
  });
});

describe('batch sizes and typed errors', () => {
  it('instance kernels accept a smaller last batch', () => {
    const f = pearsonCorrelationInterdependence({ b: 4, m: 3, interdependenceType: 'instance' });
    const x = rand([3, 3]);
    const y = f.forward(x);
    expect(y.shape).toEqual([3, 3]);
    tf.dispose([x, y]);
  });
  it('a batch that does not fit a structurally fixed b is a typed error', () => {
    const x = rand([3, 4]);
    const bad: Interdependence[] = [
      parameterizedInterdependence('plain', { b: 4, m: 4, interdependenceType: 'instance' }),
      identityInterdependence({ b: 4, m: 4, interdependenceType: 'instance' }),
      constantInterdependence({ b: 4, m: 4, interdependenceType: 'instance', A: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }),
      chainInterdependence({ b: 4, m: 4, interdependenceType: 'instance', chainLength: 4 }),
      parameterizedBilinearInterdependence('plain', { b: 4, m: 4, interdependenceType: 'attribute' }),
    ];
    for (const f of bad) {
      const w = f.requireParameters ? rand([1, f.calculateL()]) : null;
      expect(() => f.forward(x, w), f.className).toThrow(ShapeError);
      expect(() => f.forward(x, w), f.className).toThrow(/b = 4|4 rows/);
      w?.dispose();
    }
    x.dispose();
  });
  it('wrong parameter length and unknown type are typed errors', () => {
    const f = parameterizedInterdependence('plain', { b: 4, m: 3 });
    const x = rand([4, 3]), w = rand([1, 5]);
    expect(() => f.forward(x, w)).toThrow(ShapeError);
    expect(() => identityInterdependence({ b: 4, m: 3, interdependenceType: 'diagonal' } as never)).toThrow(ValueError);
    tf.dispose([x, w]);
  });
});

describe('leaks and config round trips', () => {
  const ctx = { registry, build: <T>(c: unknown, k?: string) => registry.build<T>(c, k) };
  const configs: [string, Record<string, unknown>][] = [
    ['constant_interdependence', { A: [[1, 2], [3, 4], [5, 6]] }],
    ['constant_c_interdependence', { c: 0.5, m_prime: 2 }], ['zero_interdependence', {}], ['one_interdependence', { m_prime: 2 }],
    ['identity_interdependence', { m_prime: 5 }], ['eye_interdependence', {}],
    ['statistical_kernel_based_interdependence', { kernel: 'tinybig.koala.statistics.batch_kl_divergence_kernel' }],
    ['kl_divergence_interdependence', {}], ['pearson_correlation_interdependence', {}], ['rv_coefficient_interdependence', {}],
    ['mutual_information_interdependence', {}], ['numerical_kernel_based_interdependence', { kernel: 'batch_linear_kernel' }],
    ['linear_kernel_interdependence', {}], ['polynomial_kernel_interdependence', { c: 1, d: 2 }], ['hyperbolic_tangent_kernel_interdependence', { alpha: 0.5 }],
    ['exponential_kernel_interdependence', { gamma: 0.5 }], ['cosine_similarity_interdependence', {}], ['minkowski_distance_interdependence', { p: 3 }],
    ['manhattan_distance_interdependence', {}], ['euclidean_distance_interdependence', {}], ['chebyshev_distance_interdependence', {}],
    ['canberra_distance_interdependence', {}], ['gaussian_rbf_kernel_interdependence', { sigma: 2 }], ['laplacian_kernel_interdependence', {}],
    ['anisotropic_rbf_kernel_interdependence', { a_vector: [1, 2, 3, 4] }],
    ['custom_hybrid_kernel_interdependence', { kernels: ['batch_linear_kernel', 'batch_cosine_similarity_kernel'], weights: [0.3, 0.7] }],
    ['parameterized_interdependence', { m_prime: 4 }], ['lowrank_parameterized_interdependence', { r: 2 }], ['hm_parameterized_interdependence', { p: 3, q: 3 }],
    ['lphm_parameterized_interdependence', { r: 1, p: 3 }], ['dual_lphm_parameterized_interdependence', { r: 1, p: 3 }],
    ['random_matrix_adaption_parameterized_interdependence', { r: 2, seed: 3 }],
    ['parameterized_bilinear_interdependence', { interdependence_type: 'instance' }], ['lowrank_parameterized_bilinear_interdependence', { r: 1 }],
    ['hm_parameterized_bilinear_interdependence', { p: 3, q: 3 }], ['lphm_parameterized_bilinear_interdependence', { r: 1, p: 3 }],
    ['dual_lphm_parameterized_bilinear_interdependence', { r: 1, p: 3 }], ['random_matrix_adaption_parameterized_bilinear_interdependence', { r: 1 }],
    ['parameterized_rpn_interdependence', { m_prime: 2, data_transformation: { function_class: 'identity_expansion' }, parameter_fabrication: { function_class: 'lorr_reconciliation', function_parameters: { r: 1 } } }],
    ['chain_interdependence', { interdependence_type: 'attribute', bi_directional: true, normalization: true, normalization_mode: 'row_column' }],
    ['multihop_chain_interdependence', { interdependence_type: 'attribute', h: 2, accumulative: true }],
    ['inverse_approx_multihop_chain_interdependence', { interdependence_type: 'attribute' }],
    ['exponential_approx_multihop_chain_interdependence', { interdependence_type: 'attribute' }],
    ['graph_interdependence', { interdependence_type: 'attribute', nodes: ['a', 'b', 'c'], links: [['a', 'b'], ['b', 'c']], self_dependence: true }],
    ['multihop_graph_interdependence', { interdependence_type: 'attribute', nodes: [0, 1, 2], links: [[0, 1], [1, 2]], h: 2 }],
    ['pagerank_multihop_graph_interdependence', { interdependence_type: 'attribute', nodes: [0, 1, 2], links: [[0, 1], [1, 2]], directed: false, normalization: true }],
    ['geometric_interdependence', { h: 3, w: 1, patch_configs: { patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: { p_h: 1, p_w: 0 } } }],
    ['cuboid_patch_aggregation_based_geometric_interdependence', { h: 3, w: 1, p_h: 1, p_w: 0, p_d: 0, normalization: true }],
    ['cylinder_patch_based_geometric_interdependence', { h: 3, w: 1, r: 1, p_d: 0 }],
    ['sphere_patch_aggregation_based_geometric_interdependence', { h: 1, w: 3, p_r: 1 }],
    ['hybrid_interdependence', { interdependence_function_configs: [{ function_class: 'identity_interdependence' }, { function_class: 'lowrank_parameterized_interdependence', function_parameters: { r: 1 } }], fusion_function_config: { function_class: 'mean_fusion', function_parameters: { dims: [3, 3] } } }],
  ];
  for (const [cls, params] of configs) {
    it(`${cls}: no leaks, registry.build(toConfig()) gives the same A`, () => {
      const f = registry.build<Interdependence>({ function_class: `tinybig.interdependence.${cls}`, function_parameters: { b: 4, m: 3, ...params } });
      const g = registry.build<Interdependence>(f.toConfig());
      expect(g.toConfig()).toEqual(f.toConfig());
      const x = rand([4, 3], 9);
      const w = f.requireParameters ? rand([1, f.calculateL()], 10) : null;
      f.forward(x, w).dispose(); // warm-up (constant matrices are computed once)
      const before = tf.memory().numTensors;
      const y = f.forward(x, w);
      const A1 = f.calculateA(x, w), A2 = g.calculateA(x, w);
      expect(vals(A2)).toEqual(vals(A1));
      tf.dispose([y, A1, A2]);
      expect(tf.memory().numTensors).toBe(before);
      const fresh = registry.build<Interdependence>(f.toConfig());
      const b2 = tf.memory().numTensors;
      fresh.forward(x, w).dispose();
      expect(tf.memory().numTensors).toBe(b2);
      tf.dispose([x, w as Tensor]);
      void ctx;
    });
  }
});

describe('declared options', () => {
  const reg = createRegistry(interdependenceEntries, reconciliationEntries);
  const errorOf = (f: () => unknown): RpnError => { try { f(); } catch (e) { return e as RpnError; } throw new Error('no error'); };
  it('silent coercions are typed errors: a misspelt matrix mode, a string flag', () => {
    // 'aggregate' silently became padding mode, and 'yes' became true
    const mode = errorOf(() => reg.build({ function_class: 'cuboid_patch_based_geometric_interdependence', function_parameters: { m: 9, h: 3, w: 3, d: 1, p_h: 1, p_w: 1, interdependence_matrix_mode: 'aggregate' } }));
    expect(mode).toBeInstanceOf(ConfigError);
    expect(mode.argument).toBe('interdependence_matrix_mode');
    const flag = errorOf(() => chainInterdependence({ b: 4, chainLength: 4, normalization: 'yes' } as never));
    expect(flag).toBeInstanceOf(ValueError);
    expect(flag.argument).toBe('normalization');
  });
  it('an unknown key in a config is a ConfigError listing the allowed keys', () => {
    const e = errorOf(() => reg.build({ function_class: 'chain_interdependence', function_parameters: { chain_length: 4, self_scale: 2 } }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('self_scale');
    expect(e.expected).toContain('self_scaling');
  });
  it('every entry declares its options (plain data)', () => {
    for (const e of interdependenceEntries) {
      expect(e.options?.className, e.className).toBe(e.className);
      const d = describeOptions(e.options!);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
      expect(d.map((o) => o.configKey), e.className).toContain('interdependence_type');
    }
  });
});
