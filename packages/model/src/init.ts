import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError } from '@rpn/core';

/**
 * Parameter initialisation methods (tinyBIG `initialize_parameters`, catalog §1.10).
 * `uniform` is torch.rand's U[0, 1), what tinyBIG heads hold before `initialize_parameters` runs.
 */
export type InitMethod = 'xavier_uniform' | 'xavier_normal' | 'kaiming_uniform' | 'fanout_std_uniform' | 'uniform';

export const INIT_METHODS: readonly InitMethod[] = Object.freeze(['xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'fanout_std_uniform', 'uniform']);

/** Checks and normalises an init method name (`null`/`undefined` → `fallback`). */
export function initMethodOf(method: unknown, fallback: InitMethod = 'xavier_uniform', argument = 'parameters_init_method'): InitMethod {
  if (method == null) return fallback;
  if (typeof method === 'string' && (INIT_METHODS as readonly string[]).includes(method)) return method as InitMethod;
  throw new ValueError('unknown parameter initialisation method', { argument, expected: `one of ${INIT_METHODS.join(', ')}`, received: JSON.stringify(method) });
}

/** What the initialiser needs to know about one tensor. */
export interface InitTarget {
  readonly shape: readonly number[];
  /** `true` for biases (`b`, `b_remainder`): tinyBIG initialises `b.view(1, -1)`. */
  readonly bias?: boolean;
  /** For kaiming biases: the fan-in of the matching weight (`w` for `b`, `w_remainder` for `b_remainder`). */
  readonly weightFanIn?: number;
  /** For fanout_std_uniform: the owner's output width n. */
  readonly n?: number;
}

/** torch's fans for a 2-D view `(rows, cols)`: fan_in = cols, fan_out = rows. */
function fans(shape: readonly number[], bias: boolean): { fanIn: number; fanOut: number } {
  if (bias || shape.length <= 1) return { fanIn: shape.length === 0 ? 1 : shape[shape.length - 1], fanOut: 1 };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Uniform bound / normal std of a method for a target (exported for tests). */
export function initScale(method: InitMethod, t: InitTarget): { kind: 'uniform' | 'normal'; lo: number; hi: number; std?: number } {
  const { fanIn, fanOut } = fans(t.shape, t.bias === true);
  switch (method) {
    case 'xavier_uniform': {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      return { kind: 'uniform', lo: -a, hi: a };
    }
    case 'xavier_normal':
      return { kind: 'normal', lo: 0, hi: 0, std: Math.sqrt(2 / (fanIn + fanOut)) };
    case 'kaiming_uniform': {
      // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in.
      const f = t.bias ? (t.weightFanIn ?? fanIn) : fanIn;
      const a = 1 / Math.sqrt(Math.max(f, 1));
      return { kind: 'uniform', lo: -a, hi: a };
    }
    case 'fanout_std_uniform': {
      const n = t.n ?? fanOut;
      const a = 1 / Math.sqrt(Math.max(n, 1));
      return { kind: 'uniform', lo: -a, hi: a };
    }
    case 'uniform':
      return { kind: 'uniform', lo: 0, hi: 1 };
  }
}

/** Draws an initial value (float32) for `t` with `method`; `seed` makes it reproducible. */
export function initialValue(method: InitMethod, t: InitTarget, seed?: number): Tensor {
  const s = initScale(method, t);
  const shape = [...t.shape];
  if (s.kind === 'normal') return tf.randomNormal(shape, 0, s.std, 'float32', seed);
  return tf.randomUniform(shape, s.lo, s.hi, 'float32', seed);
}

/** Deterministic seed derivation: a sub-seed for `key` under `seed` (FNV-1a over both). */
export function subSeed(seed: number | undefined, key: string): number | undefined {
  if (seed == null) return undefined;
  let h = 0x811c9dc5 ^ (seed >>> 0);
  h = Math.imul(h, 0x01000193) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 2147483647;
}
