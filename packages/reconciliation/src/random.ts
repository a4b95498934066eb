import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, any, bool, defineOptions, formatShape, int, num, type OptionFields, type OptionsOf, type Params, type Reconciliation } from '@rpn/core';
import { RECONCILIATION_BASE, defineReconciliation, mmT, mm } from './common.js';

/** Default seed of the frozen random state (recorded in `toConfig`, so a saved config rebuilds it). */
export const DEFAULT_SEED = 20240601;

/** A frozen matrix: flat float32 values and a shape. */
export interface FrozenArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Options of the reconciliations with frozen random state. */
const FROZEN_STATE_FIELDS = Object.freeze({
  ...RECONCILIATION_BASE,
  seed: int({ default: DEFAULT_SEED, doc: 'seed of the random state (default DEFAULT_SEED); mixed with the class, n and D' }),
  frozenState: any<Readonly<Record<string, unknown>>>({
    check: (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v),
    expected: 'an object of nested arrays',
    doc: 'the random state given explicitly (nested arrays), by tinyBIG\'s names: mask (masking), A, B (random_matrix_adaption), P, Q, S, T (random_matrix_hypernet), net.0.weight, net.0.bias, net.2.weight, net.2.bias (hypernet)',
  }),
});
/** Options of the reconciliations with frozen random state. */
export const FROZEN_STATE_OPTIONS = defineOptions('masking_reconciliation', FROZEN_STATE_FIELDS);
/** Options of the reconciliations with frozen random state. */
export type FrozenStateOptions = OptionsOf<typeof FROZEN_STATE_OPTIONS>;

const frozen = <F extends OptionFields>(className: string, fields: F) => defineOptions(className, fields, FROZEN_STATE_FIELDS);

