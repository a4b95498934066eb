import * as tf from '@tensorflow/tfjs-core';
import type { Registry } from '@rpn/core';

/** A tensor as stored in the golden JSON: flat row-major data. */
export interface JsonTensor {
  readonly shape: number[];
  readonly dtype: string;
  readonly data: (number | string)[];
  readonly range?: unknown;
}

/** One golden case (fields vary by family; format: golden/README.md). */
export type GoldenCase = Record<string, any> & { id: string; family: string; class: string };

/** What adapters get besides the case. */
export interface GoldenEnv {
  readonly registry: Registry;
  /** The golden directory (for checkpoint files). */
  readonly dir: string;
  /** Reads a file of the golden directory (a checkpoint case's `file`): node:fs in the CLI, fetch in the browser. */
  readonly readBytes: (file: string) => Uint8Array | Promise<Uint8Array>;
}

/** Runs one case: throws {@link GoldenMismatch} (or any error) when it does not match. */
export interface FamilyAdapter {
  readonly family: string;
  run(c: GoldenCase, env: GoldenEnv): void | Promise<void>;
}

/** A value that does not match its golden vector. */
export class GoldenMismatch extends Error {}

/** Which tolerance of a case applies: the forward `tolerance` or the gradients' `grad_tolerance`. */
export type ToleranceField = 'tolerance' | 'grad_tolerance';

/**
 * Tolerances of DESIGN.md for a float32 backend: `rtol = max(case rtol, 1e-4)`,
 * `atol = max(case atol, 1e-5·max(1, max|expected|))`, from the case's `field` (forward by default;
 * gradients are widened the same way from `grad_tolerance`).
 */
export function tolerances(c: GoldenCase, expected: readonly number[], field: ToleranceField = 'tolerance'): { rtol: number; atol: number } {
  const t = c[field] ?? {};
  let maxAbs = 0;
  for (const v of expected) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  return { rtol: Math.max(t.rtol ?? 0, 1e-4), atol: Math.max(t.atol ?? 0, 1e-5 * Math.max(1, maxAbs)) };
}

/** JSON numbers and the strings NaN/Infinity/-Infinity to JS numbers. */
export function jsonNumbers(t: JsonTensor): number[] {
  return t.data.map((v) => (typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v)));
}

/** A golden tensor as a tfjs tensor (float32 unless it is an integer/bool dtype). */
export function toTensor(t: JsonTensor): tf.Tensor {
  const isInt = /^(u?int\d+|bool)$/.test(t.dtype);
  return tf.tensor(jsonNumbers(t), t.shape, isInt ? 'int32' : 'float32');
}

/** A golden tensor as nested JS arrays (for config values such as weights or matrices). */
export function toNested(t: JsonTensor): unknown {
  const flat = jsonNumbers(t);
  if (t.shape.length === 0) return flat[0];
  const build = (dim: number, offset: number): unknown => {
    const size = t.shape[dim];
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const out: unknown[] = [];
    for (let i = 0; i < size; i++) out.push(dim === t.shape.length - 1 ? flat[offset + i] : build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

/**
 * Compares a computed tensor with its golden value element by element:
 * `|got − expected| ≤ atol + rtol·|expected|` (DESIGN.md tolerances). Throws {@link GoldenMismatch}.
 */
export function expectClose(what: string, got: tf.Tensor | ArrayLike<number>, gotShape: readonly number[] | null, expected: JsonTensor, c: GoldenCase, field: ToleranceField = 'tolerance'): void {
  const exp = jsonNumbers(expected);
  const shape = got instanceof tf.Tensor ? got.shape : gotShape;
  if (shape && (shape.length !== expected.shape.length || shape.some((s, i) => s !== expected.shape[i]))) {
    throw new GoldenMismatch(`${what}: shape [${shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
  }
  const data = got instanceof tf.Tensor ? got.dataSync() : got;
  if (data.length !== exp.length) throw new GoldenMismatch(`${what}: ${data.length} values, expected ${exp.length}`);
  const { rtol, atol } = tolerances(c, exp, field);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < exp.length; i++) {
    const e = exp[i];
    const g = data[i];
    if (Number.isNaN(e) && Number.isNaN(g)) continue;
    if (!Number.isFinite(e) && e === g) continue;
    const excess = Math.abs(g - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0)) {
      if (worst < 0 || !(excess <= worstExcess)) { worst = i; worstExcess = excess; }
    }
  }
  if (worst >= 0) {
    throw new GoldenMismatch(`${what}: element ${worst} is ${data[worst]}, expected ${exp[worst]} (atol ${atol.toExponential(1)}, rtol ${rtol.toExponential(1)})`);
  }
}

/** Shape-only check (for `deterministic: false` cases whose `check` says shapes). */
export function expectShape(what: string, got: tf.Tensor, expected: readonly number[]): void {
  if (got.shape.length !== expected.length || got.shape.some((s, i) => s !== expected[i])) {
    throw new GoldenMismatch(`${what}: shape [${got.shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

/**
 * Decodes a case's `params` into a plain tinyBIG `function_parameters` object:
 * `{"$tensor": name}` → nested arrays of `param_tensors[name]`; `{"$callable": path}` → the
 * dotted path string; `{"$object": {class, params}}` → a `{function_class, function_parameters}` config.
 */
export function decodeParams(value: unknown, c: GoldenCase): any {
  if (Array.isArray(value)) return value.map((v) => decodeParams(v, c));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.$tensor === 'string') {
      const t = c.param_tensors?.[o.$tensor];
      if (!t) throw new Error(`param_tensors.${o.$tensor} missing`);
      return toNested(t);
    }
    if (typeof o.$callable === 'string') return o.$callable;
    if (o.$object && typeof o.$object === 'object') {
      const ob = o.$object as { class: string; params?: unknown };
      return { function_class: ob.class, function_parameters: decodeParams(ob.params ?? {}, c) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decodeParams(v, c);
    return out;
  }
  return value;
}

/**
 * Computes a tensor, compares it with its golden value ({@link expectClose}) and disposes it,
 * whether or not it matched. `inputs` are never disposed (a function may return its input).
 */
export function expectComputed(what: string, compute: () => tf.Tensor, expected: JsonTensor, c: GoldenCase, inputs: readonly tf.Tensor[] = []): void {
  const y = compute();
  try {
    expectClose(what, y, null, expected, c);
  } finally {
    if (!inputs.includes(y)) y.dispose();
  }
}
