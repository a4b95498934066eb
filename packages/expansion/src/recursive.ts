import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineOptions, int, num, processingChain, processingOption } from '@rpn/core';
import type { OptionsOf, Params, Transformation } from '@rpn/core';
import { TRANSFORMATION_BASE, defineExpansion, interleave, lt, range } from './common.js';
import { bsplineBasis, bsplineKernelAvailable } from './bspline-kernel.js';
import { bsplineIdentityProduct } from './bspline-product.js';

const degree = int({ default: 2, min: 1, doc: 'highest degree' });
/** Options of the polynomial-basis expansions. */
export const DEGREE_OPTIONS = defineOptions('chebyshev_expansion', { d: degree }, TRANSFORMATION_BASE);
/** Options with a parameter α (Laguerre, Gegenbauer). */
export const ALPHA_DEGREE_OPTIONS = defineOptions('laguerre_expansion', { d: degree, alpha: num({ default: 1, doc: 'α' }) }, TRANSFORMATION_BASE);
/** Options of the Jacobi expansion. */
export const JACOBI_OPTIONS = defineOptions('jacobi_expansion', { d: degree, alpha: num({ default: 1, doc: 'α' }), beta: num({ default: 1, doc: 'β' }) }, TRANSFORMATION_BASE);
/** Options of the polynomial-basis expansions. */
export type DegreeOptions = OptionsOf<typeof DEGREE_OPTIONS>;
/** Options with a parameter α (Laguerre, Gegenbauer). */
export type AlphaDegreeOptions = OptionsOf<typeof ALPHA_DEGREE_OPTIONS>;
/** Options of the Jacobi expansion. */
export type JacobiOptions = OptionsOf<typeof JACOBI_OPTIONS>;

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
function polynomialBasis(className: string, options: Readonly<Params>, own: Params, rec: Recurrence, d: number): Transformation {
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
  const o = DEGREE_OPTIONS.named('chebyshev_expansion').parse(options);
  const { d } = o;
  return polynomialBasis('chebyshev_expansion', o, { d }, {
    p0: (x) => constant(x, 1),
    p1: (x) => x,
    next: (_n, x, p1, p2) => tf.sub(tf.mul(tf.mul(x, 2), p1), p2),
  }, d);
}

/** tinyBIG `hermite_expansion` (probabilists'): `He1 = x`, `He_n = x·He(n−1) − (n−1)·He(n−2)`, `D = m·d`. */
export function hermiteExpansion(options: DegreeOptions = {}): Transformation {
  const o = DEGREE_OPTIONS.named('hermite_expansion').parse(options);
  const { d } = o;
  return polynomialBasis('hermite_expansion', o, { d }, {
    p0: (x) => constant(x, 1),
    p1: (x) => x,
    next: (n, x, p1, p2) => tf.sub(tf.mul(x, p1), tf.mul(p2, n - 1)),
  }, d);
}

