import { ConfigError } from '@rpn/core';

/**
 * Finds the model config in a tinyBIG YAML document: an experiment file
 * (`configurations: {model_configs: …}`), a `{model_configs: …}` mapping, or a bare
 * `{model_class, model_parameters}` config.
 */
export function modelConfigOf(doc: unknown, file = 'config'): Record<string, unknown> {
  const d = doc as Record<string, any> | null;
  const cand = d?.configurations?.model_configs ?? d?.model_configs ?? (d && 'model_class' in d ? d : undefined);
  if (!cand || typeof cand !== 'object') {
    throw new ConfigError('no model config found', { argument: file, expected: 'configurations.model_configs, model_configs, or a {model_class, model_parameters} mapping', received: `top-level keys ${JSON.stringify(Object.keys(d ?? {}))}` });
  }
  return cand;
}
