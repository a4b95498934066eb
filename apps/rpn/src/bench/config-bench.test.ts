import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readYaml } from '../config-file.js';
import { benchExperiment, randomGraph } from './config-bench.js';
import { BENCH_CONFIG_DIR, CONFIG_DIR, configCases, configPath } from './file-cases.js';

const run = (dir: URL, file: string, o: Parameters<typeof benchExperiment>[2]) => benchExperiment(readYaml(configPath(dir, file)), file, { warmupMs: 0, ...o });

describe('rpn bench --config: the model, optimizer, loss and batch of an experiment file', () => {
  it('elementary_configs.yaml: 47 parameters, AdamW, MSELoss, the file\'s batch 100, the steps asked for; no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const r = await run(CONFIG_DIR, 'elementary_configs.yaml', { steps: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ parameters: 47, batch: 100, optimizer: 'torch.optim.AdamW', loss: 'torch.nn.MSELoss', steps: 3 });
    for (const k of ['train_samples_per_s', 'infer_samples_per_s_b1', 'infer_samples_per_s_b1000', 'peak_rss_mb']) expect(r[k] as number, k).toBeGreaterThan(0);
  });

  it('config D (kan_like_mnist_configs.yaml) is B-spline × identity with a zero remainder: 784·8·64 + 64·8·10 parameters, CrossEntropyLoss; --batch overrides', async () => {
    const r = await run(BENCH_CONFIG_DIR, 'kan_like_mnist_configs.yaml', { steps: 1, batch: 8, inferB1000: false });
    expect(r).toMatchObject({ parameters: 784 * 8 * 64 + 64 * 8 * 10, batch: 8, optimizer: 'torch.optim.AdamW', loss: 'torch.nn.CrossEntropyLoss', infer_samples_per_s_b1000: null });
  });

  it('the named cases A–D run their experiment files (names keep their meaning)', () => {
    const names = configCases().map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['elementary', 'kan_784_64_10', 'mnist_dual_lphm', 'mnist_identity']));
    for (const f of ['kan_like_mnist_configs.yaml', 'cnn_mnist_bench_configs.yaml', 'gcn_cora_bench_configs.yaml', 'rnn_sp500_bench_configs.yaml', 'transformer_mnist_bench_configs.yaml']) {
      expect(fs.existsSync(configPath(BENCH_CONFIG_DIR, f)), f).toBe(true);
    }
  });

  it.each([
    ['cnn_mnist_bench_configs.yaml', 'torch.nn.CrossEntropyLoss'],
    ['gcn_cora_bench_configs.yaml', 'torch.nn.NLLLoss'],
    ['rnn_sp500_bench_configs.yaml', 'torch.nn.MSELoss'],
    ['transformer_mnist_bench_configs.yaml', 'torch.nn.CrossEntropyLoss'],
  ])('the RPN 2 bench file %s trains one step with its loss and AdamW', async (file, loss) => {
    const before = tf.memory().numTensors;
    const r = await run(BENCH_CONFIG_DIR, file, { steps: 1, batch: 16, inferB1000: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ batch: 16, optimizer: 'torch.optim.AdamW', loss });
    expect(r.train_samples_per_s as number).toBeGreaterThan(0);
  });
});

describe('randomGraph', () => {
  it('is seeded, and every node has a neighbour', () => {
    const g = randomGraph(50, 3);
    expect(g.nodes).toHaveLength(50);
    expect(randomGraph(50, 3)).toEqual(g);
    expect(randomGraph(50, 4)).not.toEqual(g);
    const deg = new Array(50).fill(0);
    for (const [a, b] of g.links) { deg[a]++; deg[b]++; }
    expect(deg.every((d) => d > 0)).toBe(true);
  });
});
