import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { karateClubDataset } from '@rpn/learn';
import { withDataGraph } from './run.js';

const app = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(app, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-karate-'));

/** `rpn train` on a shipped experiment; returns the final test accuracy (the CLI's last line). */
function trainFinal(config: string, epochs: number): number {
  const r = spawnSync(process.execPath, [cli, 'train', path.join(app, 'configs', config), '--epochs', String(epochs), '--out', path.join(tmp, config)], { encoding: 'utf8', cwd: tmp, timeout: 240_000 });
  expect(r.status, r.stderr).toBe(0);
  const m = /final test accuracy: ([0-9.]+)\s*$/.exec(r.stdout);
  expect(m, r.stdout.slice(-400)).not.toBeNull();
  return Number(m![1]);
}

describe('graph experiments from YAML (karate club)', () => {
  it('the dataset: every node in one split, labelled train_idx, the graph', async () => {
    const d = await karateClubDataset();
    expect([d.nodes!.all.count, d.train.count, d.test.count, d.numClasses]).toEqual([34, 6, 28, 2]);
    expect(d.graph.links.length).toBe(78);
    expect(Array.from(d.nodes!.trainIdx)).toEqual([0, 1, 2, 31, 32, 33]);
    await expect(karateClubDataset({ trainIdx: [0, 34] })).rejects.toThrow(/train_idx\[1\]/);
    await expect(karateClubDataset({ trainIdx: [0, 0] })).rejects.toThrow(/repeated/);
  });
  it('the runner hands the dataset graph to graph models that name none, and only to them', async () => {
    const { graph } = await karateClubDataset();
    expect(withDataGraph({ model_class: 'tinybig.model.rpn_gcn.gcn', model_parameters: { dims: [34, 2] } }, graph).links).toHaveLength(78);
    expect(withDataGraph({ model_class: 'gat', model_parameters: {} }, graph).nodes).toHaveLength(34);
    expect(withDataGraph({ model_class: 'tinybig.model.rpn_mlp.mlp', model_parameters: {} }, graph)).toEqual({});
    expect(withDataGraph({ model_class: 'gcn', model_parameters: { nodes: [0, 1], links: [[0, 1]] } }, graph)).toEqual({});
    expect(withDataGraph({ model_class: 'gcn', model_parameters: {} }, undefined)).toEqual({});
  });
  it('rpn train: the gcn beats the mlp on the same labelled nodes', () => {
    const gcn = trainFinal('gcn_karate_configs.yaml', 60);
    const mlp = trainFinal('mlp_karate_configs.yaml', 60);
    expect(gcn).toBeGreaterThan(mlp);
    expect(gcn).toBeGreaterThanOrEqual(0.85);
  }, 120_000);
});
