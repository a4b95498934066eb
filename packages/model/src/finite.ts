import type { Variable } from '@tensorflow/tfjs-core';
import { ValueError } from '@rpn/core';

/** A parameter that holds NaN or ±Infinity, with the counts of each. */
export interface NonFiniteParameter {
  readonly name: string;
  readonly size: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  /** Flat index of the first non-finite value. */
  readonly firstIndex: number;
}

/** Anything with named variables (heads, layers, models of this package). */
export interface NamedVariables {
  namedParameters(): readonly { readonly name: string; readonly variable: Variable }[];
}

/**
 * The parameters of `model` holding a non-finite value: `{ p : ∃ i, ¬isFinite(p[i]) }`, in
 * `namedParameters()` order (each name once). Reads every float variable once; creates no tensors.
 */
export function nonFiniteParameters(model: NamedVariables): NonFiniteParameter[] {
  const out: NonFiniteParameter[] = [];
  const seen = new Set<string>();
  for (const { name, variable } of model.namedParameters()) {
    if (seen.has(name) || variable.dtype !== 'float32') continue;
    seen.add(name);
    const v = variable.dataSync() as Float32Array;
    let nan = 0, posInf = 0, negInf = 0, firstIndex = -1;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x - x === 0) continue; // finite
      if (firstIndex < 0) firstIndex = i;
      if (Number.isNaN(x)) nan++; else if (x > 0) posInf++; else negInf++;
    }
    if (firstIndex >= 0) out.push(Object.freeze({ name, size: v.length, nan, posInf, negInf, firstIndex }));
  }
  return out;
}

/** One line per parameter: `layers.0.heads.0.w: 3 NaN, 1 +Infinity of 24 values (first at index 5)`. */
export function describeNonFinite(p: NonFiniteParameter): string {
  const parts = [p.nan && `${p.nan} NaN`, p.posInf && `${p.posInf} +Infinity`, p.negInf && `${p.negInf} -Infinity`].filter(Boolean).join(', ');
  return `${p.name}: ${parts} of ${p.size} values (first at index ${p.firstIndex})`;
}

/** Options of {@link checkFiniteParameters}. */
export interface FiniteCheckOptions {
  /** Keep a model whose weights hold NaN/Infinity (default true: warn only); false refuses it. */
  readonly allowNonFinite?: boolean;
  /** Receives one warning line per non-finite parameter when they are allowed (default: none). */
  readonly warn?: (line: string) => void;
  /** Names the source in messages (a checkpoint path). */
  readonly source?: string;
}

/**
 * Post-load check of a model's weights (no tinyBIG counterpart: torch loads NaN silently).
 * Non-finite parameters are warned about, or, with `allowNonFinite: false`, a ValueError naming
 * each of them. Returns the non-finite parameters found.
 */
export function checkFiniteParameters(model: NamedVariables, options: FiniteCheckOptions = {}): NonFiniteParameter[] {
  const bad = nonFiniteParameters(model);
  if (bad.length === 0) return bad;
  const source = options.source ? ` in ${options.source}` : '';
  if (options.allowNonFinite === false) {
    throw new ValueError(`the weights${source} hold non-finite values`, {
      argument: options.source ?? 'weights',
      expected: 'finite weights (allowNonFinite: false)',
      received: bad.map(describeNonFinite).join('; '),
    });
  }
  for (const p of bad) options.warn?.(`warning: non-finite weights${source}: ${describeNonFinite(p)}`);
  return bad;
}
