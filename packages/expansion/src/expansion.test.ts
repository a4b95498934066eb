import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, RpnError, ShapeError, ValueError, createRegistry, describeOptions } from '@rpn/core';
import type { Transformation } from '@rpn/core';
import {
  EXPANSION_FACTORIES, EXPANSION_OPTIONS, expansionEntries, taylorExpansion, reciprocalExpansion, combinatorialExpansion, identityTransformation,
  linearTransformation, nestedExpansion, extendedExpansion, bsplineExpansion, identityExpansion, trigonometricExpansion,
  discreteWaveletExpansion, betaWaveletExpansion, geometricExpansion, combinations, binomial, fourierExpansion, linearExpansion,
} from './index.js';

const registry = createRegistry(expansionEntries);

/** Values in (0.1, 0.6), away from B-spline knots, wavelet breakpoints, poles and zero. */
const X = [
  [0.13, 0.27, 0.38],
  [0.44, 0.51, 0.57],
  [0.21, 0.33, 0.47],
  [0.16, 0.29, 0.55],
];

/** Every registered class with options that run on a [4, 3] input. */
const CASES: Record<string, Record<string, unknown>> = {
  identity_expansion: {},
  reciprocal_expansion: {},
  linear_expansion: { c: 1.5 },
  taylor_expansion: { d: 3 },
  fourier_expansion: { P: 3, N: 2 },
  hyperbolic_expansion: {},
  arc_hyperbolic_expansion: {},
  trigonometric_expansion: {},
  arc_trigonometric_expansion: {},
  gaussian_rbf_expansion: { base_range: [-1, 1], num_interval: 4, epsilon: 1.5 },
  inverse_quadratic_rbf_expansion: { num_interval: 3 },
  bspline_expansion: { grid_range: [-1, 1], t: 5, d: 3 },
  chebyshev_expansion: { d: 4 },
  jacobi_expansion: { d: 4, alpha: 0.5, beta: 1.5 },
  hermite_expansion: { d: 4 },
  laguerre_expansion: { d: 4, alpha: 2.5 },
  legendre_expansion: { d: 4 },
  gegenbauer_expansion: { d: 4, alpha: 1.5 },
  bessel_expansion: { d: 4 },
  reverse_bessel_expansion: { d: 4 },
  fibonacci_expansion: { d: 4 },
  lucas_expansion: { d: 4 },
  discrete_wavelet_expansion: { wavelet: 'ricker', d: 2, s: 2, t: 1, a: 2 },
  harr_wavelet_expansion: { d: 2, s: 2, t: 2, a: 2, b: 1 },
  beta_wavelet_expansion: { s: 2, t: 2, a: 2, b: 1, alpha: 2, beta: 3 },
  shannon_wavelet_expansion: { s: 2, t: 1, a: 2 },
  ricker_wavelet_expansion: { d: 2, s: 1, t: 2, sigma: 0.8 },
  dog_wavelet_expansion: { s: 2, t: 2, a: 2, sigma_1: 1, sigma_2: 2 },
  meyer_wavelet_expansion: {},
  naive_normal_expansion: {},
  normal_expansion: {},
  naive_cauchy_expansion: {},
  cauchy_expansion: {},
  naive_chi2_expansion: {},
  chi2_expansion: {},
  naive_gamma_expansion: {},
  gamma_expansion: {},
  naive_exponential_expansion: {},
  exponential_expansion: {},
  naive_laplace_expansion: {},
  laplace_expansion: {},
  hybrid_probabilistic_expansion: {},
  combinatorial_expansion: { d: 3 },
  combinatorial_normal_expansion: { d: 2, with_replacement: true },
  nested_expansion: { composition_function_configs: [{ function_class: 'tinybig.expansion.taylor_expansion', function_parameters: { d: 2 } }, { function_class: 'trigonometric_expansion' }] },
  extended_expansion: { composition_function_configs: [{ function_class: 'bspline_expansion', function_parameters: {} }, { function_class: 'taylor_expansion', function_parameters: { d: 2 } }] },
  geometric_expansion: { h: 1, w: 3, d: 1, patch_configs: { patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: { p_h: 0, p_w: 1, p_d: 0 } } },
  cuboid_patch_based_geometric_expansion: { p_h: 0, p_w: 1, p_d: 0, p_w_prime: 0, h: 1, w: 3, d: 1 },
  cylinder_patch_based_geometric_expansion: { p_r: 1, p_d: 0, h: 3, w: 1, d: 1 },
  sphere_patch_based_geometric_expansion: { p_r: 1, h: 1, w: 1, d: 3 },
};

