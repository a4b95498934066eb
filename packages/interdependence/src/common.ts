import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ShapeError, ValueError, assertParameterLength, formatShape, functionConfig,
  type FunctionConfig, type Interdependence, type Params,
} from '@rpn/core';

/** The two interdependence types; tinyBIG's aliases (`right`, `column`, `left`, `row`, `*_interdependence`) are accepted. */
export type InterdependenceType = 'attribute' | 'instance';

/** Normalises tinyBIG's interdependence type names. */
export function parseType(v: unknown, fallback: InterdependenceType = 'attribute'): InterdependenceType {
  if (v == null) return fallback;
  if (v === 'attribute' || v === 'attribute_interdependence' || v === 'right' || v === 'column') return 'attribute';
  if (v === 'instance' || v === 'instance_interdependence' || v === 'left' || v === 'row') return 'instance';
  throw new ValueError('unknown interdependence type', { argument: 'interdependence_type', expected: "'attribute' or 'instance' (or tinyBIG's aliases)", received: JSON.stringify(v) });
}

export type { BaseOptions } from './options.js';

/** What a concrete function specifies; {@link makeInterdependence} builds the contract object. */
export interface InterdependenceSpec {
  readonly className: string;
  /** camelCase options for `toConfig` (JSON values only). */
  readonly options: Params;
  readonly name?: string;
  readonly type: InterdependenceType;
  readonly b?: number;
  readonly m?: number;
  readonly requireData: boolean;
  readonly requireParameters: boolean;
  readonly l: number;
  calculateMPrime(m?: number): number;
  calculateBPrime(b?: number): number;
  /**
   * A from X = the matrix tinyBIG passes to `calculate_A` (attribute: x `[b, m]`; instance: xᵀ
   * `[m, b]`) and the flat parameter vector `w` (`[l]`, or null). Runs inside a tidy.
   */
  compute(X: Tensor | null, w: Tensor | null): Tensor;
  /** Rows A must have (checked against the data); undefined = as many as the data has. */
  readonly fixedRows?: number;
  /** Structural dependence on the batch size of the attribute-type data (`b` fixed), if any. */
  readonly fixedBatch?: number;
  /** Replaces the application `data·A` / `Aᵀ·data` (geometric functions re-order their output). */
  apply?(data: Tensor, A: Tensor): Tensor;
  /** Extra own properties (e.g. members of a hybrid) exposed on the object. */
  readonly extra?: Record<string, unknown>;
}

/** A frozen interdependence object (the core contract plus `dispose`, which drops the cached constant matrix). */
export type InterdependenceFunction = Interdependence & { readonly l: number; readonly b?: number; readonly m?: number; dispose(): void };

function flatW(w: Tensor | null | undefined, l: number, requireParameters: boolean): Tensor | null {
  if (!requireParameters || l === 0) return null;
  if (w == null) throw new ShapeError('parameters required', { argument: 'w', expected: `shape [1, ${l}] or [${l}]`, received: String(w) });
  assertParameterLength(w, l, 'w');
  return w.rank === 1 ? w : tf.reshape(w, [l]);
}

function check2D(x: Tensor | null | undefined, argument: string): Tensor {
  if (x == null || !Array.isArray((x as Tensor).shape) || x.rank !== 2) {
    throw new ShapeError('data required as a 2-D batch', { argument, expected: 'a rank-2 tensor [b, m]', received: x == null ? String(x) : `shape ${formatShape(x.shape)}` });
  }
  return x;
}

/**
 * Builds the contract object: calculateA (from the raw batch `x` `[b, m]` for both types; the
 * instance type transposes it as tinyBIG does), forward (`(kappaX ?? x)·A` or `Aᵀ·(kappaX ?? x)`,
 * in a tidy) and caching of matrices that depend on neither data nor parameters.
 */
