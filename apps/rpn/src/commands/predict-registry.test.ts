import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UnknownNameError, defineEntry, type ProcessingFunction, type RegistryEntry } from '@rpn/core';
import { makeSplit, type Dataset, type DatasetLoader } from '@rpn/learn';
import { saveModel } from '@rpn/checkpoint';
import { appRegistry } from '../registry.js';
import { predictCommand } from './predict.js';
import type { AppModel } from './run.js';

/**
 * `rpn predict --config` with a user's own entries (the registry `rpn train` was given): the model's
 * custom activation AND the experiment's custom data class (whose normalisation the raw rows get,
 * the checkpoint having no data record) come from the registry passed in.
 */

const MEAN = [1, -2];
const STD = [2, 4];
/** y = 2·x, a formula no built-in processing function computes under this name. */
const double: RegistryEntry = defineEntry('processing', 'double', (): ProcessingFunction => Object.freeze({
  name: 'double', kind: 'processing' as const, className: 'double',
  forward: (x: tf.Tensor) => tf.tidy(() => tf.mul(x, 2)),
  toConfig: () => ({ function_class: 'my.activations.double', function_parameters: {} }),
}), { module: 'my.activations' });
/** A user's data class: two rows of two features, normalised by (x − MEAN)/STD. */
const pairs: RegistryEntry = defineEntry('dataset', 'pairs', (): DatasetLoader => async () => {
  const split = makeSplit(Float32Array.from([0, 0, 1, 1]), Float32Array.from([0, 1]), 2, 1);
  const d: Dataset = { name: 'pairs', description: 'pairs', train: split, test: split, trainBatchSize: 2, testBatchSize: 2, task: 'regression', normalization: { type: 'mean_std', mean: MEAN, std: STD } };
  return d;
}, { module: 'my.data' });

const modelConfigs = {
  model_class: 'tinybig.model.rpn', model_parameters: { layer_configs: [{ layer_class: 'tinybig.module.rpn_layer', layer_parameters: { m: 2, n: 1, head_configs: { head_class: 'tinybig.module.rpn_head', head_parameters: {
    data_transformation_configs: { function_class: 'tinybig.expansion.identity_expansion' },
    parameter_fabrication_configs: { function_class: 'tinybig.reconciliation.identity_reconciliation' },
    remainder_configs: { function_class: 'tinybig.remainder.zero_remainder' },
    output_process_function_configs: { function_class: 'my.activations.double' } } } } }] },
};

describe('rpn predict --config with a user\'s registry', () => {
  it('builds the model and reads the data class from the registry given (as rpn train), normalising the raw rows by the custom data\'s record', async () => {
    const registry = appRegistry([double, pairs]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-predict-reg-'));
    const config = path.join(dir, 'custom.yaml');
    fs.writeFileSync(config, stringify({ configurations: {
      random_seed: 1,
      data_configs: { data_class: 'my.data.pairs', data_parameters: {} },
      learner_configs: { learner_class: 'tinybig.learner.backward_learner', learner_parameters: { n_epochs: 1,
        optimizer_configs: { optimizer_class: 'torch.optim.SGD', optimizer_parameters: { lr: 0.1 } }, loss_configs: { loss_class: 'torch.nn.MSELoss' } } },
      model_configs: modelConfigs,
      metric_configs: { metric_class: 'tinybig.metric.mse' },
    } }));
    // a checkpoint with no data record (saved from code, not by rpn train)
    const model = registry.build<AppModel>(modelConfigs, 'model');
    const w = Array.from(model.trainableVariables()[0]!.dataSync());
    const ck = path.join(dir, 'ck');
    try { await saveModel(model as never, ck); } finally { model.dispose(); }
    const input = path.join(dir, 'in.csv');
    const raw = [[3, 2], [-1, -6]];
    fs.writeFileSync(input, raw.map((r) => r.join(',')).join('\n'));
    const notes: string[] = [];
    const before = tf.memory().numTensors;
    const got = await predictCommand(ck, input, { registry, config, print: () => undefined, warn: (l) => notes.push(l) });
    expect(tf.memory().numTensors).toBe(before);
    // by hand: x' = (x − mean)/std, out = 2·(x'·wᵀ)
    raw.forEach((r, i) => {
      const z = r.map((v, j) => (v - MEAN[j]!) / STD[j]!);
      expect(got[i]![0]).toBeCloseTo(2 * (z[0]! * w[0]! + z[1]! * w[1]!), 5);
    });
    expect(notes).toEqual([]);
    // the app's registry alone does not know the data class: a typed error, not a silent default
    const other = appRegistry([double]);
    await expect(predictCommand(ck, input, { registry: other, config, print: () => undefined, warn: () => undefined })).rejects.toBeInstanceOf(UnknownNameError);
  });
});
