import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ValueError } from '@rpn/core';
import { datasetFromConfig } from './index.js';
import { miserablesDataset, perGroupTrainIdx } from './miserables.js';
import { citationDataset, parseCitationGraph, rowNormalize } from './citation.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-graph-'));
const cfg = (data_class: string, data_parameters: Record<string, unknown> = {}) => ({ data_class, data_parameters });

describe('miserables (npm vega-datasets)', () => {
  it('77 nodes, 254 undirected links, 11 groups, one-hot features, labels = group', async () => {
    const d = await datasetFromConfig(cfg('tinybig.data.miserables'), { seed: 7 });
    expect([d.nodes!.all.count, d.nodes!.all.inputWidth, d.graph!.links.length, d.numClasses, d.graph!.directed]).toEqual([77, 77, 254, 11, false]);
    const x = d.nodes!.all.x;
    for (const i of [0, 40, 76]) { expect(x[i * 77 + i]).toBe(1); expect(x.slice(i * 77, i * 77 + 77).reduce((a, b) => a + b, 0)).toBe(1); }
    // Myriel (node 0) is in group 1, Napoleon–Myriel is the first link of the file.
    expect(d.nodes!.all.y[0]).toBe(1);
    expect(d.graph!.links[0]).toEqual([1, 0]);
    expect(d.description).toMatch(/one-hot/);
    expect(d.train.count + d.test.count).toBe(77);
  });

  it('the seeded split labels every group, leaves a test node where a group has two or more, and depends on the seed', async () => {
    const a = await miserablesDataset({ seed: 1 });
    const labels = Array.from(a.nodes.all.y);
    const train = new Set(a.nodes.trainIdx);
    const sizes = new Map<number, number>();
    labels.forEach((g) => sizes.set(g, (sizes.get(g) ?? 0) + 1));
    for (const [g, s] of sizes) {
      const inTrain = labels.filter((l, i) => l === g && train.has(i)).length;
      expect(inTrain, `group ${g}`).toBe(Math.min(2, Math.max(1, s - 1)));
    }
    // groups of sizes 3,10,14,10,11,10,1,2,13,1,2 → 2+2+2+2+2+2+1+1+2+1+1 = 18
    expect(a.nodes.trainIdx.length).toBe(18);
    const again = await miserablesDataset({ seed: 1 });
    expect(Array.from(again.nodes.trainIdx)).toEqual(Array.from(a.nodes.trainIdx));
    const other = await miserablesDataset({ seed: 2 });
    expect(Array.from(other.nodes.trainIdx)).not.toEqual(Array.from(a.nodes.trainIdx));
    expect(perGroupTrainIdx([0, 0, 0, 1], 5, 0)).toHaveLength(3);
  });

  it('train_idx from the config overrides the draw; bad ids are typed errors', async () => {
    const d = await datasetFromConfig(cfg('miserables', { train_idx: [0, 11, 76] }));
    expect(Array.from(d.nodes!.trainIdx)).toEqual([0, 11, 76]);
    expect(d.test.count).toBe(74);
    await expect(datasetFromConfig(cfg('miserables', { train_idx: [0, 77] }))).rejects.toThrow(/train_idx\[1\]/);
    await expect(miserablesDataset({ perGroup: 0 })).rejects.toBeInstanceOf(ValueError);
  });
});

