import { ConfigError, readEnvelope, type Registry } from '@rpn/core';
import type { RpnModule } from './module.js';

const KINDS: Record<string, 'head' | 'layer' | 'model'> = { head: 'head', layer: 'layer', model: 'model' };

/**
 * Rebuilds a head, layer or model from its `toConfig()` (or any tinyBIG
 * `{head_class|layer_class|model_class, …_parameters}` config) through `registry`.
 * Parameters are freshly initialised; copy them with {@link copyParameters}.
 */
export function fromConfig<T extends RpnModule = RpnModule>(config: unknown, registry: Registry): T {
  const env = readEnvelope(config);
  const kind = KINDS[env.stem];
  if (!kind) throw new ConfigError('not a head, layer or model config', { argument: 'config', expected: 'head_class, layer_class or model_class', received: `${env.stem}_class` });
  return registry.build<T>(config, kind);
}

/** Copies every parameter/buffer of `from` into the same-named variable of `to` (shapes must match). */
export function copyParameters(from: RpnModule, to: RpnModule): void {
  const target = new Map(to.namedParameters().map((p) => [p.name, p.variable]));
  for (const p of from.namedParameters()) {
    const v = target.get(p.name);
    if (!v) throw new ConfigError('parameter missing in the target', { argument: p.name, expected: 'a parameter of that name', received: 'none' });
    if (v.shape.join() !== p.variable.shape.join()) throw new ConfigError('parameter shapes differ', { argument: p.name, expected: `[${v.shape.join(', ')}]`, received: `[${p.variable.shape.join(', ')}]` });
    v.assign(p.variable);
  }
}