/** tinyBIG `legendre_expansion`: `P1 = x`, `P_n = ((2n−1)/n)·x·P(n−1) − ((n−1)/n)·P(n−2)`, `D = m·d`. */
export function legendreExpansion(options: DegreeOptions = {}): Transformation {
  const o = DEGREE_OPTIONS.named('legendre_expansion').parse(options);
  const { d } = o;
  return polynomialBasis('legendre_expansion', o, { d }, {
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
  const o = ALPHA_DEGREE_OPTIONS.named('laguerre_expansion').parse(options);
  const { d, alpha } = o;
  return polynomialBasis('laguerre_expansion', o, { d, alpha }, {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.add(x, 1 + alpha),
    next: (n, x, p1, p2) => tf.sub(tf.mul(tf.div(tf.sub(2 * n - 1 + alpha, x), n), p1), tf.mul(p2, (n - 1 + alpha) / n)),
  }, d);
}

/** tinyBIG `gegenbauer_expansion`: `C1 = 2αx`, `C_n = ((n−1+α)/n)·2x·C(n−1) − ((n−2+2α)/n)·C(n−2)`, `D = m·d`. */
export function gegenbauerExpansion(options: AlphaDegreeOptions = {}): Transformation {
  const o = ALPHA_DEGREE_OPTIONS.named('gegenbauer_expansion').parse(options);
  const { d, alpha } = o;
  return polynomialBasis('gegenbauer_expansion', o, { d, alpha }, {
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
  const o = JACOBI_OPTIONS.parse(options);
  const { d, alpha: a, beta: bt } = o;
  return polynomialBasis('jacobi_expansion', o, { d, alpha: a, beta: bt }, {
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
  const o = DEGREE_OPTIONS.named('bessel_expansion').parse(options);
  const { d } = o;
  return polynomialBasis('bessel_expansion', o, { d }, {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.add(x, 1),
    next: (n, x, p1, p2) => tf.add(tf.mul(tf.mul(x, p1), 2 * n - 1), p2),
  }, d);
}

/** tinyBIG `reverse_bessel_expansion`: `θ1 = x + 1`, `θ_n = (2n−1)·θ(n−1) + x²·θ(n−2)`, `D = m·d`. */
export function reverseBesselExpansion(options: DegreeOptions = {}): Transformation {
  const o = DEGREE_OPTIONS.named('reverse_bessel_expansion').parse(options);
  const { d } = o;
  return polynomialBasis('reverse_bessel_expansion', o, { d }, {
    p0: (x) => constant(x, 1),
    p1: (x) => tf.add(x, 1),
    next: (n, x, p1, p2) => tf.add(tf.mul(p1, 2 * n - 1), tf.mul(tf.square(x), p2)),
  }, d);
}

/** tinyBIG `fibonacci_expansion`: `F0 = 0, F1 = 1, F_n = x·F(n−1) + F(n−2)` (column k = 1 is the constant 1), `D = m·d`. */
export function fibonacciExpansion(options: DegreeOptions = {}): Transformation {
  const o = DEGREE_OPTIONS.named('fibonacci_expansion').parse(options);
  const { d } = o;
  return polynomialBasis('fibonacci_expansion', o, { d }, {
    p0: (x) => constant(x, 0),
    p1: (x) => constant(x, 1),
    next: (_n, x, p1, p2) => tf.add(tf.mul(x, p1), p2),
  }, d);
}

/** tinyBIG `lucas_expansion`: `L0 = 2, L1 = x, L_n = x·L(n−1) + L(n−2)`, `D = m·d`. */
export function lucasExpansion(options: DegreeOptions = {}): Transformation {
  const o = DEGREE_OPTIONS.named('lucas_expansion').parse(options);
  const { d } = o;
  return polynomialBasis('lucas_expansion', o, { d }, {
    p0: (x) => constant(x, 2),
    p1: (x) => x,
    next: (_n, x, p1, p2) => tf.add(tf.mul(x, p1), p2),
  }, d);
}

/** Options of {@link bsplineExpansion}. */
export const BSPLINE_OPTIONS = defineOptions('bspline_expansion', {
  gridRange: range([-1, 1], '[lo, hi] of the grid'),
  t: int({ default: 5, min: 1, doc: 'number of grid intervals t' }),
  d: int({ default: 3, min: 0, doc: 'spline degree d' }),
}, TRANSFORMATION_BASE);
/** Options of {@link bsplineExpansion}. */
export type BsplineOptions = OptionsOf<typeof BSPLINE_OPTIONS>;

/**
 * tinyBIG `bspline_expansion`: B-splines of degree d on the uniform knots
 * `g_i = (i − d)·h + lo`, i = 0..t+2d, `h = (hi − lo)/t` (Cox–de Boor with half-open
 * `[g_i, g_{i+1})` degree-0 bases), feature-major, `D = m·(t + d)`. Inputs outside
 * `[g_0, g_{t+2d})` give all-zero bases (as tinyBIG).
 *
 * On uniform knots every basis is a shifted cardinal B-spline, `B_i(x) = β_d((x − c_i)/h)` with
 * centre `c_i = g_i + (d+1)h/2`, and the centred B-spline has the closed form
 * `β_d(a) = Σ_{k < (d+1)/2} (−1)^k C(d+1, k)/d! · ((d+1)/2 − k − |a|)₊^d` (zero for
 * `|a| ≥ (d+1)/2`, so no mask is needed outside the grid). All `t + d` bases come from one
 * broadcast `[b, m, 1] − [t + d]`, already in the feature-major layout: a dozen whole-tensor
 * kernels instead of Cox–de Boor's slices, and no transpose. The positive parts are bounded by
 * `(d+1)/2`, so there is no cancellation beyond a few ulp. d = 0 (discontinuous) keeps the exact
 * half-open comparisons. With fast paths on (wasm, cpu; not `RPN_FAST_PATHS=0`) and d ≥ 1 the basis
 * is one kernel instead ({@link bsplineBasis}: each input's interval once, its d + 1 nonzero bases).
 * Exposes `structure: {type: 'bspline', lo, h, t, d, identityProduct}`: `identityProduct(x, w, n)` is
 * κ(x)·reshape(w, [n, D])ᵀ without κ(x) ({@link bsplineIdentityProduct}; null where it does not apply).
 */
export function bsplineExpansion(options: BsplineOptions = {}): Transformation {
  const o = BSPLINE_OPTIONS.parse(options);
  const { gridRange, t, d } = o;
  const [lo, hi] = gridRange as [number, number];
  const h = (hi - lo) / t;
  const knots = Array.from({ length: t + 2 * d + 1 }, (_, i) => (i - d) * h + lo);
  const K = t + d; // bases per feature
  const terms = bsplineTerms(d, h);
  const centres = Array.from({ length: K }, (_, i) => knots[i] + ((d + 1) * h) / 2);
  // the fused κ(x)·Wᵀ for identity reconciliation (model's FUSED_PRODUCTS), only without pre/postprocessing
  const plain = processingChain(processingOption(o, 'preprocess')).length === 0 && processingChain(processingOption(o, 'postprocess')).length === 0;
  const structure = Object.freeze({
    type: 'bspline', lo, h, t, d,
    identityProduct: plain ? (x: Tensor, w: Tensor, n: number): Tensor | null => bsplineIdentityProduct(x, w, n, { lo, h, t, d }) : undefined,
  });
  return defineExpansion('bspline_expansion', o, {
    own: { gridRange, t, d },
    structure,
    calculateD: (m) => m * K,
    kappa: (x) => {
      const [b, m] = x.shape as [number, number];
      if (d === 0) {
        // [g_i ≤ x < g_{i+1}] = [x < g_{i+1}] − [x < g_i] (knots increase); no gradient, as tinyBIG.
        const x3 = tf.reshape(x, [b, m, 1]);
        const bases = tf.sub(lt(x3, tf.tensor1d(knots.slice(1))), lt(x3, tf.tensor1d(knots.slice(0, K))));
        return tf.reshape(bases, [b, m * K]);
      }
      // one kernel for the whole basis (wasm, cpu), unless fast paths are off
      if (bsplineKernelAvailable(x, d)) return bsplineBasis(x, { lo, h, t, d });
      return closedForm(x);
    },
  });

  /** `Σ_k weight_k·p_k^e` with `p_k = scale·(edge_k − a)₊`, for `e ≥ 1`. */
  function sumOfPowers(a: Tensor, e: number, weight: (term: (typeof terms)[number]) => number): Tensor {
    let out: Tensor | null = null;
    for (const term of terms) {
      let p = tf.relu(tf.sub(term.edge, a));
      if (term.scale !== 1) p = tf.mul(p, term.scale);
      const w = weight(term);
      const v = e === 1 ? tf.mul(p, w) : tf.mul(powInt(p, e - 1), tf.mul(p, w));
      out = out ? tf.add(out, v) : v;
    }
    return out!;
  }

  /**
   * The closed form as one custom-gradient op: the forward kernels are not recorded on the tape
   * (no saved copies of the `[b, m, t + d]` intermediates, nothing at all when x needs no
   * gradient, as in a first layer), and the gradient is the derivative of the same closed form,
   * `dB_i/dx = −sign(x − c_i)·Σ_k d·coef_k·scale·p_k^{d−1}` (continuous for d ≥ 2; for d = 1 the
   * hat's slope is taken on tinyBIG's half-open intervals, so it matches at knots too).
   */
  function closedForm(x: Tensor): Tensor {
    const [b, m] = x.shape as [number, number];
    const f = tf.customGrad(((xx: Tensor, save: tf.GradSaveFunc) => {
      save([xx]);
      const x3 = tf.reshape(xx, [b, m, 1]);
      const a = tf.abs(tf.sub(x3, tf.tensor1d(centres))); // [b, m, K]: |x − c_i|
      return {
        value: tf.reshape(sumOfPowers(a, d, (term) => term.coef), [b, m * K]),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const x3s = tf.reshape(saved[0], [b, m, 1]);
          let slope: Tensor;
          if (d === 1) {
            // +1/h on [g_i, g_{i+1}), −1/h on [g_{i+1}, g_{i+2}), else 0.
            const below = (off: number) => lt(x3s, tf.tensor1d(knots.slice(off, off + K)));
            const b1 = below(1);
            slope = tf.mul(tf.sub(tf.sub(tf.mul(b1, 2), below(0)), below(2)), 1 / h);
          } else {
            const diff = tf.sub(x3s, tf.tensor1d(centres));
            slope = tf.mul(tf.sign(diff), sumOfPowers(tf.abs(diff), d - 1, (term) => -d * term.coef * term.scale));
          }
          return tf.sum(tf.mul(tf.reshape(dy, [b, m, K]), slope), 2);
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return f(x) as Tensor;
  }
}

/** `p^e` (e ≥ 0) by squaring: differentiable everywhere (unlike `pow` at 0 for small exponents). */
function powInt(p: Tensor, e: number): Tensor {
  if (e === 0) return tf.onesLike(p);
  let result: Tensor | null = null;
  let base = p;
  for (let k = e; k > 0; k >>= 1) {
    if (k & 1) result = result ? tf.mul(result, base) : base;
    if (k > 1) base = tf.square(base);
  }
  return result!;
}

/**
 * The terms of the centred B-spline of degree d ≥ 1 in units of x: `β_d(|x − c|/h) =
 * Σ coef·(scale·(edge − |x − c|))₊^d` with `edge = ((d+1)/2 − k)·h`. The 1/h^d factor is folded into
 * `coef` (`scale = 1`) unless that would leave the normal float32 range.
 */
function bsplineTerms(d: number, h: number): { edge: number; coef: number; scale: number }[] {
  let fact = 1;
  for (let i = 2; i <= d; i++) fact *= i;
  const out: { edge: number; coef: number; scale: number }[] = [];
  const fold = Math.abs(d * Math.log10(h)) < 12;
  let binom = 1; // C(d+1, k)
  for (let k = 0; k < (d + 1) / 2; k++) {
    const c = ((k % 2 === 0 ? 1 : -1) * binom) / fact;
    out.push({ edge: ((d + 1) / 2 - k) * h, coef: fold ? c / h ** d : c, scale: fold ? 1 : 1 / h });
    binom = (binom * (d + 1 - k)) / (k + 1);
  }
  return out;
}