export function makeInterdependence(spec: InterdependenceSpec): InterdependenceFunction {
  const cacheable = !spec.requireData && !spec.requireParameters;
  let cached: { values: Float32Array; shape: number[] } | null = null;
  const X = (x: Tensor | null | undefined): Tensor | null => {
    if (!spec.requireData) return null;
    const xx = check2D(x, 'x');
    if (spec.type === 'attribute' && spec.m !== undefined && xx.shape[1] !== spec.m) {
      throw new ShapeError('input has the wrong width', { argument: 'x', expected: `shape [b, ${spec.m}]`, received: `shape ${formatShape(xx.shape)}` });
    }
    if (spec.fixedBatch !== undefined && xx.shape[0] !== spec.fixedBatch) {
      throw new ShapeError(`${spec.className} depends structurally on the batch size b`, { argument: 'x', expected: `shape [${spec.fixedBatch}, m] (b = ${spec.fixedBatch})`, received: `shape ${formatShape(xx.shape)}` });
    }
    return spec.type === 'instance' ? tf.transpose(xx) : xx;
  };
  const calculateA = (x: Tensor | null, w?: Tensor | null): Tensor => {
    if (cacheable) {
      // Computed once; the values are kept outside tfjs so no tensor outlives a call (no leaks,
      // nothing to dispose) and every call gets a fresh tensor the caller owns.
      if (cached === null) {
        const t = tf.tidy(() => spec.compute(null, null));
        cached = { values: Float32Array.from(t.dataSync() as Float32Array), shape: t.shape.slice() };
        t.dispose();
      }
      return tf.tensor(cached.values, cached.shape, 'float32');
    }
    return tf.tidy(() => spec.compute(X(x), flatW(w, spec.l, spec.requireParameters)));
  };
  const forward = (x: Tensor | null, w?: Tensor | null, kappaX?: Tensor | null): Tensor => tf.tidy(() => {
    const data = check2D(kappaX ?? x, kappaX != null ? 'kappaX' : 'x');
    const A = calculateA(x, w);
    if (spec.apply) return spec.apply(data, A);
    if (spec.type === 'attribute') {
      if (A.shape[0] !== data.shape[1]) {
        throw new ShapeError('data width does not match A', { argument: kappaX != null ? 'kappaX' : 'x', expected: `shape [b, ${A.shape[0]}]`, received: `shape ${formatShape(data.shape)}` });
      }
      return tf.matMul(data, A);
    }
    if (A.shape[0] !== data.shape[0]) {
      throw new ShapeError(`batch size does not match the instance interdependence matrix of ${spec.className}`, {
        argument: kappaX != null ? 'kappaX' : 'x', expected: `${A.shape[0]} rows (b = ${A.shape[0]})`, received: `shape ${formatShape(data.shape)}`,
      });
    }
    return tf.matMul(tf.transpose(A), data);
  });
  const obj = {
    ...(spec.extra ?? {}),
    kind: 'interdependence' as const,
    className: spec.className,
    name: spec.name ?? spec.className,
    type: spec.type,
    b: spec.b,
    m: spec.m,
    l: spec.l,
    requireData: spec.requireData,
    requireParameters: spec.requireParameters,
    calculateL: () => spec.l,
    calculateMPrime: (m?: number) => spec.calculateMPrime(m),
    calculateBPrime: (b?: number) => spec.calculateBPrime(b),
    calculateA,
    forward,
    dispose() { cached = null; },
    toConfig: (): FunctionConfig => functionConfig(`tinybig.interdependence.${spec.className}`, {
      ...(spec.name && spec.name !== spec.className ? { name: spec.name } : {}),
      ...spec.options,
    }),
  };
  return Object.freeze(obj);
}

/** Dense constant matrix from row-major values (float64 values rounded once to float32). */
export function constMatrix(values: ArrayLike<number>, rows: number, cols: number): Tensor {
  return tf.tensor2d(Float32Array.from(values as ArrayLike<number>), [rows, cols], 'float32');
}

/** Reads a matrix option given as nested arrays or a tensor. */
export function readMatrix(v: unknown, argument: string): { values: number[]; rows: number; cols: number } {
  if (v instanceof tf.Tensor) {
    if (v.rank !== 2) throw new ShapeError('matrix must be 2-D', { argument, expected: 'a rank-2 matrix', received: `shape ${formatShape(v.shape)}` });
    return { values: Array.from(v.dataSync()), rows: v.shape[0], cols: v.shape[1] };
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((r) => Array.isArray(r) && r.length === (v[0] as unknown[]).length)) {
    throw new ValueError('matrix must be a rectangular nested array or a 2-D tensor', { argument, expected: 'number[][]', received: JSON.stringify(v)?.slice(0, 80) });
  }
  const rows = v.length, cols = (v[0] as unknown[]).length;
  return { values: (v as number[][]).flat().map(Number), rows, cols };
}

/** Identity mask `1 − I` (a constant, so no comparison op sits on a gradient path). */
export function offDiagonal(k: number): Tensor {
  const v = new Float32Array(k * k).fill(1);
  for (let i = 0; i < k; i++) v[i * k + i] = 0;
  return tf.tensor2d(v, [k, k]);
}

/**
 * `s^e` for `s ≥ 0` with gradient 0 where `s = 0` (instead of ∞·0 = NaN), so distance kernels
 * stay differentiable on their diagonal.
 */
export const safePow = (s: Tensor, e: number): Tensor => {
  const f = tf.customGrad(((a: Tensor, save: (t: Tensor[]) => void) => {
    const y = tf.pow(a, tf.scalar(e));
    save([a]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [aa] = saved;
        const pos = tf.greater(aa, 0);
        const safe = tf.where(pos, aa, tf.onesLike(aa));
        const g = tf.mul(tf.scalar(e), tf.pow(safe, tf.scalar(e - 1)));
        return tf.mul(dy, tf.where(pos, g, tf.zerosLike(aa)));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(s) as Tensor;
};