const build = (cls: string): Transformation => registry.build<Transformation>({ function_class: `tinybig.expansion.${cls}`, function_parameters: CASES[cls] });

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

describe('expansion registry', () => {
  it('has a test case for every registered class', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(EXPANSION_FACTORIES).sort());
    expect(registry.names('expansion')).toContain('tinybig.expansion.taylor_expansion');
  });
});

describe.each(Object.keys(CASES))('%s', (cls) => {
  it('builds, has the right D, and round-trips through toConfig', () => {
    const f = build(cls);
    expect(f.className).toBe(cls);
    expect(f.kind).toBe('expansion');
    const x = tf.tensor2d(X);
    const y = f.forward(x);
    expect(y.shape).toEqual([4, f.calculateD(3)]);
    const cfg = f.toConfig();
    expect(cfg.function_class).toBe(`tinybig.expansion.${cls}`);
    const g = registry.build<Transformation>(JSON.parse(JSON.stringify(cfg)));
    expect(g.toConfig()).toEqual(cfg);
    const z = g.forward(x);
    expect(values(z)).toEqual(values(y));
    x.dispose();
  });

  it('gives finite gradients that match finite differences', () => {
    const f = build(cls);
    const x = tf.tensor2d(X);
    const D = f.calculateD(3);
    const r = tf.randomUniform([4, D], -1, 1, 'float32', 7);
    const v = tf.randomUniform([4, 3], -1, 1, 'float32', 11);
    const loss = (t: tf.Tensor): tf.Scalar => tf.sum(tf.mul(f.forward(t), r));
    const g = tf.grad(loss)(x);
    const gv = g.dataSync();
    expect(gv.every((e) => Number.isFinite(e))).toBe(true);
    const eps = 1e-3;
    const directional = tf.sum(tf.mul(g, v)).dataSync()[0];
    const fd = tf.tidy(() => tf.div(tf.sub(loss(tf.add(x, tf.mul(v, eps))), loss(tf.sub(x, tf.mul(v, eps)))), 2 * eps).dataSync()[0]);
    expect(Math.abs(directional - fd)).toBeLessThanOrEqual(0.02 * Math.max(1, Math.abs(fd)));
    tf.dispose([x, r, v, g]);
  });

  it('rejects inputs of the wrong rank with a ShapeError', () => {
    const f = build(cls);
    const x = tf.tensor1d([0.1, 0.2, 0.3]);
    expect(() => f.forward(x)).toThrow(ShapeError);
    x.dispose();
  });

  it('rejects unknown options with a ConfigError', () => {
    expect(() => registry.build({ function_class: cls, function_parameters: { ...CASES[cls], no_such_option: 1 } })).toThrow(ConfigError);
  });
});

