import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Params, Transformation } from '@rpn/core';
import { checkKeys, defineExpansion, interleave, basisMajorToFeatureMajor, intOption, lt, numOption, rangeOption } from './common.js';
import type { BaseExpansionOptions } from './common.js';

/** Options of the polynomial-basis expansions. */
export interface DegreeOptions extends BaseExpansionOptions {
  /** Highest degree (default 2). */
  readonly d?: number;
}
/** Options with a parameter α (Laguerre, Gegenbauer). */
export interface AlphaDegreeOptions extends DegreeOptions {
  readonly alpha?: number;
}
/** Options of the Jacobi expansion. */
export interface JacobiOptions extends AlphaDegreeOptions {
  readonly beta?: number;
}

/** A three-term recurrence: P0, P1 and P_n from (n, x, P_{n−1}, P_{n−2}). */
interface Recurrence {
  readonly p0: (x: Tensor) => Tensor;
  readonly p1: (x: Tensor) => Tensor;
  readonly next: (n: number, x: Tensor, p1: Tensor, p2: Tensor) => Tensor;
}

/**
 * A feature-major polynomial basis `out[:, j·d + (k−1)] = P_k(x_j)`, k = 1..d (P_0 dropped),
 * `D = m·d`: the recurrence runs on whole `[b, m]` tensors, then one stack + reshape.
 */
function polynomialBasis(className: string, options: Params, own: Params, allowed: readonly string[], rec: Recurrence, d: number): Transformation {
  checkKeys(options, allowed, className);
  return defineExpansion(className, options, {
    own,
    calculateD: (m) => m * d,
    kappa: (x) => {
      const ps: Tensor[] = [rec.p1(x)];
      let prev2 = rec.p0(x);
      for (let n = 2; n <= d; n++) {
        const p = rec.next(n, x, ps[n - 2], prev2);
        prev2 = ps[n - 2];
        ps.push(p);
      }
      return interleave(ps);
    },
  });
}

const constant = (x: Tensor, c: number): Tensor => tf.fill(x.shape, c);

/** tinyBIG `chebyshev_expansion`: `T1 = x`, `Tn = 2x·T(n−1) − T(n−2)`, feature-major, `D = m·d`. */
export function chebyshevExpansion(options: DegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  return polynomialBasis('chebyshev_expansion', o, { d }, ['d'], {
    p0: (x) => constant(x, 1),
    p1: (x) => x,
    next: (_n, x, p1, p2) => tf.sub(tf.mul(tf.mul(x, 2), p1), p2),
  }, d);
}

/** tinyBIG `hermite_expansion` (probabilists'): `He1 = x`, `He_n = x·He(n−1) − (n−1)·He(n−2)`, `D = m·d`. */
export function hermiteExpansion(options: DegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  return polynomialBasis('hermite_expansion', o, { d }, ['d'], {
    p0: (x) => constant(x, 1),
    p1: (x) => x,
    next: (n, x, p1, p2) => tf.sub(tf.mul(x, p1), tf.mul(p2, n - 1)),
  }, d);
}

/** tinyBIG `legendre_expansion`: `P1 = x`, `P_n = ((2n−1)/n)·x·P(n−1) − ((n−1)/n)·P(n−2)`, `D = m·d`. */
export function legendreExpansion(options: DegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  return polynomialBasis('legendre_expansion', o, { d }, ['d'], {
    p0: (x) => constant(x, 1),
    p1: (x) => x,
    next: (n, x, p1, p2) => tf.sub(tf.mul(tf.mul(x, p1), (2 * n - 1) / n), tf.mul(p2, (n - 1) / n)),
  }, d);
}

/**
 * tinyBIG `laguerre_expansion`, as tinyBIG codes it: `L1 = x + 1 + α` (the standard definition,
 * and tinyBIG's docstring, have `1 + α − x`), `L_n = ((2n−1+α−x)/n)·L(n−1) − ((n−1+α)/n)·L(n−2)`, `D = m·d`.
 */
