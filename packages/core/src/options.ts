import { ConfigError, ValueError } from './errors.js';
import { camelToSnake } from './config.js';
import type { Params } from './contracts.js';

/**
 * One declaration per function of its options: from it come the TypeScript options type
 * ({@link OptionsOf}), the checks and defaults ({@link OptionSchema.parse}), the allowed keys, the
 * tinyBIG config keys ({@link OptionSchema.toParameters}) and a plain-data description for forms
 * ({@link describeOptions}).
 *
 * Error rule: options that come from a config (the registry's `build`) fail with a
 * {@link ConfigError} whose `argument` is the tinyBIG key (`base_range`); options passed in code
 * fail with a {@link ValueError} whose `argument` is the camelCase option (`baseRange`).
 */

/** Where options came from: a factory call in code, or a tinyBIG config through the registry. */
export type OptionSource = 'code' | 'config';

/** The type names a description reports. */
export type OptionTypeName = 'int' | 'number' | 'boolean' | 'string' | 'enum' | 'list' | 'union' | 'any';

/** What every option declarator accepts. */
export interface OptionMeta<T> {
  /** Value when the key is absent (or null, unless `nullable`). */
  readonly default?: T;
  /** The key must be given. */
  readonly required?: boolean;
  /** `null` is a value of its own (tinyBIG's `None`), kept instead of the default. */
  readonly nullable?: boolean;
  /** tinyBIG's key when the generic camel→snake rule does not give it (`preC` → `pre_C`). */
  readonly configKey?: string;
  /** Other camelCase keys accepted for the same option (`p` for `P`). */
  readonly aliases?: readonly string[];
  /** One line for docs and forms. */
  readonly doc?: string;
  /** An extra condition on a well-typed value, with the words for `expected`. */
  check?(v: T): boolean;
  readonly expected?: string;
}

/** A declared option (made by {@link int}, {@link num}, {@link bool}, …). `T` is the value type. */
export interface Option<T = unknown, Out = T, Req extends boolean = boolean> {
  readonly type: OptionTypeName;
  readonly meta: OptionMeta<T>;
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly choices?: readonly (string | number | boolean)[];
  readonly item?: Option<any, any, boolean>;
  readonly variants?: readonly Option<any, any, boolean>[];
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Words for the error's `expected`. */
  readonly expected: string;
  /** True if `v` (not undefined/null) has the declared type and bounds. */
  accepts(v: unknown): boolean;
  /** Phantom fields for type inference. */
  readonly __value?: T;
  readonly __out?: Out;
  readonly __required?: Req;
}

type Meta<T> = OptionMeta<T>;
/** The parsed type of an option: a default or `required` makes it definite; `nullable` adds null. */
type OutOf<T, M> = (M extends { nullable: true } ? null : never) | (M extends { default: unknown } ? T : M extends { required: true } ? T : T | undefined);
type ReqOf<M> = M extends { required: true } ? true : false;

function bounds(v: number, o: { min?: number; max?: number; exclusiveMin?: boolean }): boolean {
  if (o.min !== undefined && (o.exclusiveMin ? !(v > o.min) : v < o.min)) return false;
  if (o.max !== undefined && v > o.max) return false;
  return true;
}

function boundWords(base: string, o: { min?: number; max?: number; exclusiveMin?: boolean }): string {
  const parts: string[] = [];
  if (o.min !== undefined) parts.push(`${o.exclusiveMin ? '>' : '≥'} ${o.min}`);
  if (o.max !== undefined) parts.push(`≤ ${o.max}`);
  return parts.length ? `${base} ${parts.join(' and ')}` : base;
}

function make<T, M extends Meta<T>>(type: OptionTypeName, meta: M, expected: string, accepts: (v: unknown) => boolean, extra: Partial<Option<any, any, boolean>> = {}): Option<T, OutOf<T, M>, ReqOf<M>> {
  const check = meta.check as ((v: unknown) => boolean) | undefined;
  return Object.freeze({
    type,
    meta,
    ...extra,
    expected: meta.expected ?? expected,
    accepts: (v: unknown) => accepts(v) && (!check || check(v)),
  }) as Option<T, OutOf<T, M>, ReqOf<M>>;
}