describe('the expansion family', () => {
  it('leaks no tensors in forward or backward', () => {
    const fs = Object.keys(CASES).map(build);
    const x = tf.tensor2d(X);
    for (const f of fs) f.forward(x).dispose(); // warm-up (kernel set-up)
    const before = tf.memory().numTensors;
    for (const f of fs) {
      f.forward(x).dispose();
      tf.grad((t: tf.Tensor) => tf.sum(f.forward(t)))(x).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('never mutates its input (reciprocal clamps a copy)', () => {
    const x = tf.tensor2d([[0, 1e-7, -1e-7, 2]]);
    const y = reciprocalExpansion().forward(x);
    expect(Array.from(x.dataSync())).toEqual(Array.from(tf.tensor2d([[0, 1e-7, -1e-7, 2]]).dataSync()));
    const v = values(y);
    expect(v[0]).toBeCloseTo(1e6, -1);
    expect(v[1]).toBeCloseTo(1e6, -1);
    expect(v[2]).toBeCloseTo(-1e6, -1);
    expect(v[3]).toBeCloseTo(0.5, 6);
    x.dispose();
  });
});

describe('layouts', () => {
  it('taylor: blocks by order, row-major products', () => {
    const x = tf.tensor2d([[1, 2]]);
    expect(values(taylorExpansion({ d: 3 }).forward(x))).toEqual([1, 2, 1, 2, 2, 4, 1, 2, 2, 4, 2, 4, 4, 8]);
    x.dispose();
  });
  it('taylor: values and gradients equal plain autodiff of the order-by-order outer products', () => {
    for (const [m, d] of [[1, 3], [3, 1], [3, 2], [2, 4], [4, 3]]) {
      const x = tf.randomUniform([5, m], -1.5, 1.5, 'float32', 17 + m + d);
      const reference = (u: tf.Tensor): tf.Tensor => {
        const blocks = [u];
        for (let k = 2; k <= d; k++) {
          const prev = blocks[blocks.length - 1];
          blocks.push(tf.reshape(tf.mul(tf.reshape(prev, [5, -1, 1]), tf.reshape(u, [5, 1, m])), [5, -1]));
        }
        return tf.concat(blocks, 1);
      };
      const f = taylorExpansion({ d });
      const r = tf.randomUniform([5, f.calculateD(m)], -1, 1, 'float32', 23);
      const loss = (g: (u: tf.Tensor) => tf.Tensor) => (u: tf.Tensor) => tf.sum(tf.mul(g(u), r));
      const [y, yr] = [f.forward(x), reference(x)];
      const [gx, gr] = [tf.grad(loss((u) => f.forward(u)))(x), tf.grad(loss(reference))(x)];
      expect(Array.from(y.dataSync())).toEqual(Array.from(yr.dataSync()));
      const [a, b] = [gx.dataSync(), gr.dataSync()];
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]))));
      tf.dispose([x, r, y, yr, gx, gr]);
    }
  });
  it('fourier: [cos, sin] per harmonic', () => {
    const x = tf.tensor2d([[0.25, 0.5]]);
    const v = values(fourierExpansion({ P: 1, N: 1 }).forward(x));
    [0, -1, 1, 0].forEach((e, i) => expect(v[i]).toBeCloseTo(e, 5));
    x.dispose();
  });
  it('combinatorial: r-combinations in torch order, r values each', () => {
    expect(combinations(4, 2)).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect(binomial(10, 3)).toBe(120);
    const x = tf.tensor2d([[1, 2, 3]]);
    const f = combinatorialExpansion({ d: 2 });
    expect(f.calculateD(3)).toBe(9);
    expect(values(f.forward(x))).toEqual([1, 2, 3, 1, 2, 1, 3, 2, 3]);
    x.dispose();
  });
  it('bspline: the bases sum to one inside the grid', () => {
    const x = tf.tensor2d([[-0.95, -0.1, 0.73]]);
    const v = values(bsplineExpansion({ t: 4, d: 2 }).forward(x));
    for (let j = 0; j < 3; j++) expect(v.slice(j * 6, j * 6 + 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    x.dispose();
  });
  it('bspline: the closed form equals tinyBIG\'s Cox–de Boor recursion (values and gradients)', () => {
    // Reference in float64: tinyBIG's knots and recursion, half-open degree-0 bases (float32 knots), and the
    // derivative of the piecewise polynomial (defined away from knots).
    const reference = (xv: number, lo: number, hi: number, t: number, d: number): { v: number[]; g: number[] } => {
      const h = (hi - lo) / t;
      const g = Array.from({ length: t + 2 * d + 1 }, (_, i) => (i - d) * h + lo);
      const g32 = g.map(Math.fround); // tinyBIG's grid is a float32 tensor
      let B: number[] = g.slice(0, -1).map((_, i) => (xv >= g32[i] && xv < g32[i + 1] ? 1 : 0));
      let dB = B.map(() => 0);
      for (let k = 1; k <= d; k++) {
        const nb: number[] = [];
        const nd: number[] = [];
        for (let i = 0; i < B.length - 1; i++) {
          const l = (xv - g[i]) / (g[i + k] - g[i]);
          const r = (g[i + k + 1] - xv) / (g[i + k + 1] - g[i + 1]);
          nb.push(l * B[i] + r * B[i + 1]);
          nd.push(l * dB[i] + B[i] / (g[i + k] - g[i]) + r * dB[i + 1] - B[i + 1] / (g[i + k + 1] - g[i + 1]));
        }
        B = nb;
        dB = nd;
      }
      return { v: B, g: dB };
    };
    const settings: [number, number, number, number][] = [[-1, 1, 5, 3], [-3, 2, 3, 2], [0, 1, 4, 1], [-1, 1, 6, 0], [-2, 2, 3, 4], [-1, 1, 2, 5], [10, 20, 7, 3], [-0.01, 0.01, 5, 3], [-1e-4, 1e-4, 5, 3]];
    for (const [lo, hi, t, d] of settings) {
      const h = (hi - lo) / t;
      const K = t + d;
      // Random points over the whole support and beyond, plus every knot and the grid's ends.
      const pts: number[] = [];
      for (let i = 0; i < 60; i++) pts.push(lo - (d + 1.5) * h + ((hi - lo) + (2 * d + 3) * h) * ((i * 0.6180339887) % 1));
      const knots = Array.from({ length: t + 2 * d + 1 }, (_, i) => Math.fround((i - d) * h + lo));
      const x = tf.tensor2d([...pts, ...knots], [1, pts.length + knots.length]);
      const f = bsplineExpansion({ gridRange: [lo, hi], t, d });
      const y = f.forward(x);
      expect(y.shape).toEqual([1, (pts.length + knots.length) * K]);
      const got = y.dataSync();
      const xs = x.dataSync();
      xs.forEach((xv, j) => {
        const ref = reference(xv, lo, hi, t, d);
        for (let i = 0; i < K; i++) expect(Math.abs(got[j * K + i] - ref.v[i]), `${lo},${hi},${t},${d} x=${xv} i=${i}`).toBeLessThanOrEqual(2e-6);
      });
      // Gradients of a weighted sum, at the random points (away from knots).
      const r = tf.randomUniform([1, pts.length * K], -1, 1, 'float32', 5);
      const xp = tf.tensor2d(pts, [1, pts.length]);
      const gx = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(f.forward(u), r)))(xp);
      const gv = gx.dataSync();
      const rv = r.dataSync();
      const xpv = xp.dataSync();
      xpv.forEach((xv, j) => {
        const ref = reference(xv, lo, hi, t, d);
        const want = ref.g.reduce((acc, gi, i) => acc + gi * rv[j * K + i], 0);
        expect(Math.abs(gv[j] - want)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));
      });
      tf.dispose([x, y, r, xp, gx]);
    }
  });
  it('beta wavelet: sigmoid squashing is all-or-nothing per (s, t) slice', () => {
    const inside = tf.tensor2d([[0.2, 0.7]]);
    const outside = tf.tensor2d([[0.2, 1.7]]);
    const f = betaWaveletExpansion({ alpha: 2, beta: 2 });
    const a = values(f.forward(inside));
    const b = values(f.forward(outside));
    expect(a[0]).toBeCloseTo(6 * 0.2 * 0.8, 5);
    const s = 1 / (1 + Math.exp(-0.2));
    expect(b[0]).toBeCloseTo(6 * s * (1 - s), 5);
    tf.dispose([inside, outside]);
  });
  it('geometric: offset-major with zero padding', () => {
    const x = tf.tensor2d([[1, 2, 3]]);
    const f = geometricExpansion({ h: 1, w: 3, d: 1, patchConfigs: { patch_class: 'tinybig.koala.geometry.cuboid', patch_parameters: { p_h: 0, p_w: 1, p_d: 0 } } });
    expect(values(f.forward(x))).toEqual([0, 1, 2, 1, 2, 3, 2, 3, 0]);
    x.dispose();
  });
});

