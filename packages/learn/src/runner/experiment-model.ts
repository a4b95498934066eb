import { ConfigError, type Registry } from '@rpn/core';
import type { Dataset } from '../data.js';
import { readExperiment, type Experiment } from '../experiment.js';
import { datasetFromConfig } from '../datasets/index.js';
import type { TrainableModel } from '../trainer.js';

/** A built model as the runner uses it (an `@rpn/model` model fits). */
export interface ExperimentModel extends TrainableModel {
  readonly m?: number;
  readonly n?: number;
  summary(): { rows: readonly { name: string; shape: readonly number[]; count: number }[]; total: number };
  toConfig(): Record<string, unknown>;
  dispose(): void;
}

/** The loaded parts of an experiment: the parsed file, its data, its model config and its seed. */
export interface LoadedExperiment {
  readonly exp: Experiment;
  readonly data: Dataset;
  readonly modelConfig: Record<string, unknown>;
  readonly seed: number;
}

/** Options of {@link loadExperiment}. */
export interface LoadExperimentOptions {
  /** Where the document came from, for error messages (default `config`). */
  readonly file?: string;
  /** Overrides the file's `random_seed` (default: the file's, else 0). */
  readonly seed?: number;
  /** Rewrites `data_configs` before the data is loaded (the CLI makes data folders absolute). */
  readonly mapDataConfigs?: (dataConfigs: Record<string, unknown>) => Record<string, unknown>;
  /** Data already loaded (the browser passes its own); `data_configs` is then not read. */
  readonly data?: Dataset;
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Finds the model config in a tinyBIG YAML document: an experiment file
 * (`configurations: {model_configs: …}`), a `{model_configs: …}` mapping, or a bare
 * `{model_class, model_parameters}` config.
 */
export function modelConfigOf(doc: unknown, file = 'config'): Record<string, unknown> {
  const d = isMapping(doc) ? doc : null;
  const configurations = d && isMapping(d.configurations) ? d.configurations : null;
  const cand = configurations?.model_configs ?? d?.model_configs ?? (d && 'model_class' in d ? d : undefined);
  if (!isMapping(cand)) {
    throw new ConfigError('no model config found', { argument: file, expected: 'configurations.model_configs, model_configs, or a {model_class, model_parameters} mapping', received: d ? `top-level keys ${JSON.stringify(Object.keys(d))}` : `a ${doc === null ? 'null' : Array.isArray(doc) ? 'list' : typeof doc} document` });
  }
  return cand;
}

/** Reads a parsed experiment document, applies the seed override and loads its data. The model is built by {@link buildModel}. */
export async function loadExperiment(doc: unknown, o: LoadExperimentOptions = {}): Promise<LoadedExperiment> {
  const file = o.file ?? 'config';
  const exp = readExperiment(doc, file);
  const seed = o.seed ?? exp.seed ?? 0;
  const data = o.data ?? await datasetFromConfig(o.mapDataConfigs ? o.mapDataConfigs(exp.dataConfigs) : exp.dataConfigs, { seed });
  const modelConfig = modelConfigOf(doc, file);
  return Object.freeze({ exp, data, modelConfig, seed });
}

/**
 * A graph dataset's graph for a graph model that names none: tinyBIG's graph scripts build `gcn` /
 * `gat` with `graph = data_loader.get_graph()`; a YAML file cannot, so the runner passes the
 * dataset's `nodes` and `links` to model classes of the graph family (gcn, gat, graph_* heads)
 * whose parameters give no `graph`, `nodes` or `links` of their own.
 */
export function withDataGraph(mc: { model_class?: unknown; model_parameters?: Record<string, unknown> }, graph: Dataset['graph']): Record<string, unknown> {
  const p = mc.model_parameters ?? {};
  const cls = typeof mc.model_class === 'string' ? mc.model_class.slice(mc.model_class.lastIndexOf('.') + 1) : '';
  if (!graph || !/^(gcn|gat)$|graph/.test(cls) || p.graph != null || p.nodes != null || p.links != null) return {};
  return { nodes: [...graph.nodes], links: graph.links.map((l) => [l[0], l[1]]), ...(p.directed == null ? { directed: graph.directed } : {}) };
}

/**
 * Builds the model of a loaded experiment, seeded with the experiment's seed (tinyBIG seeds torch
 * with `random_seed` before building), and checks its input width `m` against the data's.
 */
export function buildModel<M extends ExperimentModel = ExperimentModel>(registry: Registry, loaded: Pick<LoadedExperiment, 'data' | 'modelConfig' | 'seed'>): M {
  const mc = loaded.modelConfig as { model_class?: unknown; model_parameters?: Record<string, unknown> };
  const seeded = { ...mc, model_parameters: { seed: loaded.seed, ...withDataGraph(mc, loaded.data.graph), ...(mc.model_parameters ?? {}) } };
  const model = registry.build<M>(seeded, 'model');
  checkInputWidth(model, loaded.data);
  return model;
}

/** Refuses (and disposes) a model whose input width `m` is not the data's feature count. */
export function checkInputWidth(model: ExperimentModel, data: Dataset, owned = true): void {
  if (model.m !== undefined && model.m !== data.train.inputWidth) {
    if (owned) model.dispose();
    throw new ConfigError('the model input width does not fit the data', { argument: 'model_configs (first layer m)', expected: `${data.train.inputWidth} (the ${data.name} features)`, received: String(model.m) });
  }
}
