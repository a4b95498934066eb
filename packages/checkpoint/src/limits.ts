/**
 * The bounds every reader enforces, so that a file of a few hundred bytes cannot make the
 * process allocate gigabytes, hang, or overflow the call stack. Each reader takes a partial
 * {@link ReadLimits} and fills the rest from {@link DEFAULT_READ_LIMITS}.
 */
import { CheckpointError } from '@rpn/core';

/** Bounds on what one read may produce. */
export interface ReadLimits {
  /** Most tensor elements one checkpoint may hold in total (all tensors together). */
  readonly maxElements: number;
  /** Most bytes the deflated zip entries a read uses may inflate to, in total. */
  readonly maxInflatedBytes: number;
  /** Deepest nesting of lists, tuples, dicts or JSON objects accepted. */
  readonly maxDepth: number;
}

/**
 * Defaults: 2^28 elements (1 GiB of float32; tinyBIG's largest shipped model has under 10^6),
 * 1 GiB of inflated zip data, nesting depth 64 (a state dict needs 3, a tinyBIG config about 12).
 */
export const DEFAULT_READ_LIMITS: ReadLimits = Object.freeze({ maxElements: 2 ** 28, maxInflatedBytes: 2 ** 30, maxDepth: 64 });

/** Fills in the defaults and checks each given limit is a positive safe integer. */
export function readLimits(given: Partial<ReadLimits> = {}): ReadLimits {
  const out = { ...DEFAULT_READ_LIMITS, ...given };
  for (const k of Object.keys(DEFAULT_READ_LIMITS) as (keyof ReadLimits)[]) {
    const v = out[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
      throw new CheckpointError('invalid read limit', { argument: `limits.${k}`, expected: 'a positive integer', received: String(v) });
    }
  }
  return Object.freeze(out);
}

/**
 * Nesting depth of a JSON-like value (arrays and plain objects; a scalar is 0), computed without
 * recursion; throws a CheckpointError naming `where` as soon as it exceeds `maxDepth`.
 */
export function checkJsonDepth(value: unknown, maxDepth: number, where: string): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > maxDepth) throw new CheckpointError('nesting too deep', { argument: where, expected: `at most ${maxDepth} levels of arrays/objects`, received: `more than ${maxDepth}` });
    for (const c of Array.isArray(v) ? v : Object.values(v as object)) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
}
