import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Transformation } from '@rpn/core';
import { mm } from './common.js';

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
 * `Y[b, u] = Σ_v κ(x)[b, uL + v] · B[v]` (u < G = D/L) for the order-2 Taylor κ without
 * building κ: B tiled G times is viewed as the (m+1) × m grid N; H = x·Nᵀ gives every grid
 * row's sum, rows cut by a block boundary are split with a few masked rows of N. Returns null
 * when L does not divide D or the routing matrices would be too large.
 */
export function taylor2BlockSums(x: Tensor, xt: Tensor, B: Tensor, L: number, m: number): Tensor | null {
  const D = m * (m + 1);
  if (D % L !== 0) return null;
  const plan = segmentPlan(m, L);
  if (!plan) return null;
  const { G, K } = plan;
  const rows = m + 1;
  // N = tile(B, G) as [(m+1), m], through a broadcast multiply (cheaper gradient than tile).
  const N = tf.reshape(tf.mul(tf.ones([G, 1]), tf.reshape(B, [1, L])), [rows, m]);
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