/** 32-bit string/number hash (FNV-1a) used to derive a stream per (seed, class, tensor, n, D). */
function hash(parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const c of parts.join('|')) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; uniform in [0, 1). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` standard normal draws (Box–Muller) from a seeded stream. */
export function seededNormal(seed: number, count: number): Float32Array {
  const u = seededUniform(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th);
    if (i + 1 < count) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

/** Flattens nested arrays of numbers (or booleans) to float32, returning the shape. */
export function fromNested(v: unknown, argument: string): FrozenArray {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  const flat = (Array.isArray(v) ? (v as unknown[]).flat(Infinity) : [v]) as unknown[];
  const data = new Float32Array(flat.length);
  flat.forEach((e, i) => {
    const x = typeof e === 'boolean' ? Number(e) : e;
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ValueError('frozen state must hold finite numbers', { argument, expected: 'nested arrays of numbers', received: JSON.stringify(e) });
    data[i] = x;
  });
  if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new ValueError('frozen state is ragged', { argument, expected: 'a rectangular nested array', received: `${data.length} values for shape ${formatShape(shape)}` });
  return { shape, data };
}

function toNested(a: FrozenArray): unknown {
  const build = (dim: number, off: number): unknown => {
    if (a.shape.length === 0) return a.data[0];
    const stride = a.shape.slice(dim + 1).reduce((x, y) => x * y, 1);
    const out: unknown[] = [];
    for (let i = 0; i < a.shape[dim]; i++) out.push(dim === a.shape.length - 1 ? a.data[off + i] : build(dim + 1, off + i * stride));
    return out;
  };
  return build(0, 0);
}

/**
 * The frozen state of one function: explicit arrays when given, else drawn from the seed for
 * each (name, shape) on first use and cached as plain arrays (no tensor is owned between calls).
 */
function frozenStore(className: string, options: { seed: number; frozenState?: Readonly<Record<string, unknown>> }) {
  const seed = options.seed;
  const given = new Map<string, FrozenArray>();
  if (options.frozenState != null) {
    for (const [k, v] of Object.entries(options.frozenState)) given.set(k, fromNested(v, `frozen_state.${k}`));
  }
  const drawn = new Map<string, FrozenArray>();
  return {
    seed,
    hasGiven: given.size > 0,
    /** The named array of the given shape (explicit, or drawn by `draw(seed)`). */
    get(key: string, shape: readonly number[], draw: (s: number, count: number) => Float32Array): FrozenArray {
      const g = given.get(key);
      if (g) {
        if (g.shape.length !== shape.length || g.shape.some((v, i) => v !== shape[i])) {
          throw new ShapeError(`${className}: frozen state has the wrong shape`, { argument: `frozen_state.${key}`, expected: formatShape(shape), received: formatShape(g.shape) });
        }
        return g;
      }
      const id = `${key}:${shape.join('x')}`;
      let d = drawn.get(id);
      if (!d) {
        const count = shape.reduce((a, b) => a * b, 1);
        d = { shape: [...shape], data: draw(hash([seed, className, key, ...shape]), count) };
        drawn.set(id, d);
      }
      return d;
    },
    tensor(key: string, shape: readonly number[], draw: (s: number, count: number) => Float32Array): Tensor {
      const a = this.get(key, shape, draw);
      return tf.tensor(a.data, [...a.shape]);
    },
    /** `frozen_state` for `toConfig` (only the explicitly given arrays). */
    config(): Params | undefined {
      if (!given.size) return undefined;
      const out: Params = {};
      for (const [k, v] of given) out[k] = toNested(v);
      return out;
    },
  };
}

const normal = (s: number, count: number) => seededNormal(s, count);

function rawState(store: ReturnType<typeof frozenStore>) {
  return (): Params => {
    const fs = store.config();
    return { seed: store.seed, ...(fs ? { frozen_state: fs } : {}) };
  };
}

/** Options of {@link maskingReconciliation}. */
export const MASKING_RECONCILIATION_OPTIONS = frozen('masking_reconciliation', {
  p: num({ default: 0.5, min: 0, max: 1, expected: 'a number in [0, 1]', doc: 'keep probability: mask = (uniform < p)' }),
  fixedMask: bool({ default: true, doc: "tinyBIG fixed_mask. A non-fixed mask is still drawn once per (n, D) here: see the README" }),
});
/** Options of {@link maskingReconciliation}. */
export type MaskingReconciliationOptions = OptionsOf<typeof MASKING_RECONCILIATION_OPTIONS>;

/** `masking_reconciliation`: W = reshape(w, [n, D]) ⊙ M with the frozen mask M = (rand(n, D) < p); l = n·D. */
export function maskingReconciliation(options: MaskingReconciliationOptions = {}): Reconciliation {
  const className = 'masking_reconciliation';
  const o = MASKING_RECONCILIATION_OPTIONS.parse(options);
  const { name = className, enableBias, p, fixedMask } = o;
  const store = frozenStore(className, o);
  const drawMask = (s: number, count: number): Float32Array => {
    const u = seededUniform(s);
    const m = new Float32Array(count);
    for (let i = 0; i < count; i++) m[i] = u() < p ? 1 : 0;
    return m;
  };
  return defineReconciliation({
    className,
    name,
    own: { p, fixedMask, enableBias },
    rawParams: rawState(store),
    requireParameters: true,
    enableBias,
    structure: { type: 'masking', p },
    calculateL: (n, D) => n * D,
    psi: (w, n, D) => tf.mul(tf.reshape(w!, [n, D]), store.tensor('mask', [n, D], drawMask)),
  });
}

/** Options of {@link randomMatrixAdaptionReconciliation}. */
export const RANDOM_MATRIX_ADAPTION_OPTIONS = frozen('random_matrix_adaption_reconciliation', { r: int({ default: 2, min: 1, doc: 'rank' }) });
/** Options of {@link randomMatrixAdaptionReconciliation}. */
export type RandomMatrixAdaptionOptions = OptionsOf<typeof RANDOM_MATRIX_ADAPTION_OPTIONS>;

/**
 * `random_matrix_adaption_reconciliation`: `λ₁ = w[:n]`, `λ₂ = w[n:n+r]`,
 * `W = diag(λ₁)·A·diag(λ₂)·Bᵀ` with frozen `A ~ N(0,1)^{n×r}`, `B ~ N(0,1)^{D×r}`; l = n + r.
 */
export function randomMatrixAdaptionReconciliation(options: RandomMatrixAdaptionOptions = {}): Reconciliation {
  const className = 'random_matrix_adaption_reconciliation';
  const o = RANDOM_MATRIX_ADAPTION_OPTIONS.parse(options);
  const { name = className, enableBias, r } = o;
  const store = frozenStore(className, o);
  const parts = (w: Tensor, n: number, D: number) => ({
    l1: tf.reshape(tf.slice(w, [0], [n]), [n, 1]),
    l2: tf.reshape(tf.slice(w, [n], [r]), [1, r]),
    A: store.tensor('A', [n, r], normal),
    B: store.tensor('B', [D, r], normal),
  });
  return defineReconciliation({
    className,
    name,
    own: { r, enableBias },
    rawParams: rawState(store),
    requireParameters: true,
    enableBias,
    structure: { type: 'random_matrix_adaption', r },
    calculateL: (n) => n + r,
    psi: (w, n, D) => {
      const { l1, l2, A, B } = parts(w!, n, D);
      return mmT(tf.mul(tf.mul(l1, A), l2), B);
    },
    // κ·Wᵀ = ((κ·B) ⊙ λ₂)·Aᵀ ⊙ λ₁ᵀ: b·D·r + b·r·n.
    product: (kappa, w, n, D) => {
      const { l1, l2, A, B } = parts(w!, n, D);
      return tf.mul(mmT(tf.mul(mm(kappa, B), l2), A), tf.reshape(l1, [1, n]));
    },
  });
}

/** Options of {@link randomMatrixHypernetReconciliation}. */
export const RANDOM_MATRIX_HYPERNET_OPTIONS = frozen('random_matrix_hypernet_reconciliation', {
  r: int({ default: 2, min: 1, doc: 'rank' }),
  l: int({ default: 64, min: 1, doc: 'number of parameters l' }),
  hiddenDim: int({ default: 128, min: 1, doc: 'hidden width' }),
});
/** Options of {@link randomMatrixHypernetReconciliation}. */
export type RandomMatrixHypernetOptions = OptionsOf<typeof RANDOM_MATRIX_HYPERNET_OPTIONS>;

/**
 * `random_matrix_hypernet_reconciliation`: `W = reshape(σ(w·P·Qᵀ)·S·Tᵀ, [n, D])` with frozen
 * `P [l, r]`, `Q [h, r]`, `S [h, r]`, `T [nD, r]` ~ N(0, 1); l = the `l` option.
 */
export function randomMatrixHypernetReconciliation(options: RandomMatrixHypernetOptions = {}): Reconciliation {
  const className = 'random_matrix_hypernet_reconciliation';
  const o = RANDOM_MATRIX_HYPERNET_OPTIONS.parse(options);
  const { name = className, enableBias, r, l, hiddenDim: h } = o;
  const store = frozenStore(className, o);
  return defineReconciliation({
    className,
    name,
    own: { r, l, hiddenDim: h, enableBias },
    rawParams: rawState(store),
    requireParameters: true,
    enableBias,
    structure: { type: 'random_matrix_hypernet', r, l, hiddenDim: h },
    calculateL: () => l,
    psi: (w, n, D) => {
      const P = store.tensor('P', [l, r], normal);
      const Q = store.tensor('Q', [h, r], normal);
      const S = store.tensor('S', [h, r], normal);
      const T = store.tensor('T', [n * D, r], normal);
      const hidden = tf.sigmoid(mmT(mm(tf.reshape(w!, [1, l]), P), Q)); // [1, h]
      return tf.reshape(mmT(mm(hidden, S), T), [n, D]);
    },
  });
}

/** Options of {@link hypernetReconciliation}. */
export const HYPERNET_RECONCILIATION_OPTIONS = frozen('hypernet_reconciliation', {
  l: int({ default: 64, min: 1, doc: 'number of parameters l' }),
  hiddenDim: int({ default: 128, min: 1, doc: 'hidden width' }),
  static: bool({ default: true, doc: 'tinyBIG static: the hypernet is frozen. Only static hypernets are supported' }),
  net: any({ doc: 'tinyBIG net (not supported: pass the hypernet weights as frozen_state)' }),
});
/** Options of {@link hypernetReconciliation}. */
export type HypernetReconciliationOptions = OptionsOf<typeof HYPERNET_RECONCILIATION_OPTIONS>;

/**
 * `hypernet_reconciliation`: `W = reshape(Linear₂(σ(Linear₁(w))), [n, D])`, Linear(x) = x·weightᵀ + bias,
 * with frozen weights `net.0.weight [h, l]`, `net.0.bias [h]`, `net.2.weight [nD, h]`,
 * `net.2.bias [nD]` ~ N(0, 1); l = the `l` option.
 */
export function hypernetReconciliation(options: HypernetReconciliationOptions = {}): Reconciliation {
  const className = 'hypernet_reconciliation';
  const o = HYPERNET_RECONCILIATION_OPTIONS.parse(options);
  const { name = className, enableBias, l, hiddenDim: h, static: isStatic } = o;
  if (!isStatic) throw new ValueError(`${className}: a trainable hypernet is not supported`, { argument: 'static', expected: 'true', received: 'false' });
  if (o.net != null) throw new ValueError(`${className}: pass the hypernet weights as frozen_state`, { argument: 'net', expected: 'null (use frozen_state {"net.0.weight", …})', received: typeof o.net });
  const store = frozenStore(className, o);
  return defineReconciliation({
    className,
    name,
    own: { l, hiddenDim: h, static: isStatic, enableBias },
    rawParams: rawState(store),
    requireParameters: true,
    enableBias,
    structure: { type: 'hypernet', l, hiddenDim: h },
    calculateL: () => l,
    psi: (w, n, D) => {
      const W0 = store.tensor('net.0.weight', [h, l], normal);
      const b0 = store.tensor('net.0.bias', [h], normal);
      const W2 = store.tensor('net.2.weight', [n * D, h], normal);
      const b2 = store.tensor('net.2.bias', [n * D], normal);
      const hidden = tf.sigmoid(tf.add(mmT(tf.reshape(w!, [1, l]), W0), b0));
      return tf.reshape(tf.add(mmT(hidden, W2), b2), [n, D]);
    },
  });
}
