import { ConfigError, camelToSnake, parametersFromOptions } from '@rpn/core';
import { rejectUnknown } from '../resolve.js';
import type { O } from '../library-common.js';

/**
 * Constructor parameters of tinyBIG's grid classes, declared once (camelCase key → tinyBIG default;
 * `REQUIRED` for parameters without one). `toConfig` writes them back as tinyBIG's snake_case
 * keys. Internal to @rpn/model.
 */
export const REQUIRED = Symbol('required');
export type ParamTable = Readonly<Record<string, unknown>>;

/** The patch geometry parameters every grid class shares (tinyBIG's defaults). */
export const GEOMETRY_PARAMS: ParamTable = Object.freeze({
  d: 1,
  patchShape: 'cuboid',
  pH: null, pHPrime: null, pW: null, pWPrime: null, pD: 0, pDPrime: null, pR: null,
  cdH: null, cdW: null, cdD: 1,
  packingStrategy: 'densest_packing',
});

/** Keys accepted besides a class's own parameters: TypeScript conveniences, and m/n that layers pass to their heads. */
const EXTRA_KEYS = ['m', 'n', 'seed', 'fastPaths', 'training', 'device'];

/**
 * The resolved parameters of one class: unknown keys rejected (ConfigError naming the key), `null`
 * and missing values replaced by the table's default, required ones checked present.
 */
export function resolveParams(o: O, table: ParamTable, what: string): Record<string, unknown> {
  rejectUnknown(o, [...Object.keys(table), ...EXTRA_KEYS], what);
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(table)) {
    const v = o[k] ?? (d === REQUIRED ? undefined : d);
    if (v === undefined) {
      const key = camelToSnake(k);
      throw new ConfigError(`missing required key ${key}`, { argument: key, expected: `a value (${what} has no default)`, received: 'nothing' });
    }
    out[k] = v;
  }
  return out;
}

/** tinyBIG snake_case parameters of resolved options (for `toConfig`); `null` stays tinyBIG's None. */
export function tinybigParameters(p: Record<string, unknown>): Record<string, unknown> {
  return parametersFromOptions(p);
}

/** Checks an `m`/`n` a caller passed (rpn_layer gives its heads m and n) against the derived one. */
export function checkGiven(given: unknown, derived: number, argument: string, why: string): void {
  if (given != null && given !== derived) {
    throw new ConfigError(`${argument} does not match the grid`, { argument, expected: `${derived} (${why})`, received: JSON.stringify(given) });
  }
}

/**
 * A frozen copy of `base` with `props` added or replaced, keeping getters live (`training`,
 * `disposed`): specialised heads, layers and models add tinyBIG's accessors
 * (`outputGridShape`, …) and their own `toConfig` this way.
 */
export function extend<T extends object, P extends object>(base: T, props: P): Omit<T, keyof P> & P {
  return Object.freeze(Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(base), ...Object.getOwnPropertyDescriptors(props) })) as Omit<T, keyof P> & P;
}
