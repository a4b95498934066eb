import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError, UnsupportedError, type Registry } from '@rpn/core';
import { envelopeOf } from './params.js';
import { lossFromConfig, type Loss } from './losses.js';
import { optimizerFromConfig, type Optimizer } from './optimizers.js';
import { schedulerFromConfig, type Scheduler } from './schedulers.js';
import { metricFromConfig, mse, accuracy, type Metric } from './metrics.js';

/** The parts of a tinyBIG experiment file (`configurations: {…}`). */
export interface Experiment {
  readonly seed?: number;
  readonly dataConfigs: Record<string, unknown>;
  readonly learnerConfigs: Record<string, unknown>;
  readonly modelConfigs: Record<string, unknown>;
  readonly metricConfigs?: Record<string, unknown>;
  readonly outputConfigs?: Record<string, unknown>;
  /** Epochs from `learner_parameters.n_epochs` (tinyBIG's default 100). */
  readonly epochs: number;
}

const obj = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);

/** Reads a parsed tinyBIG experiment YAML (with or without the top-level `configurations:` key). */
export function readExperiment(doc: unknown, file = 'config'): Experiment {
  const root = obj(doc) && obj(doc.configurations) ? doc.configurations : doc;
  if (!obj(root)) throw new ConfigError('an experiment file must be a mapping', { argument: file, expected: 'configurations: {data_configs, learner_configs, model_configs, …}', received: JSON.stringify(doc)?.slice(0, 80) });
  for (const k of ['data_configs', 'learner_configs', 'model_configs']) {
    if (!obj(root[k])) throw new ConfigError(`experiment file has no ${k}`, { argument: `${file}: configurations.${k}`, expected: 'a mapping', received: root[k] === undefined ? 'nothing' : JSON.stringify(root[k]) });
  }
  const learner = envelopeOf(root.learner_configs, 'learner_configs');
  if (learner.shortName !== 'backward_learner') {
    throw new UnsupportedError('only the backward learner is implemented', { argument: 'learner_configs.learner_class', expected: 'tinybig.learner.backward_learner', received: JSON.stringify(learner.className) });
  }
  const epochs = learner.options.nEpochs == null ? 100 : Number(learner.options.nEpochs);
  if (!Number.isInteger(epochs) || epochs < 0) throw new ConfigError('invalid n_epochs', { argument: 'learner_parameters.n_epochs', expected: 'an integer ≥ 0', received: JSON.stringify(learner.options.nEpochs) });
  const seed = root.random_seed == null ? undefined : Number(root.random_seed);
  return Object.freeze({
    seed: Number.isFinite(seed) ? seed : undefined,
    dataConfigs: root.data_configs as Record<string, unknown>,
    learnerConfigs: root.learner_configs as Record<string, unknown>,
    modelConfigs: root.model_configs as Record<string, unknown>,
    metricConfigs: obj(root.metric_configs) ? root.metric_configs : undefined,
    outputConfigs: obj(root.output_configs) ? root.output_configs : undefined,
    epochs,
  });
}

/** The learner's parts for a model's variables: optimizer, optional scheduler, loss. */
export interface Learner {
  readonly optimizer: Optimizer;
  readonly scheduler?: Scheduler;
  readonly loss: Loss;
  readonly epochs: number;
}

/**
 * Builds the optimizer (over `variables`), scheduler and loss of `learner_configs`. Their classes are
 * registry entries: those of `registry` (a user's own optimizer, scheduler or loss), then the built-ins.
 */
export function learnerFromConfig(learnerConfigs: unknown, variables: readonly tf.Variable[], registry?: Registry): Learner {
  const { options } = envelopeOf(learnerConfigs, 'learner_configs');
  if (!obj(options.optimizerConfigs)) throw new ConfigError('learner has no optimizer_configs', { argument: 'learner_parameters.optimizer_configs', expected: '{optimizer_class, optimizer_parameters}', received: JSON.stringify(options.optimizerConfigs) });
  if (!obj(options.lossConfigs)) throw new ConfigError('learner has no loss_configs', { argument: 'learner_parameters.loss_configs', expected: '{loss_class, loss_parameters}', received: JSON.stringify(options.lossConfigs) });
  const epochs = options.nEpochs == null ? 100 : options.nEpochs;
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 1) {
    throw new ConfigError('n_epochs must be a positive integer', { argument: 'learner_parameters.n_epochs', expected: 'an integer ≥ 1', received: JSON.stringify(options.nEpochs) });
  }
  const loss = lossFromConfig(options.lossConfigs, registry);
  const optimizer = optimizerFromConfig(options.optimizerConfigs, variables, registry);
  try {
    const scheduler = obj(options.lrSchedulerConfigs) ? schedulerFromConfig(options.lrSchedulerConfigs, optimizer, registry) : undefined;
    return Object.freeze({ optimizer, scheduler, loss, epochs });
  } catch (e) {
    optimizer.dispose(); // its slot tensors would leak on every failed call
    throw e;
  }
}

/** The experiment's metric (a `metric` entry of `registry`, or a built-in), or a default by task (accuracy for classification, mse for regression). */
export function experimentMetric(exp: Experiment, task: 'classification' | 'regression', registry?: Registry): Metric {
  return exp.metricConfigs ? metricFromConfig(exp.metricConfigs, registry) : task === 'classification' ? accuracy() : mse();
}

/** The loss of `learner_configs` alone (for evaluation without an optimizer); undefined without one. */
export function learnerLoss(learnerConfigs: unknown, registry?: Registry): Loss | undefined {
  const { options } = envelopeOf(learnerConfigs, 'learner_configs');
  return obj(options.lossConfigs) ? lossFromConfig(options.lossConfigs, registry) : undefined;
}
