import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ShapeError,
  ValueError,
  assertParameterLength,
  bool,
  defineOptions,
  str,
  formatShape,
  parametersFromOptions,
  type FunctionConfig,
  type OptionsOf,
  type Params,
  type Reconciliation,
  type Structure,
  type Transformation,
} from '@rpn/core';
import { taylor2Info, layerNormProduct, type Taylor2Info } from './taylor.js';

/** tinyBIG's module for every reconciliation class. */
export const RECONCILIATION_MODULE = 'tinybig.reconciliation';

/**
 * What a fused order-2 Taylor kernel returns: the raw product `κ(x)·Wᵀ` (`[b, n]`) and, when
 * asked for (layer-normalised expansion), the row sums `W·1` (`[n]`).
 */
export interface FusedResult {
  readonly out: Tensor;
  readonly rowSum?: Tensor;
}

/** What a reconciliation author supplies to {@link defineReconciliation}. */
export interface ReconciliationDefinition {
  /** tinyBIG class name (short), e.g. `dual_lphm_reconciliation`. */
  readonly className: string;
  /** Instance name (tinyBIG's `name`). */
  readonly name: string;
  /** The function's own options (camelCase) written to `function_parameters` by `toConfig`. */
  readonly own: Params;
  /** Extra `function_parameters` written verbatim (keys the camel→snake rule cannot produce). */
  readonly rawParams?: () => Params;
  readonly requireParameters: boolean;
  readonly enableBias: boolean;
  readonly structure?: Structure;
  /** `l = calculate_l(n, D)`; throws a typed error when (n, D) do not fit the function. */
  calculateL(n: number, D: number): number;
  /** `W = ψ(w)` with `w` the flat `[l]` vector (or null when l = 0). Runs inside a tidy. */
  psi(w: Tensor | null, n: number, D: number): Tensor;
  /**
   * `W = ψ(w)` as the fast paths build it when they need W (same values; may use the JS kernels of
   * this package); omitted → `psi`. Never used by `forward` (the plain path).
   */
  psiFast?(w: Tensor | null, n: number, D: number): Tensor;
  /** Structured `κ·ψ(w)ᵀ` (`[b, n]`) without W; omitted → no `product` method. Runs inside a tidy. */
  product?(kappa: Tensor, w: Tensor | null, n: number, D: number): Tensor;
  /**
   * Structured order-2 Taylor kernel: `κ(x)·ψ(w)ᵀ` from `x` (and `W·1` when `rowSum`), or null
   * when the structure does not apply (the generic grid contraction of a built W is then used).
   */
  taylor2?(x: Tensor, w: Tensor | null, n: number, info: Taylor2Info, rowSum: boolean): FusedResult | null;
  /**
   * `taylor2` reshapes w itself, so it gets w as given (`[l]` or `[1, l]`, length checked): for
   * a large w every taped reshape clones its input for the gradient (a copy of all l values).
   */
  readonly taylor2KeepsShape?: boolean;
}

/** Flattens a `[l]`/`[1, l]` parameter row after checking its length. */
export function flatParameters(w: Tensor | null | undefined, l: number, className: string, keepShape = false): Tensor | null {
  if (l === 0) {
    if (w != null && w.size !== 0) {
      throw new ShapeError(`${className} takes no parameters`, { argument: 'w', expected: 'null (l = 0)', received: `shape ${formatShape(w.shape)}` });
    }
    return null;
  }
  if (w == null) {
    throw new ShapeError(`${className} needs a parameter vector`, { argument: 'w', expected: `shape [${l}] or [1, ${l}]`, received: String(w) });
  }
  assertParameterLength(w, l, 'w');
  return w.rank === 1 || keepShape ? w : tf.reshape(w, [l]);
}

/** Checks that `n` and `D` are positive integers. */
export function checkDims(n: number, D: number): void {
  for (const [k, v] of [['n', n], ['D', D]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new ValueError('invalid dimension', { argument: k, expected: 'an integer ≥ 1', received: JSON.stringify(v) });
    }
  }
}

/**
 * `a · b` for 2-D tensors. An inner dimension of 1 is computed as a broadcast product: on
 * tfjs-backend-wasm 4.22 a matMul with inner dimension 1 corrupted the wasm heap (a later
 * dispose aborted with "memory access out of bounds").
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.shape[1] === 1) return tf.mul(a, b);
  return tf.matMul(a, b);
}

/** `a · bᵀ` with an explicit transpose (matMul transpose flags are ~10× slower on wasm). */
export function mmT(a: Tensor, b: Tensor): Tensor {
  return mm(a, tf.transpose(b));
}