describe('structure', () => {
  it('describes Taylor pre/post-processing', () => {
    expect(taylorExpansion({ d: 2 }).structure).toEqual({ type: 'taylor', d: 2, post: 'none', pre: false });
    expect(taylorExpansion({ d: 2, postprocessFunctions: 'layer_norm' }).structure).toMatchObject({ post: 'layer_norm' });
    const ln = { function_class: 'torch.nn.LayerNorm', function_parameters: { normalized_shape: 6 } };
    expect(taylorExpansion({ postprocessFunctionConfigs: [ln] }).structure).toMatchObject({ post: 'layer_norm' });
    expect(taylorExpansion({ postprocessFunctionConfigs: ln }).structure).toMatchObject({ post: 'other' });
    expect(taylorExpansion({ postprocessFunctionConfigs: { ...ln, function_parameters: { normalized_shape: 6, elementwise_affine: false } } }).structure).toMatchObject({ post: 'layer_norm' });
    expect(taylorExpansion({ postprocessFunctionConfigs: [ln, 'tanh'] }).structure).toMatchObject({ post: 'other' });
    expect(taylorExpansion({ preprocessFunctions: 'sigmoid', postprocessFunctions: 'relu' }).structure).toMatchObject({ post: 'other', pre: true });
    expect(identityExpansion().structure).toEqual({ type: 'identity' });
  });
  it('applies Taylor post-processing layer norm', () => {
    const x = tf.tensor2d([[0.1, 0.5, -0.3]]);
    const v = values(taylorExpansion({ d: 2, postprocessFunctions: 'layer_norm' }).forward(x));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean).toBeCloseTo(0, 5);
    x.dispose();
  });
});

