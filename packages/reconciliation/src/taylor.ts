import * as tf from '@tensorflow/tfjs-core';
import { jsKernelsAvailable } from '@rpn/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Transformation } from '@rpn/core';
import { mm } from './common.js';
import { layerNormProductKernel } from './ln-kernel.js';
import { blockReduceKernel } from './block-kernel.js';
import { cutToeplitzKernel } from './cut-kernel.js';

/**
 * What a fused kernel knows about an order-2 Taylor expansion of an `m`-wide input:
 * `κ(x) = [x, vec(x ⊗ x)]`, `D = m(m+1)`, followed by nothing or by a layer norm without
 * affine weights over all D columns (epsilon `eps`). `xt = [1, x]` is filled in by the caller.
 */
export interface Taylor2Info {
  readonly m: number;
  readonly D: number;
  readonly post: 'none' | 'layer_norm';
  readonly eps: number;
  readonly xt?: Tensor;
}

/**
 * Recognises an order-2 Taylor expansion from its structure (never its class name):
 * `{type: 'taylor', d: 2, pre: false, post: 'none' | 'layer_norm'}` (also accepts
 * `postprocess` for `post`). Anything else (pre-processing, other post-processing, an affine
 * layer norm, another order) gives null: the head then uses `product` or the plain path.
 */
export function taylor2Info(expansion: Transformation | null | undefined, m: number): Taylor2Info | null {
  const st = expansion?.structure as Record<string, unknown> | undefined;
  if (!st || st.type !== 'taylor' || st.d !== 2) return null;
  if (st.pre === true || (st.pre !== undefined && st.pre !== false)) return null;
  const post = (st.post ?? st.postprocess ?? 'none') as unknown;
  if (post !== 'none' && post !== 'layer_norm') return null;
  const eps = typeof st.eps === 'number' && Number.isFinite(st.eps) ? st.eps : 1e-5;
  const D = m * (m + 1);
  if (typeof expansion!.calculateD === 'function' && expansion!.calculateD(m) !== D) return null;
  return { m, D, post, eps };
}

/**
 * Per-sample mean and standard deviation of κ(x) = [x, vec(x⊗x)] in closed form:
 * with S1 = Σx and S2 = Σx², Σκ = S1 + S1² and Σκ² = S2 + S2², so
 * μ = (S1 + S1²)/D and σ = √((S2 + S2²)/D − μ² + ε) (biased variance, as layer norm). `[b, 1]` each.
 */
export function layerNormStats(x: Tensor, D: number, eps: number): { mean: Tensor; std: Tensor } {
  const s1 = tf.sum(x, 1, true);
  const s2 = tf.sum(tf.square(x), 1, true);
  const mean = tf.div(tf.add(s1, tf.square(s1)), D);
  const e2 = tf.div(tf.add(s2, tf.square(s2)), D);
  const variance = tf.relu(tf.sub(e2, tf.square(mean)));
  return { mean, std: tf.sqrt(tf.add(variance, eps)) };
}

/**
 * `(out − μ·rowSumᵀ)/σ` with μ, σ the closed-form layer-norm statistics of κ(x) (see
 * {@link layerNormStats}): `LN(κ(x))·Wᵀ` from `out = κ(x)·Wᵀ` and `rowSum = W·1`. A custom gradient
 * (inputs x, out, rowSum, all saved; the statistics are recomputed) replaces ~45 taped steps. On
 * wasm and cpu it is one JS kernel with a one-kernel gradient (`ln-kernel.ts`), else tfjs ops:
 * with g = dy/σ: d out = g, d rowSum = −Σ_b μ·g, dμ = −g·rowSum, dσ = −Σ_i dy⊙y / σ,
 * d var = dσ/(2σ)·[var > 0], dS1 = (dμ − 2μ·d var)(1 + 2S1)/D, dS2 = d var·(1 + 2S2)/D,
 * dx = dS1 + 2x·dS2.
 */
export function layerNormProduct(x: Tensor, out: Tensor, rowSum: Tensor, D: number, eps: number): Tensor {
  if (jsKernelsAvailable(x, out, rowSum)) return layerNormProductKernel(x, out, rowSum, D, eps);
  return layerNormProductOps(x, out, rowSum, D, eps);
}

