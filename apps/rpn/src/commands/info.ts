import type { Registry } from '@rpn/core';
import { datasetFromConfig } from '@rpn/learn';
import { modelConfigOf, readYaml } from '../config-file.js';
import { withDataGraph } from './run.js';

/** A built model as far as `info` needs it. */
interface Summarizable {
  summary(): { rows: readonly { name: string; shape: readonly number[]; count: number }[]; total: number };
  dispose(): void;
}

/**
 * `rpn info FILE`: each parameter's name and shape, then `parameters: N`. A graph model that names
 * no graph of its own takes its dataset's (as `rpn train` does), so only then is the data loaded.
 */
export async function infoCommand(file: string, registry: Registry, print: (line: string) => void): Promise<void> {
  const doc = readYaml(file, 'file');
  let mc = modelConfigOf(doc, file) as { model_class?: unknown; model_parameters?: Record<string, unknown> };
  const dataConfigs = (doc as { configurations?: { data_configs?: unknown } })?.configurations?.data_configs;
  if (dataConfigs && Object.keys(withDataGraph(mc, { nodes: [0], links: [], directed: false })).length > 0) {
    const data = await datasetFromConfig(dataConfigs, { registry });
    mc = { ...mc, model_parameters: { ...withDataGraph(mc, data.graph), ...(mc.model_parameters ?? {}) } };
  }
  const model = registry.build<Summarizable>(mc, 'model');
  try {
    const s = model.summary();
    for (const r of s.rows) print(`${r.name} [${r.shape.join(',')}]`);
    print(`parameters: ${s.total}`);
  } finally {
    model.dispose();
  }
}