export function laguerreExpansion(options: AlphaDegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  const alpha = numOption(o, 'alpha', 1);
  return polynomialBasis('laguerre_expansion', o, { d, alpha }, ['d', 'alpha'], {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.add(x, 1 + alpha),
    next: (n, x, p1, p2) => tf.sub(tf.mul(tf.div(tf.sub(2 * n - 1 + alpha, x), n), p1), tf.mul(p2, (n - 1 + alpha) / n)),
  }, d);
}

/** tinyBIG `gegenbauer_expansion`: `C1 = 2αx`, `C_n = ((n−1+α)/n)·2x·C(n−1) − ((n−2+2α)/n)·C(n−2)`, `D = m·d`. */
export function gegenbauerExpansion(options: AlphaDegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  const alpha = numOption(o, 'alpha', 1);
  return polynomialBasis('gegenbauer_expansion', o, { d, alpha }, ['d', 'alpha'], {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.mul(x, 2 * alpha),
    next: (n, x, p1, p2) => tf.sub(tf.mul(tf.mul(x, p1), (2 * (n - 1 + alpha)) / n), tf.mul(p2, (n - 2 + 2 * alpha) / n)),
  }, d);
}

/**
 * tinyBIG `jacobi_expansion`: `P1 = (α−β + (α+β+2)x)/2`, `P_n = (c2/c1·x + c3/c1)·P(n−1) − (c4/c1)·P(n−2)`
 * with c1 = 2n(n+α+β)(2n+α+β−2), c2 = (2n+α+β−1)(2n+α+β)(2n+α+β−2), c3 = (2n+α+β−1)(α²−β²),
 * c4 = 2(n+α−1)(n+β−1)(2n+α+β); `D = m·d`.
 */
export function jacobiExpansion(options: JacobiOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  const a = numOption(o, 'alpha', 1);
  const bt = numOption(o, 'beta', 1);
  return polynomialBasis('jacobi_expansion', o, { d, alpha: a, beta: bt }, ['d', 'alpha', 'beta'], {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.add(tf.mul(x, (a + bt + 2) / 2), (a - bt) / 2),
    next: (n, x, p1, p2) => {
      const s = 2 * n + a + bt;
      const c1 = 2 * n * (n + a + bt) * (s - 2);
      const c2 = (s - 1) * s * (s - 2);
      const c3 = (s - 1) * (a * a - bt * bt);
      const c4 = 2 * (n + a - 1) * (n + bt - 1) * s;
      return tf.sub(tf.mul(tf.add(tf.mul(x, c2 / c1), c3 / c1), p1), tf.mul(p2, c4 / c1));
    },
  }, d);
}

/** tinyBIG `bessel_expansion`: `B1 = x + 1`, `B_n = (2n−1)·x·B(n−1) + B(n−2)`, `D = m·d`. */
export function besselExpansion(options: DegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  return polynomialBasis('bessel_expansion', o, { d }, ['d'], {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.add(x, 1),
    next: (n, x, p1, p2) => tf.add(tf.mul(tf.mul(x, p1), 2 * n - 1), p2),
  }, d);
}

/** tinyBIG `reverse_bessel_expansion`: `θ1 = x + 1`, `θ_n = (2n−1)·θ(n−1) + x²·θ(n−2)`, `D = m·d`. */
export function reverseBesselExpansion(options: DegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  return polynomialBasis('reverse_bessel_expansion', o, { d }, ['d'], {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.add(x, 1),
    next: (n, x, p1, p2) => tf.add(tf.mul(p1, 2 * n - 1), tf.mul(tf.square(x), p2)),
  }, d);
}

/** tinyBIG `fibonacci_expansion`: `F0 = 0, F1 = 1, F_n = x·F(n−1) + F(n−2)` (column k = 1 is the constant 1), `D = m·d`. */
export function fibonacciExpansion(options: DegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  return polynomialBasis('fibonacci_expansion', o, { d }, ['d'], {
    p0: (x) => constant(x, 0),
    p1: (x) => constant(x, 1),
    next: (_n, x, p1, p2) => tf.add(tf.mul(x, p1), p2),
  }, d);
}

