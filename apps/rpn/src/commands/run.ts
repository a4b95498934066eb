import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Registry } from '@rpn/core';
import {
  buildModel as runnerBuildModel, loadExperiment as loadRunnerExperiment, withDataGraph,
  type EpochRecord, type ExperimentModel, type LoadedExperiment,
} from '@rpn/learn';
import { readYaml } from '../config-file.js';
import { fromCaller } from '../caller-cwd.js';

/** A built model as the app uses it (an @rpn/model model): the runner's {@link ExperimentModel}. */
export type AppModel = ExperimentModel;

/** Reads a tinyBIG YAML file; see {@link readYaml} in config-file.ts (re-exported for the commands). */
export { readYaml };

/** Overrides of `rpn train`. */
export interface RunOverrides {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
}

/** The loaded parts of an experiment. */
export type Loaded = LoadedExperiment;

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

/** Reads the experiment, applies overrides, loads the data (its folders from the caller's directory). The model is built separately. */
export function loadExperiment(doc: unknown, file: string, o: RunOverrides = {}): Promise<Loaded> {
  return loadRunnerExperiment(doc, { file, seed: o.seed, mapDataConfigs: (dc) => withCallerDataPaths(dc) });
}

/** Builds the model of an experiment and checks it against the data width (the runner's {@link runnerBuildModel}). */
export const buildModel = (registry: Registry, loaded: Loaded): AppModel => runnerBuildModel(registry, loaded);

export { withDataGraph };

const fmt = (v: number | null) => (v == null ? 'n/a' : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(4) : v.toFixed(4));

/** tinyBIG's epoch line: `Epoch: 1, Test Loss: …, Test Score: …, Time Cost: …`. */
export function epochLine(r: EpochRecord, metricName: string): string {
  return `Epoch: ${r.epoch}, Train Loss: ${fmt(r.trainLoss)}, Test Loss: ${fmt(r.testLoss)}, Test Score (${metricName}): ${fmt(r.testScore)}, lr: ${r.lr.toExponential(3)}, Time Cost: ${r.trainTimeS.toFixed(2)}s (${Math.round(r.trainSamplesPerS)} samples/s)`;
}

export { fmt as formatNumber, tf, path };