/** Bounds of a numeric option. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is excluded (`v > min`). */
  readonly exclusiveMin?: boolean;
}

/** An integer option (`Number.isInteger`, within `min`/`max`). */
export function int<const M extends Meta<number> & NumberBounds = {}>(meta: M = {} as M): Option<number, OutOf<number, M>, ReqOf<M>> {
  return make<number, M>('int', meta, boundWords('an integer', meta), (v) => typeof v === 'number' && Number.isInteger(v) && bounds(v, meta), { min: meta.min, max: meta.max, exclusiveMin: meta.exclusiveMin });
}

/** A finite number option (within `min`/`max`). */
export function num<const M extends Meta<number> & NumberBounds = {}>(meta: M = {} as M): Option<number, OutOf<number, M>, ReqOf<M>> {
  return make<number, M>('number', meta, boundWords('a finite number', meta), (v) => typeof v === 'number' && Number.isFinite(v) && bounds(v, meta), { min: meta.min, max: meta.max, exclusiveMin: meta.exclusiveMin });
}

/** A boolean option. */
export function bool<const M extends Meta<boolean> = {}>(meta: M = {} as M): Option<boolean, OutOf<boolean, M>, ReqOf<M>> {
  return make<boolean, M>('boolean', meta, 'true or false', (v) => typeof v === 'boolean');
}

/** A string option. */
export function str<const M extends Meta<string> = {}>(meta: M = {} as M): Option<string, OutOf<string, M>, ReqOf<M>> {
  return make<string, M>('string', meta, 'a string', (v) => typeof v === 'string');
}

/** One of a fixed set of values (strings, numbers or booleans). */
export function oneOf<const C extends readonly (string | number | boolean)[], const M extends Meta<C[number]> = {}>(choices: C, meta: M = {} as M): Option<C[number], OutOf<C[number], M>, ReqOf<M>> {
  return make<C[number], M>('enum', meta, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, (v) => choices.includes(v as C[number]), { choices });
}

/** Length bounds of a list option. */
export interface ListBounds {
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Exact length (sets both bounds). */
  readonly length?: number;
}

type ValueOf<O> = O extends { readonly meta: OptionMeta<infer T> } ? T : never;

/** A list whose items all satisfy `item`. */
export function list<I extends Option<any, any, boolean>, const M extends Meta<ValueOf<I>[]> & ListBounds = {}>(item: I, meta: M & Meta<ValueOf<I>[]> = {} as M): Option<ValueOf<I>[], OutOf<ValueOf<I>[], M>, ReqOf<M>> {
  const minLength = meta.length ?? meta.minLength;
  const maxLength = meta.length ?? meta.maxLength;
  const size = meta.length !== undefined ? ` of length ${meta.length}` : minLength !== undefined && minLength > 0 ? ` of at least ${minLength}` : '';
  return make<ValueOf<I>[], M>('list', meta, `a list${size} of ${item.expected.replace(/^an? /, '')}s`, (v) => Array.isArray(v) && (minLength === undefined || v.length >= minLength) && (maxLength === undefined || v.length <= maxLength) && v.every((e) => item.accepts(e)), { item, minLength, maxLength });
}

/** A value that satisfies any one of `variants` (e.g. a number or a list of numbers). */
export function either<V extends readonly Option<any, any, boolean>[], const M extends Meta<ValueOf<V[number]>> = {}>(variants: V, meta: M = {} as M): Option<ValueOf<V[number]>, OutOf<ValueOf<V[number]>, M>, ReqOf<M>> {
  return make<ValueOf<V[number]>, M>('union', meta, variants.map((v) => v.expected).join(' or '), (v) => variants.some((o) => o.accepts(v)), { variants });
}

/**
 * An option the schema passes through unchecked (configs, processing specs, tensors): the function
 * validates it itself. `check`/`expected` may still be given.
 */
export function any<T = unknown, const M extends Meta<T> = {}>(meta: M = {} as M): Option<T, OutOf<T, M>, ReqOf<M>> {
  return make<T, M>('any', meta, 'a value', () => true);
}

