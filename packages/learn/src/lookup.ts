import { ConfigError, builtinRegistry, lookupEntry, type Params, type Registry, type RegistryEntry } from '@rpn/core';
import { envelopeOf } from './params.js';

/** Where a learner part's class is looked up, and what its entry must make. */
export interface PartLookup {
  /** Registry kind: `optimizer`, `lr_scheduler`, `loss`, `metric`. */
  readonly kind: string;
  /** The built-in entries of that kind (always available, after the caller's registry). */
  readonly builtins: readonly RegistryEntry[];
  /** The envelope's config key, e.g. `optimizer_configs` (its class key is `<stem>_class`). */
  readonly argument: string;
  /** What errors call it (`optimizer`, `lr scheduler`, …). */
  readonly what: string;
  /** Whether a value is what an entry of this kind must make, and the words for the error. */
  readonly made: (v: unknown) => boolean;
  readonly expected: string;
}

/**
 * Builds a learner part from a tinyBIG/torch envelope (`{optimizer_class, optimizer_parameters}`, …):
 * `before` sees the class's last segment and the camelCase options (to refuse a class or drop a
 * torch-only key), the class resolves among the `kind` entries of `registry` (a user's own), then the
 * built-ins, and the entry's factory runs with the options. An unknown class is a ConfigError
 * (UnknownNameError) naming the class key and listing the known names of that kind; an entry that
 * makes the wrong kind of value is a ConfigError naming the entry.
 */
export function buildPart<T>(config: unknown, part: PartLookup, registry?: Registry, before?: (shortName: string, options: Params) => void): T {
  const env = envelopeOf(config, part.argument);
  before?.(env.shortName, env.options);
  const stem = Object.keys(config as object).find((k) => k.endsWith('_class'));
  const entry = lookupEntry(env.className, part.kind, { registry, builtins: part.builtins, argument: `${part.argument}.${stem}`, what: part.what });
  const reg = registry?.find(env.className, part.kind) === entry ? registry : builtinRegistry(part.builtins);
  entry.options?.parse(env.options, 'config');
  const value = entry.create(env.options, { registry: reg, build: (c, k) => reg.build(c, k) });
  if (!part.made(value)) {
    throw new ConfigError(`${part.what} entry "${entry.className}" did not make a ${part.what}`, { argument: `${part.argument}.${stem}`, expected: part.expected, received: value === null || typeof value !== 'object' ? String(value) : 'an object without it' });
  }
  return value as T;
}
