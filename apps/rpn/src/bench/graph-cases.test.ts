import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { accuracy, adamW, crossEntropyLoss, makeSplit, nllLoss, train, type Dataset, type Loss, type TrainableModel } from '@rpn/learn';
import { appRegistry } from '../registry.js';
import { gcnKarateBenchCase, karateClub } from './graph-cases.js';

describe('the karate club fixture', () => {
  it('is Zachary’s graph: 34 nodes, 78 distinct undirected edges, two clubs of 17, leaders 0 and 33 apart', () => {
    const g = karateClub();
    expect(g.nodes).toEqual([...Array(34).keys()]);
    const keys = new Set(g.links.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`));
    expect(g.links.length).toBe(78);
    expect(keys.size).toBe(78);
    expect(g.links.every(([a, b]) => a !== b && a >= 0 && b < 34)).toBe(true);
    expect(g.labels.filter((c) => c === 0).length).toBe(17);
    expect([g.labels[0], g.labels[33]]).toEqual([0, 1]);
    const degree = (v: number) => g.links.filter(([a, b]) => a === v || b === v).length;
    expect([degree(0), degree(33)]).toEqual([16, 17]);
  });
});

describe('gcn on the karate club (semi-supervised, full batch through @rpn/learn)', () => {
  const g = karateClub();
  const N = g.nodes.length;
  const eye = new Float32Array(N * N);
  for (let i = 0; i < N; i++) eye[i * N + i] = 1;
  const all = makeSplit(eye, Int32Array.from(g.labels), N, 0);
  const trainIdx = Int32Array.from([0, 1, 33, 32]);
  const testIdx = Int32Array.from(g.nodes.filter((v) => !trainIdx.includes(v)));
  const data: Dataset = { name: 'karate_club', train: all, test: all, trainBatchSize: 8, testBatchSize: 8, task: 'classification', numClasses: 2, description: 'karate', nodes: { all, trainIdx, testIdx } };
  const fit = async (config: Record<string, unknown>, loss: Loss) => {
    const model = appRegistry().build<TrainableModel & { dispose(): void }>(config, 'model');
    const opt = adamW(model.trainableVariables(), { lr: 0.02, weightDecay: 5e-4 });
    const r = await train(model, { data, optimizer: opt, loss, metric: accuracy(), epochs: 60, seed: 1 });
    opt.dispose();
    model.dispose();
    return r.records[r.records.length - 1];
  };

  it('reaches a higher test accuracy than an mlp on the same nodes and features, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const gcn = await fit({ model_class: 'gcn', model_parameters: { dims: [N, 16, 2], nodes: g.nodes, links: g.links, seed: 3 } }, nllLoss());
    const mlp = await fit({ model_class: 'mlp', model_parameters: { dims: [N, 16, 2], seed: 3 } }, crossEntropyLoss());
    expect(tf.memory().numTensors).toBe(before);
    expect(gcn.testScore!).toBeGreaterThan(0.8);
    expect(gcn.testScore!).toBeGreaterThan(mlp.testScore! + 0.1);
  });

  it('the gcn_karate bench case reports train and inference throughput and peak memory', async () => {
    const r = await gcnKarateBenchCase().run({ reps: 3 });
    expect(r.batch).toBe(34);
    for (const k of ['train_samples_per_s', 'infer_samples_per_s_full_batch', 'peak_rss_mb', 'parameters']) expect(r[k] as number, k).toBeGreaterThan(0);
  });
});