/** A `{ camelCaseKey: option }` table. */
export type OptionFields = Readonly<Record<string, Option<any, any, boolean>>>;

type RequiredKeys<F extends OptionFields> = { [K in keyof F]: F[K] extends Option<any, any, true> ? K : never }[keyof F];
type OptionalKeys<F extends OptionFields> = Exclude<keyof F, RequiredKeys<F>>;
type InOf<O> = O extends Option<infer T, infer Out> ? T | (null extends Out ? null : never) : never;

/** The options a factory accepts (camelCase, as written in code), inferred from the fields. */
export type OptionsOfFields<F extends OptionFields> = Simplify<{ readonly [K in OptionalKeys<F>]?: InOf<F[K]> } & { readonly [K in RequiredKeys<F>]: InOf<F[K]> }>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The checked values with defaults applied. */
export type ValuesOfFields<F extends OptionFields> = { readonly [K in keyof F]: F[K] extends Option<any, infer Out> ? Out : never };

/** The options a factory accepts, inferred from its schema: `type TaylorOptions = OptionsOf<typeof TAYLOR>`. */
export type OptionsOf<S> = S extends OptionSchema<infer F> ? OptionsOfFields<F> : never;

/** The values {@link OptionSchema.parse} returns for a schema. */
export type ValuesOf<S> = S extends OptionSchema<infer F> ? ValuesOfFields<F> : never;