describe('cora / citeseer / pubmed from tinyBIG node/link files', () => {
  const NODE = ['10 1 0 1 0 AI', '11 0 0 0 0 DB', '12 2 2 0 0 AI', '13 0 1 0 3 ML', ''].join('\n');
  const LINK = ['10 11', '12 10', '13 12'].join('\n');

  it('parses ids, features, labels in order of appearance and maps link ids to rows', () => {
    const g = parseCitationGraph(NODE, LINK);
    expect(g.ids).toEqual([10, 11, 12, 13]);
    expect(g.width).toBe(4);
    expect(Array.from(g.labels)).toEqual([0, 1, 0, 2]);
    expect(g.classes).toEqual(['AI', 'DB', 'ML']);
    expect(g.links).toEqual([[0, 1], [2, 0], [3, 2]]);
  });

  it('row-normalises (zero rows stay zero)', () => {
    const g = parseCitationGraph(NODE, LINK);
    const x = Array.from(rowNormalize(g.x, g.width));
    expect(x.slice(0, 4)).toEqual([0.5, 0, 0.5, 0]);
    expect(x.slice(4, 8)).toEqual([0, 0, 0, 0]);
    expect(x.slice(8, 12)).toEqual([0.5, 0.5, 0, 0]);
    expect(x.slice(12, 16)).toEqual([0, 0.25, 0, 0.75]);
  });

  it('cora: tinyBIG fixed split train 0–139 / test 500–1499, directed graph, on a synthetic 1,500-node file', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 1500 }, (_, i) => `${1000 + i} ${i % 3} 1 0 c${i % 7}`);
    fs.writeFileSync(path.join(dir, 'node'), rows.join('\n'));
    fs.writeFileSync(path.join(dir, 'link'), Array.from({ length: 1499 }, (_, i) => `${1000 + i} ${1001 + i}`).join('\n'));
    const d = await datasetFromConfig(cfg('tinybig.data.cora', { cache_dir: dir }));
    expect([d.train.count, d.test.count, d.nodes!.trainIdx[0], d.nodes!.trainIdx[139], d.nodes!.testIdx[0], d.nodes!.testIdx[999]]).toEqual([140, 1000, 0, 139, 500, 1499]);
    expect([d.numClasses, d.graph!.directed, d.graph!.links.length, d.train.inputWidth]).toEqual([7, true, 1499, 3]);
    // node 2: features 2 1 0 → 2/3 1/3 0
    expect(d.nodes!.all.x[6]).toBeCloseTo(2 / 3, 6);
    expect(d.nodes!.all.x[7]).toBeCloseTo(1 / 3, 6);
  });

  it('a small graph needs train_idx / test_idx for the fixed split; overrides are checked', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'node'), NODE);
    fs.writeFileSync(path.join(dir, 'link'), LINK);
    await expect(citationDataset('citeseer', dir)).rejects.toThrow(/train_idx/);
    const d = await citationDataset('pubmed', dir, { trainIdx: [0, 1], testIdx: [2, 3] });
    expect([d.train.count, d.test.count, Array.from(d.test.y).join()]).toEqual([2, 2, '0,2']);
    await expect(citationDataset('pubmed', dir, { trainIdx: [0], testIdx: [4] })).rejects.toThrow(/test_idx\[0\]/);
  });

  it('a folder without node and link is a ConfigError naming both files', async () => {
    const dir = tmp();
    const e = await citationDataset('cora', dir).catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(`${e.message} ${e.expected} ${e.received}`).toContain(`${dir}/node`);
    expect(`${e.expected} ${e.received}`).toContain(`${dir}/link`);
    await expect(datasetFromConfig(cfg('citeseer'))).rejects.toBeInstanceOf(ConfigError);
  });

  it('bad rows are typed errors naming the file, line and column', () => {
    const bad = (n: string, l: string) => { try { parseCitationGraph(n, l, 'node', 'link'); } catch (e) { return e as ValueError & { argument: string }; } throw new Error('no error'); };
    expect(bad('1 0 x A', '').argument).toBe('node line 1, column 3');
    expect(bad('1 0 1 A\n2 0 A', '').argument).toBe('node line 2');
    expect(bad('1 0 1 A\n1 0 1 B', '').argument).toBe('node line 2, column 1');
    expect(bad('1 0 1 A\n2 1 0 B', '1 2\n2 9').argument).toBe('link line 2, column 2');
    expect(bad('1 0 1 A', '1 1 1').argument).toBe('link line 1');
    expect(bad('1 0 x A', '')).toBeInstanceOf(ValueError);
  });
});
