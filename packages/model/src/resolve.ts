import { ConfigError, isEnvelope, type BuildContext } from '@rpn/core';

/** Component slots of a head, with tinyBIG's attribute names and registry kinds. */
export const COMPONENTS = [
  { key: 'dataTransformation', alt: 'expansion', attr: 'data_transformation', kind: 'transformation' },
  { key: 'attributeInterdependence', alt: undefined, attr: 'attribute_interdependence', kind: 'interdependence' },
  { key: 'instanceInterdependence', alt: undefined, attr: 'instance_interdependence', kind: 'interdependence' },
  { key: 'parameterFabrication', alt: 'reconciliation', attr: 'parameter_fabrication', kind: 'reconciliation' },
  { key: 'channelFusion', alt: undefined, attr: 'channel_fusion', kind: 'fusion' },
  { key: 'remainder', alt: undefined, attr: 'remainder', kind: 'remainder' },
] as const;

/**
 * Resolves one component given as an object, a `{function_class, function_parameters}` config
 * (built through `ctx`), or nothing.
 */
export function resolveComponent<T>(value: unknown, kind: string, argument: string, ctx?: BuildContext): T | undefined {
  if (value == null) return undefined;
  if (isEnvelope(value)) {
    if (!ctx) throw new ConfigError(`${argument} is a config but no registry was given to build it`, { argument, expected: 'a function object, or pass `context` (a registry BuildContext)', received: JSON.stringify(value) });
    return ctx.build<T>(value, kind);
  }
  if (typeof value === 'object' && typeof (value as { forward?: unknown }).forward === 'function') return value as T;
  throw new ConfigError(`${argument} is neither a function nor a config`, { argument, expected: `a ${kind} function or a {function_class, function_parameters} config`, received: JSON.stringify(value) });
}

/** Throws a ConfigError unless `v` is a positive integer (a required dimension). */
export function requireDim(v: unknown, argument: string): number {
  if (v == null) throw new ConfigError(`missing required key ${argument}`, { argument, expected: 'a positive integer', received: 'nothing' });
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`invalid ${argument}`, { argument, expected: 'a positive integer', received: JSON.stringify(v) });
  return v;
}