/**
 * `a · bᵀ` computed as `(b · aᵀ)ᵀ`: faster on wasm when `b` is the big operand (XNNPACK packs
 * the right-hand side; the result is small).
 */
export function mmTBig(a: Tensor, b: Tensor): Tensor {
  return tf.transpose(mm(b, tf.transpose(a)));
}

/**
 * `κ(x) · Fᵀ` for the order-2 Taylor expansion `κ(x) = [x, vec(x ⊗ x)] = vec(x̃ ⊗ x)`,
 * `x̃ = [1, x]`, without building κ: F (`[k, D]`, D = m(m+1)) is viewed as `[k(m+1), m]`, so
 * `Σ_a x̃_a Σ_j x_j F[c, a, j]` is one matMul with x followed by a contraction with x̃.
 * Cost b·k·D multiply-adds, memory b·k·(m+1). (`xt` is unused; kept for the signature.)
 */
export function taylor2Contract(x: Tensor, _xt: Tensor | undefined, F: Tensor, k: number, m: number): Tensor {
  return taylor2Grid(x, F, k, m, false).out;
}

/**
 * `reshape(t, shape)` whose gradient keeps only the input's shape: a taped `tf.reshape` saves (and
 * so, on wasm, copies) its whole input for the backward pass — 158 MB for identity's W.
 */