/**
 * {@link layerNormProduct} in tfjs ops (one custom gradient around ~18 forward and ~45 backward
 * kernels): the path of backends other than wasm and cpu, and the reference of the JS kernel's tests.
 */
export function layerNormProductOps(x: Tensor, out: Tensor, rowSum: Tensor, D: number, eps: number): Tensor {
  const n = out.shape[1] as number;
  const stats = (xv: Tensor) => {
    const s1 = tf.sum(xv, 1, true);
    const s2 = tf.sum(tf.square(xv), 1, true);
    const mean = tf.div(tf.add(s1, tf.square(s1)), D);
    const v = tf.sub(tf.div(tf.add(s2, tf.square(s2)), D), tf.square(mean));
    return { s1, s2, mean, v, std: tf.sqrt(tf.add(tf.relu(v), eps)) };
  };
  const f = tf.customGrad(((X: Tensor, O: Tensor, R: Tensor, save: tf.GradSaveFunc) => {
    const { mean, std } = stats(X);
    save([X, O, R]);
    return {
      value: tf.div(tf.sub(O, tf.mul(mean, tf.reshape(R, [1, n]))), std),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [Xs, Os, Rs] = saved;
        const { s1, s2, mean, v, std } = stats(Xs);
        const Rrow = tf.reshape(Rs, [1, n]);
        const y = tf.div(tf.sub(Os, tf.mul(mean, Rrow)), std);
        const g = tf.div(dy, std);
        const dR = tf.neg(tf.sum(tf.mul(g, mean), 0));
        const dMean = tf.neg(tf.sum(tf.mul(g, Rrow), 1, true));
        const dStd = tf.neg(tf.div(tf.sum(tf.mul(dy, y), 1, true), std));
        const dVar = tf.mul(tf.div(dStd, tf.mul(std, 2)), tf.step(v));
        const dS1 = tf.div(tf.mul(tf.sub(dMean, tf.mul(tf.mul(mean, 2), dVar)), tf.add(tf.mul(s1, 2), 1)), D);
        const dS2 = tf.div(tf.mul(dVar, tf.add(tf.mul(s2, 2), 1)), D);
        const dx = tf.add(dS1, tf.mul(tf.mul(Xs, 2), dS2));
        return [dx, g, tf.reshape(dR, Rs.shape)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, out, rowSum) as Tensor;
}

/** Constant matrices that route grid-row sums and cut-row pieces to blocks of length L. */
interface SegmentPlan {
  readonly G: number;
  /** [m+1, G]: row a's total goes to the block of its last segment. */
  readonly rowToBlock: Float32Array;
  /** Number of non-last segments of cut rows. */
  readonly K: number;
  /** [K, m+1]: the grid row of cut piece k. */
  readonly selT: Float32Array;
  /** [K, m]: columns of cut piece k. */
  readonly mask: Float32Array;
  /** [K, G]: +1 at the piece's block, −1 at the block of its row's last segment. */
  readonly pieceToBlock: Float32Array;
}

const plans = new Map<string, SegmentPlan | null>();
/** Upper bound on the number of floats of the constant routing matrices of a plan. */
const PLAN_LIMIT = 4_000_000;

/** Plans the block routing of the (m+1) × m grid for blocks of length L (L divides D). */
function segmentPlan(m: number, L: number): SegmentPlan | null {
  const key = `${m}:${L}`;
  if (plans.has(key)) return plans.get(key)!;
  const rows = m + 1;
  const D = rows * m;
  const G = D / L;
  let plan: SegmentPlan | null = null;
  // pieces: [row, block, j0, j1] for every non-last segment of each row
  const pieces: [number, number, number, number][] = [];
  const lastBlock = new Int32Array(rows);
  let ok = rows * G <= PLAN_LIMIT;
  for (let a = 0; a < rows && ok; a++) {
    const start = a * m;
    let j = 0;
    while (j < m) {
      const u = Math.floor((start + j) / L);
      const end = Math.min(m, (u + 1) * L - start);
      if (end < m) pieces.push([a, u, j, end]);
      else lastBlock[a] = u;
      j = end;
    }
    if (pieces.length * Math.max(rows, m, G) > PLAN_LIMIT) ok = false;
  }
  if (ok) {
    const K = pieces.length;
    const rowToBlock = new Float32Array(rows * G);
    for (let a = 0; a < rows; a++) rowToBlock[a * G + lastBlock[a]] = 1;
    const selT = new Float32Array(K * rows);
    const mask = new Float32Array(K * m);
    const pieceToBlock = new Float32Array(K * G);
    pieces.forEach(([a, u, j0, j1], k) => {
      selT[k * rows + a] = 1;
      for (let j = j0; j < j1; j++) mask[k * m + j] = 1;
      pieceToBlock[k * G + u] += 1;
      pieceToBlock[k * G + lastBlock[a]] -= 1;
    });
    plan = { G, rowToBlock, K, selT, mask, pieceToBlock };
  }
  plans.set(key, plan);
  return plan;
}

/**
 * `Σ_rows dy` (`[rows, len] → [len]`). Measured on wasm with a fresh 98 × 6280 dy (as in a
 * training step): `sum(dy, 0)` ≈ 2.6 ms; `1ᵀ·dy` 3.6–6.7 ms, because XNNPACK packs a new
 * right-hand operand on every call (it is fast only when the same operand is reused). One row: dy.
 */
export function columnSum(dy: Tensor): Tensor {
  const [rows, len] = dy.shape as [number, number];
  if (rows === 1) return tf.reshape(dy, [len]);
  return tf.sum(dy, 0);
}

/**
 * `tile(v, [reps])` viewed `[reps, len]` (or `shape`), with a column-sum gradient (the default gradient of
 * `tile` slices and adds once per copy). The gradient uses only `dy`, so v is the only input.
 */
export function tileRows(v: Tensor, reps: number, shape: number[] = [reps, v.size]): Tensor {
  const len = v.size;
  const f = tf.customGrad(((a: Tensor) => ({
    // a broadcast product: the wasm Tile kernel is ~30× slower than this on 615k elements;
    // viewed in `shape` inside (a taped reshape would save a copy of the whole tile)
    value: tf.reshape(tf.mul(tf.ones([reps, 1]), tf.reshape(a, [1, len])), shape),
    gradFunc: (dy: Tensor) => tf.reshape(columnSum(tf.reshape(dy, [reps, len])), a.shape),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(v) as Tensor;
}

/**
 * `Y[b, u] = Σ_v κ(x)[b, uL + v] · B[v]` (u < G = D/L) for the order-2 Taylor κ without
 * building κ: B tiled G times is viewed as the (m+1) × m grid N; H = N·xᵀ gives every grid
 * row's sum. When L = s(m+1) (tinyBIG's q = m, so t = m + 1, and s | m; {@link taylor2ToeplitzSums})
 * the cut rows come from a small Toeplitz matrix of the last m entries of B; any other L | D uses
 * constant routing matrices. Returns null when L does not divide D or the routing matrices would
 * be too large.
 */
export function taylor2BlockSums(x: Tensor, _xt: Tensor | undefined, B: Tensor, L: number, m: number): Tensor | null {
  const D = m * (m + 1);
  if (D % L !== 0) return null;
  if (L % (m + 1) === 0) return tf.transpose(taylor2ToeplitzSums(x, B, L, m));
  return taylor2RoutedSums(x, B, L, m);
}

/**
 * The block sums `Yᵀ` (`[G, b]`) when L = s(m+1) and s | m (G = m/s): block k covers grid rows
 * ks … ks+s−1 whole except that row ks starts (columns < ks) in block k−1, and the last row m is
 * in block G−1. With N = tile(B) as [(m+1), m]:
 * - `Hᵀ = N·xᵀ` (`[m+1, b]`), `R = x̃ᵀ ⊙ Hᵀ`; block k gets rows ks … ks+s−1 (a reshape and sum),
 *   block G−1 also row m;
 * - the piece of cut row ks in block k−1 is `P_k = Σ_{j<ks} x_j·B[L − ks + j]`: row k of a
 *   Toeplitz matrix Tc ([G, m], row 0 zero) built from the last m entries of B
 *   ({@link cutToeplitz});
 * - `x̃_{ks}·P_k` moves from block k to block k−1 ({@link blockReduce}).
 * Cost: two (m+1)·m·b matMuls per training step (forward and dN), no gather, no constants.
 */
export function taylor2ToeplitzSums(x: Tensor, B: Tensor, L: number, m: number): Tensor {
  const b = x.shape[0] as number;
  const rows = m + 1;
  const s = L / rows;
  const G = m / s;
  const Bf = tf.reshape(B, [L]);
  const xT = tf.transpose(x); // [m, b]
  const N = tileRows(Bf, G, [rows, m]);
  const HT = mm(N, xT); // [m+1, b]
  if (G === 1) {
    // one block: Y = Σ_a x̃_a H_a
    const xtT = tf.concat([tf.ones([1, b]), xT], 0);
    return tf.sum(tf.mul(xtT, HT), 0, true);
  }
  const PT = mm(cutToeplitz(Bf, L, m, s), xT); // [G, b]
  return blockReduce(HT, xT, PT, m, s);
}

/**
 * Tc (`[G, m]`, G = m/s): row k is `B[L − ks + j]` for j < ks, else 0 (row 0 is zero). From
 * z = the last m entries of B: `e = [z, 0_{m+s}]` (length E = 2m + s) tiled and viewed with a row
 * stride of 2m ≡ −s (mod E), so row k is e shifted by −ks;
 * `Tc = slice(reshape(tile(e), [G, 2m]), columns m … 2m−1)`. Tile, reshape and slice only; a
 * custom gradient (pad, reshape, column sum) keeps these small steps off the tape. On wasm and
 * cpu it is one JS kernel and one for its gradient (`cut-kernel.ts`).
 */
export function cutToeplitz(Bf: Tensor, L: number, m: number, s: number): Tensor {
  if (jsKernelsAvailable(Bf)) return cutToeplitzKernel(tf.reshape(Bf, [L]), L, m, s);
  return cutToeplitzOps(Bf, L, m, s);
}

/** {@link cutToeplitz} in tfjs ops: the path of other backends, and the reference of the JS kernel's tests. */
export function cutToeplitzOps(Bf: Tensor, L: number, m: number, s: number): Tensor {
  const G = m / s;
  const E = 2 * m + s;
  const reps = Math.ceil((G * 2 * m) / E);
  const f = tf.customGrad(((B: Tensor) => {
    const e = tf.concat([tf.slice(B, [L - m], [m]), tf.zeros([m + s])]);
    const flat = tf.slice(tf.reshape(tf.mul(tf.ones([reps, 1]), tf.reshape(e, [1, E])), [reps * E]), [0], [G * 2 * m]);
    return {
      value: tf.slice(tf.reshape(flat, [G, 2 * m]), [0, m], [G, m]),
      gradFunc: (dy: Tensor) => {
        const d = tf.pad(tf.reshape(tf.pad(dy, [[0, 0], [m, 0]]), [G * 2 * m]), [[0, reps * E - G * 2 * m]]);
        const de = columnSum(tf.reshape(d, [reps, E]));
        return tf.pad(tf.slice(de, [0], [m]), [[L - m, 0]]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(tf.reshape(Bf, [L])) as Tensor;
}

/**
 * `Yᵀ` from `Hᵀ` (`[m+1, b]`), `xᵀ` (`[m, b]`) and the cut pieces `Pᵀ` (`[G, b]`, G = m/s ≥ 2):
 * `R = x̃ᵀ ⊙ Hᵀ`, `Y_k = Σ_{i<s} R_{ks+i} (+ R_m for k = G−1) − x̃_{ks}P_k + x̃_{(k+1)s}P_{k+1}`.
 * A custom gradient (every tensor it uses is an input, saved) replaces the ~40 taped steps of
 * this small bookkeeping with a dozen; on wasm and cpu it is one JS kernel and one for its gradient
 * (`block-kernel.ts`).
 */
export function blockReduce(HT: Tensor, xT: Tensor, PT: Tensor, m: number, s: number): Tensor {
  if (jsKernelsAvailable(HT, xT, PT)) return blockReduceKernel(HT, xT, PT, m, s);
  return blockReduceOps(HT, xT, PT, m, s);
}

/** {@link blockReduce} in tfjs ops: the path of other backends, and the reference of the JS kernel's tests. */
export function blockReduceOps(HT: Tensor, xT: Tensor, PT: Tensor, m: number, s: number): Tensor {
  const b = xT.shape[1] as number;
  const G = m / s;
  const parts = (xTv: Tensor) => {
    const xtT = tf.concat([tf.ones([1, b]), xTv], 0); // [m+1, b]
    const xsT = tf.reshape(tf.slice(tf.reshape(tf.slice(xtT, [0, 0], [m, b]), [G, s, b]), [0, 0, 0], [G, 1, b]), [G, b]); // x̃_{ks}
    return { xtT, xsT };
  };
  const f = tf.customGrad(((H: Tensor, X: Tensor, P: Tensor, save: tf.GradSaveFunc) => {
    const { xtT, xsT } = parts(X);
    const RT = tf.mul(xtT, H);
    let YT = tf.sum(tf.reshape(tf.slice(RT, [0, 0], [m, b]), [G, s, b]), 1);
    YT = tf.add(YT, tf.pad(tf.slice(RT, [m, 0], [1, b]), [[G - 1, 0], [0, 0]]));
    const Pp = tf.mul(P, xsT);
    YT = tf.add(tf.sub(YT, Pp), tf.concat([tf.slice(Pp, [1, 0], [G - 1, b]), tf.zeros([1, b])], 0));
    save([H, X, P]);
    return {
      value: YT,
      gradFunc: (dY: Tensor, saved: Tensor[]) => {
        const [Hs, Xs, Ps] = saved;
        const q = parts(Xs);
        const dPp = tf.sub(tf.concat([tf.zeros([1, b]), tf.slice(dY, [0, 0], [G - 1, b])], 0), dY);
        const dP = tf.mul(dPp, q.xsT);
        const dxs = tf.mul(dPp, Ps); // [G, b] → rows ks of x̃
        const dR = tf.concat([tf.reshape(tf.mul(tf.reshape(dY, [G, 1, b]), tf.ones([1, s, 1])), [m, b]), tf.slice(dY, [G - 1, 0], [1, b])], 0);
        const dH = tf.mul(dR, q.xtT);
        const scatter = tf.reshape(tf.pad(tf.reshape(dxs, [G, 1, b]), [[0, 0], [0, s - 1], [0, 0]]), [m, b]);
        const dxt = tf.add(tf.slice(tf.mul(dR, Hs), [0, 0], [m + 1, b]), tf.pad(scatter, [[0, 1], [0, 0]]));
        return [dH, tf.slice(dxt, [1, 0], [m, b]), dP];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(HT, xT, PT) as Tensor;
}

/** Any other L | D: grid-row sums routed to blocks, cut rows split with masked rows of N. */
function taylor2RoutedSums(x: Tensor, B: Tensor, L: number, m: number): Tensor | null {
  const plan = segmentPlan(m, L);
  if (!plan) return null;
  const { G, K } = plan;
  const rows = m + 1;
  const xt = tf.concat([tf.ones([x.shape[0] as number, 1]), x], 1);
  const N = tileRows(tf.reshape(B, [L]), G, [rows, m]);
  const H = tf.transpose(mm(N, tf.transpose(x))); // [b, m+1]
  let Y = mm(tf.mul(xt, H), tf.tensor2d(plan.rowToBlock, [rows, G]));
  if (K > 0) {
    const Ncut = tf.mul(mm(tf.tensor2d(plan.selT, [K, rows]), N), tf.tensor2d(plan.mask, [K, m])); // [K, m]
    const P = tf.transpose(mm(Ncut, tf.transpose(x))); // [b, K]
    const xtSel = mm(xt, tf.transpose(tf.tensor2d(plan.selT, [K, rows]))); // [b, K]
    Y = tf.add(Y, mm(tf.mul(P, xtSel), tf.tensor2d(plan.pieceToBlock, [K, G])));
  }
  return Y;
}
