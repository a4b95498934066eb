import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { defineEntry, type RegistryEntry } from '@rpn/core';
import { makeSplit, runExperiment, type Dataset, type DatasetLoader } from '@rpn/learn';
import { appRegistry } from '../registry.js';

/**
 * tinyBIG's transformer (attention over the rows of a batch) trains on the data's shuffled batches,
 * as tinyBIG's DataLoader feeds it: one optimizer step per batch, so its batch norms' running
 * statistics converge and the eval-mode test pass scores both classes. (Trained as one full batch it
 * took one step per epoch and answered one class: transformer_spam's test accuracy was 0.3124.)
 */

const ROWS = 96, TEST = 48, M = 12, BS = 16;
/** Two classes told apart by the sign of feature 0 (±2 plus noise); the rest is noise. */
function rows(count: number, seed: number): { x: Float32Array; y: Int32Array } {
  let s = seed;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 - 0.5; };
  const x = new Float32Array(count * M), y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    y[i] = i % 2;
    for (let j = 0; j < M; j++) x[i * M + j] = rnd();
    x[i * M] += y[i] ? 2 : -2;
  }
  return { x, y };
}
const twoClasses: RegistryEntry = defineEntry('dataset', 'two_classes', (): DatasetLoader => async () => {
  const tr = rows(ROWS, 7), te = rows(TEST, 11);
  const d: Dataset = { name: 'two_classes', description: 'two classes', train: makeSplit(tr.x, tr.y, M, 0), test: makeSplit(te.x, te.y, M, 0), trainBatchSize: BS, testBatchSize: BS, task: 'classification', numClasses: 2 };
  return d;
}, { module: 'test.data' });

const doc = { configurations: {
  random_seed: 3,
  data_configs: { data_class: 'test.data.two_classes', data_parameters: {} },
  learner_configs: { learner_class: 'tinybig.learner.backward_learner', learner_parameters: { n_epochs: 3,
    optimizer_configs: { optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { lr: 0.01 } }, loss_configs: { loss_class: 'torch.nn.CrossEntropyLoss' } } },
  model_configs: { model_class: 'tinybig.model.rpn_transformer.transformer', model_parameters: { dims: [M, 8], fc_dims: [2], with_softmax: false } },
  metric_configs: { metric_class: 'tinybig.metric.accuracy' },
} };

describe('the transformer trains on batches', () => {
  it('one step per batch of 16 (18 steps in 3 epochs), and the eval-mode test pass scores both classes', async () => {
    const steps: [number, number, number][] = [];
    const registry = appRegistry([twoClasses]);
    const before = tf.memory().numTensors;
    const run = await runExperiment(doc, { registry, file: 'transformer.yaml', onProgress: (step, total, _loss, b) => { steps.push([step, total, b.batch]); } });
    try {
      expect(run.totalSteps).toBe(18);
      expect(steps.map((s) => s[0])).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
      expect(steps.every((s) => s[1] === 18)).toBe(true);
      expect(steps.slice(0, 6).map((s) => s[2])).toEqual([1, 2, 3, 4, 5, 6]);
      // the eval-mode predictions: accurate, so not one class for every row
      expect(run.final).toBeGreaterThan(0.9);
      const predicted = new Set<number>();
      for (let i = 0; i < TEST; i++) predicted.add(run.finalEval.yScore[2 * i + 1]! > run.finalEval.yScore[2 * i]! ? 1 : 0);
      expect([...predicted].sort()).toEqual([0, 1]);
    } finally {
      run.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