describe('shared builders and composition', () => {
  it('builds compressions from the same code', () => {
    const f = identityTransformation('compression', 'identity_compression', 'tinybig.compression', {});
    expect(f.kind).toBe('compression');
    expect(f.toConfig().function_class).toBe('tinybig.compression.identity_compression');
    const l = linearTransformation('compression', 'linear_compression', 'tinybig.compression', { postC: [[1, 0], [0, 2]] });
    expect(l.toConfig().function_parameters).toMatchObject({ post_C: [[1, 0], [0, 2]] });
  });
  it('linear pre_C mixes instances and checks the batch', () => {
    const f = linearExpansion({ preC: [[0, 1], [1, 0]] });
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    expect(values(f.forward(x))).toEqual([3, 4, 1, 2]);
    const x3 = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    expect(() => f.forward(x3)).toThrow(ShapeError);
    tf.dispose([x, x3]);
  });
  it('nested and extended accept objects', () => {
    const n = nestedExpansion({ compositionFunctions: [taylorExpansion({ d: 2 }), trigonometricExpansion()] });
    expect(n.calculateD(3)).toBe(36);
    const e = extendedExpansion({ compositionFunctions: [identityExpansion(), taylorExpansion({ d: 2 })] });
    expect(e.calculateD(3)).toBe(15);
    expect(registry.build<Transformation>(n.toConfig()).calculateD(3)).toBe(36);
    expect(() => nestedExpansion({ compositionFunctionConfigs: [{ function_class: 'taylor_expansion' }] })).toThrow(ConfigError);
    expect(() => nestedExpansion({ compositionFunctions: [] })).toThrow(ConfigError);
  });
});

