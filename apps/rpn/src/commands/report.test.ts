import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { appRegistry } from '../registry.js';
import { configsDir, REPORT_EXPERIMENTS, reportCommand, type ReportExperiment } from './report.js';

const backend = { backend: tf.getBackend(), simd: false, threads: 1 };

describe('rpn report', () => {
  it('every report experiment names a shipped config', () => {
    for (const e of REPORT_EXPERIMENTS) expect(fs.existsSync(path.join(configsDir(), e.config)), e.config).toBe(true);
    expect(REPORT_EXPERIMENTS.map((e) => e.id)).toEqual(expect.arrayContaining(['cnn_fashion_mnist', 'mlp_fashion_mnist', 'gcn_karate', 'mlp_karate', 'gcn_miserables', 'gat_miserables', 'mlp_miserables', 'rnn_sp500', 'mlp_sp500', 'rpn_spam', 'transformer_spam']));
  });

  it('the quick path on tiny runs: one markdown row per experiment, 9 columns, a skipped row for missing data, the file written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-report-'));
    // a config whose data folder does not exist: the report goes on with a `skipped` row
    const doc = fs.readFileSync(path.join(configsDir(), 'mlp_fashion_mnist_configs.yaml'), 'utf8').replace('name: fashion_mnist\n', `name: fashion_mnist\n      cache_dir: ${path.join(dir, 'none')}\n`);
    fs.writeFileSync(path.join(dir, 'missing.yaml'), doc);
    const experiments: ReportExperiment[] = [
      { id: 'gcn_karate', config: 'gcn_karate_configs.yaml', model: 'gcn', dataset: 'karate club', quick: { epochs: 3 } },
      { id: 'rnn_sp500', config: 'rnn_sp500_configs.yaml', model: 'rnn', dataset: 'S&P 500', naiveBaseline: true, quick: { epochs: 1, limits: { train: 200, test: 100 } } },
      { id: 'missing', config: path.join(dir, 'missing.yaml'), model: 'mlp', dataset: 'nowhere', quick: { epochs: 1 } },
    ];
    const before = tf.memory().numTensors;
    const out = path.join(dir, 'report.md');
    const { rows, markdown } = await reportCommand({ registry: appRegistry(), backend, quick: true, out, experiments, print: () => undefined });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => [r.id, r.epochs, r.train, r.test])).toEqual([['gcn_karate', 3, 6, 28], ['rnn_sp500', 1, 200, 100], ['missing', 0, null, null]]);
    expect(rows[0].metric).toBe('accuracy');
    expect(rows[1].metric).toBe('mse');
    expect(rows[1].baseline).toBeGreaterThan(0);
    expect(rows[2].skipped).toMatch(/not found/);
    const lines = markdown.trim().split('\n').filter((l) => l.startsWith('|'));
    expect(lines).toHaveLength(2 + 3);
    for (const l of lines) expect(l.slice(1, -1).split('|'), l).toHaveLength(9);
    expect(lines[0]).toBe('| experiment | model | dataset | test metric | naive baseline | epochs | train / test rows | time per epoch (s) | parameters |');
    expect(lines[2]).toMatch(/^\| gcn_karate \(quick\) \| gcn \| karate club \| accuracy 0\.\d{4} \| — \| 3 \| 6 \/ 28 \| \d+\.\d\d \| 576 \|$/);
    expect(lines[3]).toMatch(/^\| rnn_sp500 \(quick\) \| rnn \| S&P 500 \| mse \d\.\d+(e-\d+)? \| mse \d\.\d+(e-\d+)? \| 1 \| 200 \/ 100 \| /);
    expect(lines[4]).toMatch(/^\| missing \(quick\) \| mlp \| nowhere \| skipped: /);
    expect(markdown).toMatch(/^\*\*Quick report\*\*/);
    expect(fs.readFileSync(out, 'utf8')).toBe(markdown);
  });
});
