import { ConfigError, ValueError, optionsFromParameters, readEnvelope, type Params } from '@rpn/core';

/** Reads a tinyBIG/torch envelope (`optimizer_class`, …) and returns its class name's last segment and camelCase options. */
export function envelopeOf(config: unknown, argument: string): { className: string; shortName: string; options: Params } {
  const env = readEnvelope(config, argument);
  const shortName = env.className.slice(env.className.lastIndexOf('.') + 1);
  return { className: env.className, shortName, options: optionsFromParameters(env.parameters) };
}

/** Rejects options a class does not take (torch raises TypeError on unknown keyword arguments). */
export function checkKeys(options: Params, allowed: readonly string[], what: string, argument: string): void {
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new ConfigError(`unknown parameter for ${what}`, { argument: `${argument}.${k}`, expected: `one of ${allowed.join(', ') || '(none)'}`, received: JSON.stringify(k) });
    }
  }
}

/** A number option (finite), with default. */
export function num(options: Params, key: string, def: number, argument: string, check?: (v: number) => boolean, expected = 'a number'): number {
  const v = options[key];
  if (v === undefined || v === null) return def;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || (check && !check(n))) {
    throw new ValueError('invalid parameter value', { argument: `${argument}.${key}`, expected, received: JSON.stringify(v) });
  }
  return n;
}

/** A boolean option, with default. */
export function bool(options: Params, key: string, def: boolean, argument: string): boolean {
  const v = options[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') throw new ValueError('invalid parameter value', { argument: `${argument}.${key}`, expected: 'true or false', received: JSON.stringify(v) });
  return v;
}

/** A string option, with default. */
export function str(options: Params, key: string, def: string, argument: string, allowed?: readonly string[]): string {
  const v = options[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string' || (allowed && !allowed.includes(v))) {
    throw new ValueError('invalid parameter value', { argument: `${argument}.${key}`, expected: allowed ? `one of ${allowed.join(', ')}` : 'a string', received: JSON.stringify(v) });
  }
  return v;
}