/** tinyBIG `lucas_expansion`: `L0 = 2, L1 = x, L_n = x·L(n−1) + L(n−2)`, `D = m·d`. */
export function lucasExpansion(options: DegreeOptions = {}): Transformation {
  const o = options as Params;
  const d = intOption(o, 'd', 2);
  return polynomialBasis('lucas_expansion', o, { d }, ['d'], {
    p0: (x) => constant(x, 2),
    p1: (x) => x,
    next: (_n, x, p1, p2) => tf.add(tf.mul(x, p1), p2),
  }, d);
}

/** Options of {@link bsplineExpansion}. */
export interface BsplineOptions extends BaseExpansionOptions {
  /** `[lo, hi]` of the grid (default `[-1, 1]`). */
  readonly gridRange?: readonly [number, number];
  /** Number of grid intervals t (default 5). */
  readonly t?: number;
  /** Spline degree d (default 3). */
  readonly d?: number;
}

/**
 * tinyBIG `bspline_expansion`: B-splines of degree d on the uniform knots
 * `g_i = (i − d)·h + lo`, i = 0..t+2d, `h = (hi − lo)/t` (Cox–de Boor, half-open
 * `[g_i, g_{i+1})` degree-0 bases), feature-major, `D = m·(t + d)`. Inputs outside
 * `[g_0, g_{t+2d})` give all-zero bases (as tinyBIG). Each degree is one broadcast update.
 */
export function bsplineExpansion(options: BsplineOptions = {}): Transformation {
  const o = options as Params;
  checkKeys(o, ['gridRange', 't', 'd'], 'bspline_expansion');
  const gridRange = rangeOption(o, 'gridRange', [-1, 1]);
  const t = intOption(o, 't', 5);
  const d = intOption(o, 'd', 3, 0);
  const h = (gridRange[1] - gridRange[0]) / t;
  const knots = Array.from({ length: t + 2 * d + 1 }, (_, i) => (i - d) * h + gridRange[0]);
  return defineExpansion('bspline_expansion', o, {
    own: { gridRange, t, d },
    calculateD: (m) => m * (t + d),
    kappa: (x) => {
      // Basis-major [K, b, m] (knot broadcasts and per-degree slices along axis 0). Knots are
      // uniform, so with z = (x − g_0)/h and L = (z − i)/k the Cox–de Boor step is
      // B_{i,k} = L·B_{i,k−1} + ((k+1)/k − L)·B_{i+1,k−1} = L·(B_i − B_{i+1}) + ((k+1)/k)·B_{i+1}.
      const [b, m] = x.shape as [number, number];
      const K0 = knots.length - 1;
      const col = (vals: number[]): Tensor => tf.tensor(vals, [vals.length, 1, 1]);
      // Degree 0: [g_i ≤ x < g_{i+1}] = S_{i+1} − S_i with S_i = [x < g_i] (knots increase).
      const S = lt(tf.reshape(x, [1, b, m]), col(knots));
      let bases = tf.sub(tf.slice(S, [1, 0, 0], [K0, b, m]), tf.slice(S, [0, 0, 0], [K0, b, m]));
      const z = tf.reshape(tf.div(tf.sub(x, knots[0]), h), [1, b, m]);
      for (let k = 1; k <= d; k++) {
        const n = K0 - k; // bases of degree k
        const L = tf.sub(tf.div(z, k), col(Array.from({ length: n }, (_, i) => i / k)));
        const lo = tf.slice(bases, [0, 0, 0], [n, b, m]);
        const hi = tf.slice(bases, [1, 0, 0], [n, b, m]);
        bases = tf.add(tf.mul(L, tf.sub(lo, hi)), tf.mul(hi, (k + 1) / k));
      }
      return basisMajorToFeatureMajor(bases);
    },
  });
}
