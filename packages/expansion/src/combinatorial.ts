import * as tf from '@tensorflow/tfjs-core';
import { ValueError, bool, defineOptions, int } from '@rpn/core';
import type { OptionsOf, Transformation } from '@rpn/core';
import { TRANSFORMATION_BASE, defineExpansion } from './common.js';

const withReplacement = bool({ default: false, doc: "accepted and recorded, but ignored, as in tinyBIG (its forward default False wins)" });

/** Options of {@link combinatorialExpansion}. */
export const COMBINATORIAL_OPTIONS = defineOptions('combinatorial_expansion', { d: int({ default: 2, min: 1, doc: 'largest combination size' }), withReplacement }, TRANSFORMATION_BASE);
/** Options of {@link combinatorialNormalExpansion}. */
export const COMBINATORIAL_NORMAL_OPTIONS = defineOptions('combinatorial_normal_expansion', { d: int({ default: 1, min: 1, doc: 'largest combination size' }), withReplacement }, TRANSFORMATION_BASE);
/** Options of the combinatorial expansions. */
export type CombinatorialOptions = OptionsOf<typeof COMBINATORIAL_OPTIONS>;

/** `C(m, r)`. */
export function binomial(m: number, r: number): number {
  if (r < 0 || r > m) return 0;
  let c = 1;
  for (let i = 1; i <= r; i++) c = (c * (m - r + i)) / i;
  return Math.round(c);
}

/** All r-combinations of 0..m−1 in `torch.combinations` (lexicographic) order. */
export function combinations(m: number, r: number): number[][] {
  const out: number[][] = [];
  const idx = Array.from({ length: r }, (_, i) => i);
  if (r > m || r <= 0) return out;
  for (;;) {
    out.push([...idx]);
    let i = r - 1;
    while (i >= 0 && idx[i] === m - r + i) i--;
    if (i < 0) return out;
    idx[i]++;
    for (let j = i + 1; j < r; j++) idx[j] = idx[j - 1] + 1;
  }
}

const MAX_COLUMNS = 1e7;

function checkSize(className: string, D: number): void {
  if (D > MAX_COLUMNS) throw new ValueError(`${className} output is too wide`, { argument: 'd', expected: `an output width D ≤ ${MAX_COLUMNS}`, received: `D = ${D}` });
}

/**
 * tinyBIG `combinatorial_expansion`, made tensor-valued (tinyBIG returns a Python list, which
 * cannot feed a head). Layout: for r = 1..d, every r-combination (i1 < … < ir, lexicographic,
 * `torch.combinations` order) contributes r consecutive columns `[x_i1, …, x_ir]`:
 * `out[:, off_r + c·r + k] = x[:, comb_c[k]]` with `off_r = Σ_{q<r} q·C(m, q)` — i.e. the
 * row-major flattening of tinyBIG's `[b, C(m, r), r]` items, concatenated over r.
 * `D = Σ_{r=1..d} r·C(m, r)` (tinyBIG's `calculate_D`). Computed as one matmul with a constant
 * 0/1 selection matrix (no gather, so gradients flow on wasm).
 */
export function combinatorialExpansion(options: CombinatorialOptions = {}): Transformation {
  const o = COMBINATORIAL_OPTIONS.parse(options);
  const { d, withReplacement } = o;
  const calculateD = (m: number): number => { let s = 0; for (let r = 1; r <= d; r++) s += r * binomial(m, r); return s; };
  return defineExpansion('combinatorial_expansion', o, {
    own: { d, withReplacement },
    calculateD,
    kappa: (x) => {
      const m = x.shape[1] as number;
      const D = calculateD(m);
      checkSize('combinatorial_expansion', D);
      const sel = new Float32Array(m * D);
      let col = 0;
      for (let r = 1; r <= d; r++) for (const c of combinations(m, r)) for (const j of c) sel[j * D + col++] = 1;
      return tf.matMul(x, tf.tensor2d(sel, [m, D]));
    },
  });
}

/**
 * tinyBIG `combinatorial_normal_expansion`: for r = 1..d and every r-combination v of the row
 * (lexicographic), the log density of the standard r-variate normal,
 * `−½‖v‖² − (r/2)·log 2π`; `D = Σ_{r=1..d} C(m, r)`. One matmul of x² with a constant incidence
 * matrix. `with_replacement` is ignored, as in tinyBIG.
 */
export function combinatorialNormalExpansion(options: CombinatorialOptions = {}): Transformation {
  const o = COMBINATORIAL_NORMAL_OPTIONS.parse(options);
  const { d, withReplacement } = o;
  const calculateD = (m: number): number => { let s = 0; for (let r = 1; r <= d; r++) s += binomial(m, r); return s; };
  return defineExpansion('combinatorial_normal_expansion', o, {
    own: { d, withReplacement },
    calculateD,
    kappa: (x) => {
      const m = x.shape[1] as number;
      const D = calculateD(m);
      checkSize('combinatorial_normal_expansion', D);
      const inc = new Float32Array(m * D);
      const bias = new Float32Array(D);
      let col = 0;
      for (let r = 1; r <= d; r++) {
        for (const c of combinations(m, r)) {
          for (const j of c) inc[j * D + col] = 1;
          bias[col++] = -(r / 2) * Math.log(2 * Math.PI);
        }
      }
      return tf.add(tf.mul(tf.matMul(tf.square(x), tf.tensor2d(inc, [m, D])), -0.5), tf.tensor2d(bias, [1, D]));
    },
  });
}
