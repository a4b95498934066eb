import { ConfigError } from './errors.js';
import type { FunctionConfig, Params } from './contracts.js';

/**
 * The one generic key rule between tinyBIG configs and TypeScript options:
 * `snake_case` → `camelCase` (`p_h_prime` → `pHPrime`, `sigma_1` → `sigma1`).
 */
export function snakeToCamel(key: string): string {
  return key.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The inverse rule: `pHPrime` → `p_h_prime`, `sigma1` → `sigma_1`. A key that starts with a
 * capital (tinyBIG's `P`, `N` of the Fourier expansion) is left as it is.
 */
export function camelToSnake(key: string): string {
  return key.replace(/(?<=[a-zA-Z0-9])([A-Z])/g, (c) => `_${c.toLowerCase()}`).replace(/([a-zA-Z])([0-9]+)/g, '$1_$2');
}

/** Converts the top-level keys of tinyBIG `*_parameters` to camelCase options (values unchanged). */
export function optionsFromParameters(parameters: Params | null | undefined): Params {
  const out: Params = {};
  if (parameters == null) return out;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new ConfigError('parameters must be a mapping', { argument: 'function_parameters', expected: 'an object', received: JSON.stringify(parameters) });
  }
  for (const [k, v] of Object.entries(parameters)) out[snakeToCamel(k)] = v;
  return out;
}

/** Converts camelCase options to tinyBIG snake_case parameters, dropping `undefined` values. */
export function parametersFromOptions(options: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    out[camelToSnake(k)] = v;
  }
  return out;
}

/**
 * Builds the `{function_class, function_parameters}` envelope for a function.
 * `functionClass` is tinyBIG's dotted path (e.g. `tinybig.expansion.taylor_expansion`).
 */
export function functionConfig(functionClass: string, options: Params): FunctionConfig {
  return Object.freeze({ function_class: functionClass, function_parameters: parametersFromOptions(options) });
}

/** An envelope found in a config: `<stem>_class` + `<stem>_parameters`. */
export interface Envelope {
  readonly stem: string;
  readonly className: string;
  readonly parameters: Params;
}

/**
 * Reads any tinyBIG envelope (`function_class`, `head_class`, `layer_class`, `model_class`,
 * `optimizer_class`, …). Exactly one key must end in `_class`.
 */
export function readEnvelope(config: unknown, argument = 'config'): Envelope {
  if (config == null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError('a config must be a mapping with a `*_class` key', { argument, expected: 'an object such as {function_class, function_parameters}', received: JSON.stringify(config) });
  }
  const keys = Object.keys(config).filter((k) => k.endsWith('_class'));
  if (keys.length !== 1) {
    throw new ConfigError(keys.length === 0 ? 'config has no `*_class` key' : 'config has several `*_class` keys', {
      argument,
      expected: 'exactly one key ending in `_class` (e.g. function_class)',
      received: `keys ${JSON.stringify(Object.keys(config))}`,
    });
  }
  const stem = keys[0].slice(0, -'_class'.length);
  const className = (config as Record<string, unknown>)[keys[0]];
  if (typeof className !== 'string' || className.length === 0) {
    throw new ConfigError('class name must be a non-empty string', { argument: `${argument}.${keys[0]}`, expected: 'a string', received: JSON.stringify(className) });
  }
  const raw = (config as Record<string, unknown>)[`${stem}_parameters`];
  if (raw != null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError('parameters must be a mapping', { argument: `${argument}.${stem}_parameters`, expected: 'an object', received: JSON.stringify(raw) });
  }
  return { stem, className, parameters: (raw ?? {}) as Params };
}

/** True if `v` looks like a tinyBIG envelope (a mapping with a key ending in `_class`). */
export function isEnvelope(v: unknown): boolean {
  return v != null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.endsWith('_class'));
}

/**
 * tinyBIG's `process_num_alloc_configs(num, num_alloc, configs)`: expands (count, allocation,
 * configs) into one config per repetition.
 */
/** The most heads in a layer or layers in a model one config may ask for (width, depth). */
export const MAX_REPEATS = 10_000;

export function expandNumAlloc<T>(num: number | null | undefined, numAlloc: number | readonly number[] | null | undefined, configs: T | readonly T[] | null | undefined, what = 'configs'): T[] {
  if (configs == null) throw new ConfigError(`missing ${what}`, { argument: what, expected: 'a config or a list of configs', received: String(configs) });
  const list = (Array.isArray(configs) ? configs : [configs]) as T[];
  let alloc: number[];
  if (numAlloc == null) {
    if (num != null && list.length === num) alloc = list.map(() => 1);
    else if (num == null) alloc = list.map(() => 1);
    else if (list.length === 1) alloc = [num];
    else throw new ConfigError(`${what}: count and number of configs disagree`, { argument: what, expected: `1 or ${num} configs`, received: `${list.length}` });
  } else {
    alloc = Array.isArray(numAlloc) ? [...numAlloc] : [numAlloc as number];
  }
  if (alloc.length !== list.length) {
    throw new ConfigError(`${what}: allocation and configs have different lengths`, { argument: `${what} allocation`, expected: `${list.length} entries`, received: `${alloc.length}` });
  }
  alloc.forEach((k, i) => {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0) throw new ConfigError(`${what}: an allocation must be a non-negative integer`, { argument: `${what} allocation[${i}]`, expected: 'an integer ≥ 0', received: JSON.stringify(k) });
  });
  const total = alloc.reduce((a, b) => a + b, 0);
  if (total > MAX_REPEATS) {
    throw new ConfigError(`${what}: ${total.toLocaleString('en-US')} copies is more than the bound of ${MAX_REPEATS.toLocaleString('en-US')}`, { argument: `${what} count (width / depth)`, expected: `at most ${MAX_REPEATS.toLocaleString('en-US')}`, received: String(total) });
  }
  if (num != null && total !== num) {
    throw new ConfigError(`${what}: allocation does not sum to the count`, { argument: `${what} allocation`, expected: `sum ${num}`, received: `sum ${total}` });
  }
  const out: T[] = [];
  alloc.forEach((k, i) => { for (let j = 0; j < k; j++) out.push(list[i]); });
  return out;
}
