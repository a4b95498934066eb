import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, defineEntry, ConfigError } from '@rpn/core';
import { describe, expect, it } from 'vitest';
import { runExperiment, type ResumeState } from './run-experiment.js';
import type { ExperimentModel } from './experiment-model.js';

/** A linear model y = x·W + b as a registry entry, seeded (stands in for @rpn/model's rpn). */
function linearModel(o: Record<string, unknown>): ExperimentModel & { disposed: boolean } {
  const m = Number(o.m), n = Number(o.n);
  const w = tf.tidy(() => tf.variable(tf.randomNormal([m, n], 0, 0.1, 'float32', Number(o.seed ?? 0)), true));
  const b = tf.tidy(() => tf.variable(tf.zeros([n]), true));
  const model = {
    m, n, disposed: false,
    forward: (x: tf.Tensor) => tf.add(tf.matMul(x as tf.Tensor2D, w), b),
    trainableVariables: () => [w, b],
    summary: () => ({ rows: [{ name: 'w', shape: [m, n], count: m * n }, { name: 'b', shape: [n], count: n }], total: m * n + n }),
    toConfig: () => ({ model_class: 'test_linear', model_parameters: { m, n } }),
    dispose() { model.disposed = true; w.dispose(); b.dispose(); },
  };
  return model;
}
const registry = createRegistry([defineEntry('model', 'test_linear', (p) => linearModel(p as Record<string, unknown>))]);

/** An experiment document: equation 0 of tinyBIG's elementary functions (2 inputs), AdamW + ExponentialLR, MSE. */
const doc = (epochs: number, m = 2) => ({
  configurations: {
    random_seed: 7,
    data_configs: { data_class: 'tinybig.data.elementary_function', data_parameters: { train_batch_size: 100, test_batch_size: 100, equation_index: 0, num: 400, train_percentage: 0.8 } },
    learner_configs: {
      learner_class: 'tinybig.learner.backward_learner',
      learner_parameters: {
        n_epochs: epochs,
        optimizer_configs: { optimizer_class: 'torch.optim.AdamW', optimizer_parameters: { lr: 0.05 } },
        lr_scheduler_configs: { lr_scheduler_class: 'torch.optim.lr_scheduler.ExponentialLR', lr_scheduler_parameters: { gamma: 0.9 } },
        loss_configs: { loss_class: 'torch.nn.MSELoss', loss_parameters: { reduction: 'mean' } },
      },
    },
    model_configs: { model_class: 'test_linear', model_parameters: { m, n: 1 } },
    metric_configs: { metric_class: 'tinybig.metric.mse', metric_parameters: {} },
  },
});

const weights = (model: ExperimentModel) => model.trainableVariables().flatMap((v) => Array.from(v.dataSync()));

describe('runExperiment', () => {
  it('calls onStart, onProgress per step, onEpoch per epoch and onCheckpoint every k epochs; the loss falls', async () => {
    const calls: string[] = [];
    const steps: [number, number][] = [];
    const checkpoints: number[] = [];
    const run = await runExperiment(doc(4), {
      registry, checkpointEvery: 3,
      onStart: (s) => { calls.push(`start ${s.epochs} ${s.totalSteps} ${s.parameters}`); },
      onProgress: (step, total, loss) => { steps.push([step, total]); expect(Number.isFinite(loss)).toBe(true); },
      onEpoch: (epoch, r) => { calls.push(`epoch ${epoch}`); expect(r.testScore).not.toBeNull(); },
      onCheckpoint: (model, epoch) => { checkpoints.push(epoch); expect(model.trainableVariables()).toHaveLength(2); },
    });
    try {
      // 400 rows, 80 % train = 320, batch 100 → 4 steps per epoch
      expect(calls).toEqual(['start 4 16 3', 'epoch 1', 'epoch 2', 'epoch 3', 'epoch 4']);
      expect(steps.map((s) => s[0])).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(steps.every((s) => s[1] === 16)).toBe(true);
      expect(checkpoints).toEqual([3, 4]);
      expect(run.epochsDone).toBe(4);
      expect(run.cancelled).toBe(false);
      expect(run.optimizer.steps).toBe(16);
      expect(run.records[3].trainLoss).toBeLessThan(run.records[0].trainLoss);
      expect(run.final).toBe(run.finalEval.score);
    } finally {
      run.dispose();
    }
  });

  it('an abort stops at a step boundary, leaks no tensors, and the run resumes to the weights of an unbroken run', async () => {
    const whole = await runExperiment(doc(4), { registry });
    const expected = weights(whole.model);
    whole.dispose();

    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    const first = await runExperiment(doc(4), { registry, signal: ctl.signal, onProgress: (step) => { if (step === 6) ctl.abort(); } });
    expect(first.cancelled).toBe(true);
    expect(first.optimizer.steps).toBe(6);
    // the stopped epoch (2) is recorded with the steps it ran
    expect(first.epochsDone).toBe(2);
    first.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // stopping at an epoch boundary, then resuming with the same model and optimizer, gives an unbroken run's weights
    const ctl2 = new AbortController();
    const part = await runExperiment(doc(4), { registry, signal: ctl2.signal, onEpoch: (e) => { if (e === 2) ctl2.abort(); } });
    expect(part.epochsDone).toBe(2);
    expect(part.optimizer.steps).toBe(8);
    const state: ResumeState = part.resumeState();
    const epochsSeen: number[] = [];
    const rest = await runExperiment(doc(4), { registry, resume: state, onEpoch: (e) => { epochsSeen.push(e); } });
    expect(rest.model).toBe(part.model);
    expect(epochsSeen).toEqual([3, 4]);
    expect(rest.optimizer.steps).toBe(16);
    expect(rest.epochsDone).toBe(4);
    const got = weights(rest.model);
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 6);
    rest.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes a model without an optimizer state (a loaded checkpoint): a fresh optimizer, the model kept on a bad config', async () => {
    const model = linearModel({ m: 2, n: 1, seed: 1 });
    const run = await runExperiment(doc(2), { registry, resume: { model } });
    expect(run.model).toBe(model);
    expect(run.optimizer.steps).toBe(8);
    run.dispose();
    // the data has 2 features: a 3-input model is refused with a ConfigError and left to its owner
    const wrong = linearModel({ m: 3, n: 1 });
    await expect(runExperiment(doc(2), { registry, resume: { model: wrong } })).rejects.toBeInstanceOf(ConfigError);
    expect(wrong.disposed).toBe(false);
    wrong.dispose();
  });

  it('frees what it built when onStart throws, and refuses a bad epoch count with a typed error', async () => {
    const before = tf.memory().numTensors;
    await expect(runExperiment(doc(2), { registry, onStart: () => { throw new Error('no output folder'); } })).rejects.toThrow('no output folder');
    expect(tf.memory().numTensors).toBe(before);
    await expect(runExperiment(doc(2), { registry, epochs: 1.5 })).rejects.toMatchObject({ name: 'ValueError', argument: 'epochs' });
  });
});
