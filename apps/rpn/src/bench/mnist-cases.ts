import { fileURLToPath } from 'node:url';
import { modelConfigOf, readYaml } from '../config-file.js';

const CONFIG_DIR = new URL('../../configs/', import.meta.url);

/** tinyBIG's `model_configs` from one of its experiment YAMLs, with the fast paths switched on or off. */
export function mnistModelConfig(file: string, fastPaths: boolean): Record<string, unknown> {
  const path = fileURLToPath(new URL(file, CONFIG_DIR));
  const mc = structuredClone(modelConfigOf(readYaml(path), path)) as Record<string, any>;
  mc.model_parameters = { ...(mc.model_parameters ?? {}), fast_paths: fastPaths };
  return mc;
}
