import { ConfigError, int, oneOf, parametersFromOptions, str, type OptionSchema } from '@rpn/core';
import { PORT_FIELDS, type O } from '../library-common.js';

/**
 * Constructor parameters of tinyBIG's grid classes, declared once as option schemas (camelCase key,
 * type, tinyBIG default; `required` for parameters without one). A nullable option without a
 * default is tinyBIG's `None`. `toConfig` writes them back as tinyBIG's snake_case keys. Internal
 * to @rpn/model.
 */

const extent = (doc: string) => int({ min: 0, nullable: true, doc: `${doc} (None: from the patch shape)` });
const distance = (doc: string) => int({ min: 0, nullable: true, doc });

/** The patch geometry parameters every grid class shares (tinyBIG's defaults). */
export const GEOMETRY_FIELDS = Object.freeze({
  d: int({ default: 1, min: 1, doc: 'grid depth d' }),
  patchShape: oneOf(['cuboid', 'cylinder', 'sphere'], { default: 'cuboid', doc: 'patch shape' }),
  pH: extent('patch reach below along h'), pHPrime: extent('patch reach above along h'),
  pW: extent('patch reach below along w'), pWPrime: extent('patch reach above along w'),
  pD: int({ default: 0, min: 0, doc: 'patch reach below along d' }), pDPrime: extent('patch reach above along d'),
  pR: extent('patch radius (cylinder, sphere)'),
  cdH: distance('centre distance along h (None: patch size)'), cdW: distance('centre distance along w (None: patch size)'),
  cdD: int({ default: 1, min: 0, doc: 'centre distance along d' }),
  packingStrategy: str({ default: 'densest_packing', doc: 'patch packing strategy' }),
});

/** Keys accepted besides a class's own parameters: TypeScript conveniences, and m/n that layers pass to their heads (checked against the grid). */
export const GRID_PORT_FIELDS = Object.freeze({
  m: int({ min: 1, doc: 'input width (derived from the grid; checked if given)' }),
  n: int({ min: 1, doc: 'output width (derived from the grid; checked if given)' }),
  ...PORT_FIELDS,
});

/**
 * The resolved tinyBIG parameters of one class: `schema` checks types, bounds, unknown and missing
 * keys (ValueError in code; the registry's build reports the same as ConfigError naming the tinyBIG
 * key), defaults applied, tinyBIG's None (null) for nullable options not given. The port-only keys
 * of {@link GRID_PORT_FIELDS} are dropped (read them from the options).
 */
export function resolveParams(o: O, schema: OptionSchema): Record<string, unknown> {
  const v = schema.parse(o) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(schema.fields)) if (!(k in GRID_PORT_FIELDS)) out[k] = v[k] === undefined ? null : v[k];
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