/** One option of a schema as plain data (JSON-able), for forms and docs. */
export interface OptionDescription {
  /** camelCase key in code. */
  readonly key: string;
  /** tinyBIG's snake_case key in configs. */
  readonly configKey: string;
  readonly type: OptionTypeName;
  /** Item type of a list, variant types of a union. */
  readonly items?: string;
  readonly default?: unknown;
  readonly required: boolean;
  readonly nullable: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly choices?: readonly (string | number | boolean)[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly aliases?: readonly string[];
  readonly expected: string;
  readonly doc?: string;
}

/** A function's declared options. Build with {@link defineOptions}. */
export interface OptionSchema<F extends OptionFields = OptionFields> {
  /** The tinyBIG class (or function) name the errors report. */
  readonly className: string;
  readonly fields: F;
  /** Every accepted camelCase key (with aliases). */
  readonly keys: readonly string[];
  /**
   * Checks `options` and applies defaults: unknown keys, wrong types, bounds and choices raise
   * {@link ValueError} (`source: 'code'`, argument = camelCase key) or {@link ConfigError}
   * (`source: 'config'`, argument = tinyBIG key). Returns a frozen object with every field.
   */
  parse(options?: unknown, source?: OptionSource): ValuesOfFields<F>;
  /** tinyBIG's config key of a field (`baseRange` → `base_range`). */
  configKey(key: keyof F & string): string;
  /** camelCase values → tinyBIG `*_parameters` (dropping `undefined`), keys from {@link configKey}. */
  toParameters(values: Partial<Record<keyof F & string, unknown>>): Params;
  /** The same schema under another class name (for families sharing options). */
  named(className: string): OptionSchema<F>;
}

/** `JSON.stringify`, safe for tensors, functions and cycles, cut to 80 characters. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  if (v !== null && typeof v === 'object' && 'shape' in v && 'dtype' in v) return `tensor of shape [${(v as { shape: number[] }).shape.join(', ')}]`;
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

function build<F extends OptionFields>(className: string, fields: F): OptionSchema<F> {
  const entries = Object.entries(fields) as [string, Option<any, any, boolean>][];
  const keyOf = (k: string): string => fields[k]?.meta.configKey ?? camelToSnake(k);
  const byKey = new Map<string, string>();
  for (const [k, f] of entries) {
    byKey.set(k, k);
    for (const a of f.meta.aliases ?? []) byKey.set(a, k);
    // A config key the generic snake→camel rule cannot invert (`pre_C`) is accepted as written.
    if (f.meta.configKey) byKey.set(f.meta.configKey, k);
  }
  const keys = Object.freeze([...byKey.keys()]);
  const fail = (source: OptionSource, message: string, argument: string, expected: string, received: string): never => {
    const E = source === 'config' ? ConfigError : ValueError;
    throw new E(`${className}: ${message}`, { argument, expected, received });
  };
  const schema: OptionSchema<F> = {
    className,
    fields,
    keys,
    parse(options: unknown = {}, source: OptionSource = 'code') {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        fail(source, 'options must be a mapping', source === 'config' ? 'parameters' : 'options', 'an object', showValue(options));
      }
      const o = options as Record<string, unknown>;
      const given = new Map<string, string>(); // field → key used
      for (const k of Object.keys(o)) {
        if (o[k] === undefined) continue;
        const field = byKey.get(k);
        if (field === undefined) {
          const allowed = entries.map(([f]) => (source === 'config' ? keyOf(f) : f));
          fail(source, 'unknown option', source === 'config' ? camelToSnake(k) : k, allowed.length ? `one of ${allowed.join(', ')}` : 'no options', showValue(o[k]));
        }
        const prev = given.get(field!);
        if (prev !== undefined && o[prev] !== null && o[k] !== null) {
          fail(source, 'an option is given twice', source === 'config' ? keyOf(field!) : field!, `one of ${prev} or ${k}`, 'both');
        }
        if (prev === undefined || o[prev] === null) given.set(field!, k);
      }
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) {
        const used = given.get(k);
        const v = used === undefined ? undefined : o[used];
        const argument = source === 'config' ? keyOf(k) : used ?? k;
        if (v === undefined || (v === null && !f.meta.nullable)) {
          if (f.meta.required && f.meta.default === undefined) fail(source, 'missing option', argument, f.expected, showValue(v));
          out[k] = f.meta.default;
          continue;
        }
        if (v === null) { out[k] = null; continue; }
        if (!f.accepts(v)) fail(source, 'invalid option', argument, f.expected, showValue(v));
        out[k] = v;
      }
      return Object.freeze(out) as ValuesOfFields<F>;
    },
    configKey: (k) => keyOf(k),
    toParameters(values) {
      const out: Params = {};
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) continue;
        out[fields[k] ? keyOf(k) : camelToSnake(k)] = v;
      }
      return out;
    },
    named: (name: string) => build(name, fields),
  };
  return Object.freeze(schema);
}

/**
 * Declares a function's options: `const TAYLOR = defineOptions('taylor_expansion', { d: int({ default: 2, min: 1 }) }, BASE)`.
 * `base` (fields or another schema) adds options shared by a family (name, processing).
 */
export function defineOptions<F extends OptionFields, B extends OptionFields = {}>(className: string, fields: F, base?: B | OptionSchema<B>): OptionSchema<B & F> {
  const b = base === undefined ? ({} as B) : 'parse' in base && typeof base.parse === 'function' ? (base as OptionSchema<B>).fields : (base as B);
  return build(className, Object.freeze({ ...b, ...fields }) as B & F);
}

/** The schema's options as plain data (JSON-able), in declaration order, for forms and docs. */
export function describeOptions(schema: OptionSchema): OptionDescription[] {
  return Object.entries(schema.fields).map(([key, f]) => {
    const d: Record<string, unknown> = {
      key,
      configKey: schema.configKey(key),
      type: f.type,
      required: f.meta.required === true,
      nullable: f.meta.nullable === true,
      expected: f.expected,
    };
    if (f.item) d.items = f.item.type;
    if (f.variants) d.items = f.variants.map((v) => v.type).join('|');
    const dflt = f.meta.default;
    if (dflt !== undefined && (dflt === null || typeof dflt !== 'object' || Array.isArray(dflt))) d.default = dflt;
    for (const k of ['min', 'max', 'exclusiveMin', 'choices', 'minLength', 'maxLength'] as const) if (f[k] !== undefined) d[k] = f[k];
    if (f.meta.aliases?.length) d.aliases = f.meta.aliases;
    if (f.meta.doc) d.doc = f.meta.doc;
    return Object.freeze(d) as unknown as OptionDescription;
  });
}
