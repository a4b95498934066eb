import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type BackendInfo, type Registry } from '@rpn/core';
import {
  datasetFromConfig, evaluate, experimentMetric, learnerFromConfig, readExperiment, train,
  type Dataset, type EpochRecord, type Experiment, type TrainableModel,
} from '@rpn/learn';
import { modelConfigOf, readYaml } from '../config-file.js';
import { fromCaller } from '../caller-cwd.js';
import { limitRows, type RowLimits } from './row-limits.js';

/** A built model as the app uses it (an @rpn/model model). */
export interface AppModel extends TrainableModel {
  readonly m?: number;
  readonly n?: number;
  summary(): { rows: readonly { name: string; shape: readonly number[]; count: number }[]; total: number };
  toConfig(): Record<string, unknown>;
  dispose(): void;
}

/** Reads a tinyBIG YAML file; see {@link readYaml} in config-file.ts (re-exported for the commands). */
export { readYaml };

/** Overrides of `rpn train`. */
export interface RunOverrides {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** Keep only the first rows of each split (quick runs; graph datasets are not cut). */
  readonly limits?: RowLimits;
}

/** The loaded parts of an experiment. */
export interface Loaded {
  readonly exp: Experiment;
  readonly data: Dataset;
  readonly modelConfig: Record<string, unknown>;
  readonly seed: number;
}

/** Data-folder keys of `data_parameters` that hold paths (tinyBIG's `cache_dir`; `dir` is our alias). */
const DATA_PATH_KEYS = ['cache_dir', 'dir'] as const;

/**
 * `data_configs` with its relative data folders made absolute from the caller's directory, the rule
 * tinyBIG follows (it opens `f'{cache_dir}/{filename}'` from Python's working directory, not from the
 * config file's folder). The input is not changed.
 */
export function withCallerDataPaths(dataConfigs: Record<string, unknown>, resolve: (p: string) => string = fromCaller): Record<string, unknown> {
  const params = dataConfigs.data_parameters;
  if (!params || typeof params !== 'object') return dataConfigs;
  const next: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  for (const k of DATA_PATH_KEYS) if (typeof next[k] === 'string' && next[k] !== '') next[k] = resolve(next[k] as string);
  return { ...dataConfigs, data_parameters: next };
}

/** Reads the experiment, applies overrides, loads the data. The model is built separately. */
export async function loadExperiment(doc: unknown, file: string, o: RunOverrides = {}): Promise<Loaded> {
  const exp = readExperiment(doc, file);
  const seed = o.seed ?? exp.seed ?? 0;
  const data = limitRows(await datasetFromConfig(withCallerDataPaths(exp.dataConfigs), { seed }), o.limits);
  const modelConfig = modelConfigOf(doc, file);
  return { exp, data, modelConfig, seed };
}

/**
 * A graph dataset's graph for a graph model that names none: tinyBIG's graph scripts build `gcn` /
 * `gat` with `graph = data_loader.get_graph()`; a YAML file cannot, so the runner passes the
 * dataset's `nodes` and `links` to model classes of the graph family (gcn, gat, graph_* heads)
 * whose parameters give no `graph`, `nodes` or `links` of their own.
 */
export function withDataGraph(mc: { model_class?: unknown; model_parameters?: Record<string, unknown> }, graph: Loaded['data']['graph']): Record<string, unknown> {
  const p = mc.model_parameters ?? {};
  const cls = typeof mc.model_class === 'string' ? mc.model_class.slice(mc.model_class.lastIndexOf('.') + 1) : '';
  if (!graph || !/^(gcn|gat)$|graph/.test(cls) || p.graph != null || p.nodes != null || p.links != null) return {};
  return { nodes: [...graph.nodes], links: graph.links.map((l) => [l[0], l[1]]), ...(p.directed == null ? { directed: graph.directed } : {}) };
}

/** Builds the model of an experiment and checks it against the data width. */
export function buildModel(registry: Registry, loaded: Loaded): AppModel {
  // tinyBIG seeds torch with random_seed before building the model: seed our initialisation likewise.
  const mc = loaded.modelConfig as { model_class?: unknown; model_parameters?: Record<string, unknown> };
  const seeded = { ...mc, model_parameters: { seed: loaded.seed, ...withDataGraph(mc, loaded.data.graph), ...(mc.model_parameters ?? {}) } };
  const model = registry.build<AppModel>(seeded, 'model');
  if (model.m !== undefined && model.m !== loaded.data.train.inputWidth) {
    model.dispose();
    throw new ConfigError('the model input width does not fit the data', { argument: 'model_configs (first layer m)', expected: `${loaded.data.train.inputWidth} (the ${loaded.data.name} features)`, received: String(model.m) });
  }
  return model;
}

const fmt = (v: number | null) => (v == null ? 'n/a' : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(4) : v.toFixed(4));

/** tinyBIG's epoch line: `Epoch: 1, Test Loss: …, Test Score: …, Time Cost: …`. */
export function epochLine(r: EpochRecord, metricName: string): string {
  return `Epoch: ${r.epoch}, Train Loss: ${fmt(r.trainLoss)}, Test Loss: ${fmt(r.testLoss)}, Test Score (${metricName}): ${fmt(r.testScore)}, lr: ${r.lr.toExponential(3)}, Time Cost: ${r.trainTimeS.toFixed(2)}s (${Math.round(r.trainSamplesPerS)} samples/s)`;
}

export { fmt as formatNumber, tf, path };
