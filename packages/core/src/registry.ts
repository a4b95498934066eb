import { ConfigError, UnknownNameError } from './errors.js';
import { optionsFromParameters, readEnvelope } from './config.js';
import type { Params } from './contracts.js';
import type { OptionSchema } from './options.js';

/** What a factory receives besides its options: the registry, to build nested configs. */
export interface BuildContext {
  readonly registry: Registry;
  /** Builds a nested `{*_class, *_parameters}` config through the same registry. */
  build<T = unknown>(config: unknown, kind?: string): T;
}

/**
 * One constructible class: its tinyBIG name (short, e.g. `taylor_expansion`), the dotted
 * module path it lives in (e.g. `tinybig.expansion`), and a factory taking camelCase options.
 */
export interface RegistryEntry {
  /** `expansion`, `reconciliation`, `head`, `layer`, `model`, `optimizer`, … */
  readonly kind: string;
  /** Short tinyBIG class name, e.g. `taylor_expansion`, or a full path for non-tinyBIG classes (`torch.nn.ReLU`). */
  readonly className: string;
  /** Other accepted names (dotted paths, legacy aliases). */
  readonly aliases: readonly string[];
  /** Creates the object from camelCase options. */
  create(options: Params, ctx: BuildContext): unknown;
  /**
   * The declared options (keys, types, defaults, bounds, tinyBIG keys). `build` checks a config's
   * parameters against it first, so a bad config raises a {@link ConfigError} naming the tinyBIG key.
   */
  readonly options?: OptionSchema;
}

/** Defines a registry entry. `module` (e.g. `tinybig.expansion`) adds `module.className` as an alias. */
export function defineEntry(kind: string, className: string, create: (options: Params, ctx: BuildContext) => unknown, extra: { module?: string; aliases?: readonly string[]; options?: OptionSchema } = {}): RegistryEntry {
  const aliases = [...(extra.aliases ?? [])];
  if (extra.module) aliases.unshift(`${extra.module}.${className}`);
  return Object.freeze({ kind, className, aliases: Object.freeze(aliases), create, ...(extra.options ? { options: extra.options } : {}) });
}

/** An explicit, immutable table from class names to factories. */
export interface Registry {
  /** Every accepted name (short and dotted), sorted. */
  names(kind?: string): string[];
  has(name: string): boolean;
  /** Resolves a short or dotted name; throws {@link UnknownNameError} listing the known names. */
  resolve(name: string, kind?: string): RegistryEntry;
  /** Instantiates a `{*_class, *_parameters}` config. */
  build<T = unknown>(config: unknown, kind?: string): T;
  readonly entries: readonly RegistryEntry[];
}

/**
 * Creates a registry from groups of entries (e.g. `createRegistry(coreEntries, expansionEntries)`).
 * Dotted names resolve exactly, or else by their last segment (so both
 * `tinybig.expansion.taylor_expansion` and `tinybig.expansion.polynomial_expansion.taylor_expansion`
 * find `taylor_expansion`). Duplicate names are an error.
 */
/** How deep a config may nest (beyond it, a typed error instead of a stack overflow). */
export const MAX_CONFIG_DEPTH = 64;

/**
 * Refuses NaN and ±Infinity anywhere in a config's parameters (YAML `.nan`, `.inf`), naming the
 * key path: a JSON round trip would silently turn them into null and then into a default.
 */
export function assertFiniteParameters(params: unknown, where: string, depth = 0): void {
  if (depth > MAX_CONFIG_DEPTH) throw new ConfigError('config nests too deeply', { argument: where, expected: `at most ${MAX_CONFIG_DEPTH} levels`, received: 'more' });
  if (typeof params === 'number') {
    if (!Number.isFinite(params)) throw new ConfigError('config value is not a finite number', { argument: where, expected: 'a finite number', received: String(params) });
    return;
  }
  if (params === null || typeof params !== 'object' || ArrayBuffer.isView(params)) return;
  if (Array.isArray(params)) params.forEach((v, i) => assertFiniteParameters(v, `${where}[${i}]`, depth + 1));
  else for (const [k, v] of Object.entries(params)) assertFiniteParameters(v, `${where}.${k}`, depth + 1);
}

export function createRegistry(...groups: readonly (readonly RegistryEntry[])[]): Registry {
  const byName = new Map<string, RegistryEntry>();
  const entries: RegistryEntry[] = [];
  for (const group of groups) {
    for (const e of group) {
      for (const name of [e.className, ...e.aliases]) {
        const prev = byName.get(name);
        if (prev && prev !== e) throw new ConfigError(`duplicate registry name "${name}"`, { argument: 'entries', expected: 'unique class names', received: `${prev.kind} and ${e.kind}` });
        byName.set(name, e);
      }
      entries.push(e);
    }
  }
  const lookup = (name: string): RegistryEntry | undefined => {
    const exact = byName.get(name);
    if (exact) return exact;
    if (name.includes('.')) {
      const last = name.slice(name.lastIndexOf('.') + 1);
      const e = byName.get(last);
      if (e && e.className === last) return e;
    }
    return undefined;
  };
  const registry: Registry = {
    entries: Object.freeze(entries),
    names(kind?: string) {
      return [...byName.entries()].filter(([, e]) => !kind || e.kind === kind).map(([n]) => n).sort();
    },
    has(name: string) {
      return lookup(name) !== undefined;
    },
    resolve(name: string, kind?: string) {
      const e = lookup(name);
      if (!e || (kind && e.kind !== kind && !(kind === 'transformation' && (e.kind === 'expansion' || e.kind === 'compression')))) {
        throw new UnknownNameError(name, registry.names(kind === 'transformation' ? undefined : kind).filter((n) => !n.includes('.')), kind ?? 'class');
      }
      return e;
    },
    build<T = unknown>(config: unknown, kind?: string): T {
      const env = readEnvelope(config);
      const entry = registry.resolve(env.className, kind);
      assertFiniteParameters(env.parameters, env.className);
      const options = optionsFromParameters(env.parameters);
      delete options.device; // tinyBIG's torch device: meaningless here, accepted and dropped
      entry.options?.parse(options, 'config');
      return entry.create(options, ctx) as T;
    },
  };
  const ctx: BuildContext = Object.freeze({ registry, build: <T>(c: unknown, k?: string) => registry.build<T>(c, k) });
  return Object.freeze(registry);
}