describe('typed errors', () => {
  it('reject bad options', () => {
    expect(() => taylorExpansion({ d: 0 })).toThrow(ValueError);
    expect(() => taylorExpansion({ d: 1.5 })).toThrow(ValueError);
    // from a config: ConfigError naming the tinyBIG key; in code: ValueError naming the option
    expect(() => registry.build({ function_class: 'bspline_expansion', function_parameters: { grid_range: [1, -1] } })).toThrow(ConfigError);
    expect(() => registry.build({ function_class: 'gaussian_rbf_expansion', function_parameters: { epsilon: 'x' } })).toThrow(ConfigError);
    expect(() => registry.build({ function_class: 'ricker_wavelet_expansion', function_parameters: { sigma: -1 } })).toThrow(ConfigError);
    expect(() => bsplineExpansion({ gridRange: [1, -1] })).toThrow(ValueError);
    try { registry.build({ function_class: 'bspline_expansion', function_parameters: { grid_range: [1, -1] } }); } catch (e) { expect((e as RpnError).argument).toBe('grid_range'); }
    expect(() => discreteWaveletExpansion({})).toThrow(ConfigError);
    expect(() => registry.build({ function_class: 'geometric_expansion', function_parameters: { h: 3, w: 3 } })).toThrow(ConfigError);
    expect(() => registry.build({ function_class: 'no_such_expansion' })).toThrow(RpnError);
  });

  it('a non-string name is an error (it was silently dropped for the class name)', () => {
    expect(() => taylorExpansion({ name: 3 } as never)).toThrow(ValueError);
    expect(() => registry.build({ function_class: 'taylor_expansion', function_parameters: { name: 3 } })).toThrow(ConfigError);
    expect(taylorExpansion({ name: 'tx' }).name).toBe('tx');
  });

  it('every registered expansion declares its options, described as plain data', () => {
    for (const e of expansionEntries) {
      expect(e.options, e.className).toBeDefined();
      expect(e.options!.className).toBe(e.className);
      const d = describeOptions(e.options!);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
    const taylor = describeOptions(EXPANSION_OPTIONS.taylor_expansion!).find((o) => o.key === 'd');
    expect(taylor).toMatchObject({ configKey: 'd', type: 'int', default: 2, min: 1 });
    const linear = describeOptions(EXPANSION_OPTIONS.linear_expansion!).map((o) => o.configKey);
    expect(linear).toContain('pre_C');
  });
  it('rejects an input that does not fit the grid', () => {
    const f = build('sphere_patch_based_geometric_expansion');
    const x = tf.zeros([2, 4]);
    expect(() => f.forward(x)).toThrow(ShapeError);
    x.dispose();
  });
});

describe('configs', () => {
  it('writes tinyBIG parameter names', () => {
    expect(fourierExpansion({ P: 3, N: 2 }).toConfig().function_parameters).toMatchObject({ P: 3, N: 2 });
    expect(linearExpansion({ postC: [[1]] }).toConfig().function_parameters).toMatchObject({ post_C: [[1]] });
    expect(registry.build<Transformation>({ function_class: 'dog_wavelet_expansion', function_parameters: { sigma_1: 0.5 } }).toConfig().function_parameters).toMatchObject({ sigma_1: 0.5, sigma_2: 2 });
  });
  it('round-trips pre/post-processing, including a LayerNorm list', () => {
    const cfgs = [
      { function_class: 'taylor_expansion', function_parameters: { d: 2, preprocess_functions: 'sigmoid', postprocess_functions: 'layer_norm' } },
      { function_class: 'taylor_expansion', function_parameters: { d: 2, postprocess_function_configs: [{ function_class: 'torch.nn.LayerNorm', function_parameters: { normalized_shape: 12 } }] } },
    ];
    const x = tf.tensor2d(X);
    for (const c of cfgs) {
      const f = registry.build<Transformation>(c);
      const g = registry.build<Transformation>(JSON.parse(JSON.stringify(f.toConfig())));
      expect(g.structure).toEqual(f.structure);
      expect(values(g.forward(x))).toEqual(values(f.forward(x)));
    }
    expect(registry.build<Transformation>(cfgs[1]).structure).toMatchObject({ post: 'layer_norm', pre: false });
    x.dispose();
  });
});