export function reshapeUnsaved(t: Tensor, shape: number[]): Tensor {
  const inShape = t.shape.slice();
  const f = tf.customGrad(((a: Tensor) => ({
    value: tf.reshape(a, shape),
    gradFunc: (dy: Tensor) => tf.reshape(dy, inShape),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(t) as Tensor;
}

/**
 * The grid contraction of {@link taylor2Contract}, also giving the row sums `F·1` (`[k]`) when
 * `rowSum` is set, on the same matMul: x is given one extra column of ones
 * (`Fr·[xᵀ, 1]`, Fr = F viewed `[k(m+1), m]`), whose contraction with a column of ones is
 * `Σ_a Σ_j F[c, a, j]`. So a layer norm's mean correction costs one more column instead of a
 * separate reduction over F (and its k × D gradient broadcast). The big operand F stays on the
 * left (XNNPACK packs the small right operand); no transpose of anything of F's size.
 */
export function taylor2Grid(x: Tensor, F: Tensor, k: number, m: number, rowSum: boolean): FusedResult {
  const b = x.shape[0] as number;
  const rows = m + 1;
  const cols = rowSum ? b + 1 : b;
  const xa = rowSum ? tf.concat([x, tf.ones([1, m])], 0) : x; // [cols, m]
  const H = mm(reshapeUnsaved(F, [k * rows, m]), tf.transpose(xa)); // [k(m+1), cols]
  // contract over the grid rows on the last axis: a 2-D transpose then an innermost sum measured
  // 1.5–1.7× faster on wasm than a middle-axis sum of H (b = 64 and b = 1000, k = 64, m = 784)
  const xta = tf.concat([tf.ones([cols, 1]), xa], 1); // [cols, m+1]: x̃ (and a row of ones)
  const Z = tf.sum(tf.mul(tf.reshape(tf.transpose(H), [cols, k, rows]), tf.reshape(xta, [cols, 1, rows])), 2); // [cols, k]
  if (!rowSum) return { out: Z };
  return { out: tf.slice(Z, [0, 0], [b, k]), rowSum: tf.reshape(tf.slice(Z, [b, 0], [1, k]), [k]) };
}

/** Rows per chunk of the fused order-2 Taylor paths (per-sample math: chunks change no value). */
export const FUSED_CHUNK_ROWS = 512;

/**
 * Builds a frozen {@link Reconciliation} from a definition: typed checks on w, n and D, every
 * forward in a tidy, `product` when the definition has a structured one, and `productFromInput`
 * for order-2 Taylor expansions (with or without a no-affine layer norm): the structured kernel
 * when the definition has one that applies, else the generic grid contraction of the built W
 * (κ is never built).
 */
export function defineReconciliation(def: ReconciliationDefinition): Reconciliation {
  const L = (n: number, D: number): number => {
    checkDims(n, D);
    return def.calculateL(n, D);
  };
  const r: Reconciliation = {
    name: def.name,
    kind: 'reconciliation',
    className: def.className,
    requireParameters: def.requireParameters,
    enableBias: def.enableBias,
    structure: def.structure,
    calculateL: L,
    forward(w: Tensor | null, n: number, D: number): Tensor {
      const l = L(n, D);
      return tf.tidy(() => {
        const W = def.psi(flatParameters(w, l, def.className), n, D);
        if (W.rank !== 2 || W.shape[0] !== n || W.shape[1] !== D) {
          throw new ShapeError(`${def.className} produced the wrong shape`, { argument: 'W', expected: `[${n}, ${D}]`, received: formatShape(W.shape) });
        }
        return W;
      });
    },
    ...(def.product
      ? {
          product(kappa: Tensor, w: Tensor | null, n: number): Tensor {
            if (kappa == null || kappa.rank !== 2) {
              throw new ShapeError('κ(x) must be a 2-D batch', { argument: 'kappa', expected: 'a rank-2 tensor [b, D]', received: kappa == null ? String(kappa) : `shape ${formatShape(kappa.shape)}` });
            }
            const D = kappa.shape[1] as number;
            const l = L(n, D);
            return tf.tidy(() => def.product!(kappa, flatParameters(w, l, def.className), n, D));
          },
        }
      : {}),
    productFromInput(x: Tensor, expansion: Transformation, w: Tensor | null, n: number): Tensor | null {
      if (x == null || x.rank !== 2) return null;
      const info = taylor2Info(expansion, x.shape[1] as number);
      if (!info) return null;
      const l = L(n, info.D);
      return tf.tidy(() => {
        const wf = flatParameters(w, l, def.className, def.taylor2KeepsShape === true);
        const ln = info.post === 'layer_norm';
        const rowsOf = (xc: Tensor): Tensor => {
          let res = def.taylor2 ? def.taylor2(xc, wf, n, info, ln) : null;
          if (!res) res = taylor2Grid(xc, (def.psiFast ?? def.psi)(wf, n, info.D), n, info.m, ln);
          if (!ln) return res.out;
          return layerNormProduct(xc, res.out, res.rowSum!, info.D, info.eps);
        };
        const b = x.shape[0] as number;
        if (b <= FUSED_CHUNK_ROWS) return rowsOf(x);
        // large batches in chunks: every intermediate is b-proportional ([m+1, b], [k(m+1), b]),
        // so chunks bound the peak memory (each chunk's intermediates are freed before the next)
        const parts: Tensor[] = [];
        for (let i = 0; i < b; i += FUSED_CHUNK_ROWS) {
          parts.push(tf.tidy(() => rowsOf(tf.slice(x, [i, 0], [Math.min(FUSED_CHUNK_ROWS, b - i), x.shape[1] as number]))));
        }
        return tf.concat(parts, 0);
      });
    },
    toConfig(): FunctionConfig {
      const params: Params = { ...parametersFromOptions({ name: def.name, ...def.own }), ...(def.rawParams ? def.rawParams() : {}) };
      return Object.freeze({ function_class: `${RECONCILIATION_MODULE}.${def.className}`, function_parameters: params });
    },
  };
  return Object.freeze(r);
}

/** Throws a ValueError unless `k` divides `v`. */
export function assertDivides(k: number, kName: string, v: number, vName: string, className: string): void {
  if (v % k !== 0) {
    throw new ValueError(`${className}: ${kName} must divide ${vName}`, { argument: kName, expected: `a divisor of ${vName} = ${v}`, received: String(k) });
  }
}

/** Options every reconciliation accepts (tinyBIG's reconciliation base class). */
export const RECONCILIATION_BASE = Object.freeze({
  name: str({ doc: "instance name (tinyBIG's name)" }),
  enableBias: bool({ default: false, doc: 'the head creates a bias b ∈ Rⁿ (tinyBIG enable_bias)' }),
  requireParameters: bool({ doc: "tinyBIG's require_parameters (accepted; each function fixes it)" }),
});

/** The options of a reconciliation without own options. */
export const BASE_RECONCILIATION_OPTIONS = defineOptions('reconciliation', {}, RECONCILIATION_BASE);

/** Options common to every reconciliation. */
export type ReconciliationOptions = OptionsOf<typeof BASE_RECONCILIATION_OPTIONS>;
