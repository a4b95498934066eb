import { describeOptions, type Registry, type RegistryEntry } from '@rpn/core';
import type { Catalog, FieldDescription } from './protocol.js';

/**
 * The one place the forms learn a function's options: the registry entry's declared schema
 * (`entry.options`, read with @rpn/core's `describeOptions`). An entry without a schema yet gets
 * no generated fields; the form then offers a free JSON box for its `*_parameters`.
 */
export function fieldsOf(entry: RegistryEntry): FieldDescription[] {
  if (!entry.options) return [];
  return describeOptions(entry.options)
    // nested configs and processing lists are not form fields; device/name are tinyBIG bookkeeping
    .filter((d) => !/Configs?$|^(device|name|seed)$/.test(d.key))
    .map((d) => ({ key: d.key, configKey: d.configKey, type: d.type, default: d.default, required: d.required, nullable: d.nullable, min: d.min, max: d.max, choices: d.choices, doc: d.doc }));
}

/** The kinds the Compose page lists. */
export const COMPOSE_KINDS = ['expansion', 'reconciliation', 'remainder', 'interdependence', 'fusion', 'output'] as const;

/** Registry entries of the Compose kinds with their fields (plain data for the page). */
export function catalogOf(registry: Registry): Catalog {
  const out: Record<string, { className: string; fields: FieldDescription[] }[]> = {};
  for (const kind of COMPOSE_KINDS) {
    out[kind] = registry.entries.filter((e) => e.kind === kind).map((e) => ({ className: e.className, fields: fieldsOf(e) }));
  }
  return out;
}

/** A form value as the option's type wants it ('' → the default, i.e. the key is left out). */
export function parseField(f: FieldDescription, raw: string): unknown {
  const s = raw.trim();
  if (s === '') return undefined;
  if (f.nullable && s === 'null') return null;
  if (f.type === 'int' || f.type === 'number') return Number(s);
  if (f.type === 'boolean') return s === 'true';
  if (f.type === 'enum') { const c = f.choices?.find((x) => String(x) === s); return c ?? s; }
  if (f.type === 'string') return s;
  try { return JSON.parse(s); } catch { return s; }
}
