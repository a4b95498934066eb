import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError, ValueError, formatShape } from './errors.js';

/** Throws a {@link ShapeError} unless `x` is a rank-2 tensor `[b, m]`. */
export function assert2D(x: Tensor, argument = 'x'): void {
  if (x == null || !Array.isArray(x.shape)) {
    throw new ShapeError('input is not a tensor', { argument, expected: 'a rank-2 tensor [b, m]', received: String(x) });
  }
  if (x.rank !== 2) {
    throw new ShapeError('input must be a 2-D batch', { argument, expected: 'a rank-2 tensor [b, m]', received: `shape ${formatShape(x.shape)}` });
  }
}

/** Throws unless `x` is `[b, m]` with the given `m` (and `b` when given). */
export function assertWidth(x: Tensor, m: number, argument = 'x', b?: number): void {
  assert2D(x, argument);
  if (x.shape[1] !== m || (b !== undefined && x.shape[0] !== b)) {
    throw new ShapeError('input has the wrong width', {
      argument,
      expected: `shape [${b ?? 'b'}, ${m}]`,
      received: `shape ${formatShape(x.shape)}`,
    });
  }
}

/** Throws unless `x.shape` equals `shape` exactly (`-1` matches any size). */
export function assertShape(x: Tensor, shape: readonly number[], argument = 'x'): void {
  const ok = x.rank === shape.length && shape.every((s, i) => s === -1 || s === x.shape[i]);
  if (!ok) {
    throw new ShapeError('tensor has the wrong shape', {
      argument,
      expected: `shape ${formatShape(shape.map((s) => (s === -1 ? NaN : s))).replace(/NaN/g, '*')}`,
      received: `shape ${formatShape(x.shape)}`,
    });
  }
}

/** Throws a {@link ValueError} unless `v` is an integer ≥ `min` (default 1). */
export function assertInt(v: unknown, argument: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ValueError('invalid integer', { argument, expected: `an integer ≥ ${min}`, received: JSON.stringify(v) });
  }
  return v;
}

/** Throws a {@link ValueError} unless `v` is a finite number. */
export function assertFinite(v: unknown, argument: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ValueError('invalid number', { argument, expected: 'a finite number', received: JSON.stringify(v) });
  }
  return v;
}

/** Product of a shape's sizes. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Flattens a parameter row `[l]` or `[1, l]` to length `l`, checking the length. */
export function assertParameterLength(w: Tensor, l: number, argument = 'w'): void {
  const ok = (w.rank === 1 && w.shape[0] === l) || (w.rank === 2 && w.shape[0] === 1 && w.shape[1] === l);
  if (!ok) {
    throw new ShapeError('parameter vector has the wrong length', {
      argument,
      expected: `shape [${l}] or [1, ${l}]`,
      received: `shape ${formatShape(w.shape)}`,
    });
  }
}
