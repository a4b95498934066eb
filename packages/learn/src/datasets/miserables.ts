import { ValueError } from '@rpn/core';
import { mt19937 } from '../random.js';
import { checkTrainIdx, freezeGraph, nodeClassificationDataset, oneHotFeatures, type GraphDataset } from './graphs.js';
import { embeddedText } from './embedded.js';

/** Options of {@link miserablesDataset}. */
export interface MiserablesOptions {
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  /** The labelled nodes (tinyBIG's `train_idx`); default: a seeded draw of `perGroup` nodes per group. */
  readonly trainIdx?: readonly number[];
  /** Labelled nodes drawn per group (default 2; a group of s nodes gives at most max(1, s − 1)). */
  readonly perGroup?: number;
  /** Seed of the draw (default 0). */
  readonly seed?: number;
}

/**
 * The seeded semi-supervised split of a labelled node set: for each group g (in increasing
 * order) the first min(k, max(1, s_g − 1)) nodes of an MT19937 permutation of its s_g members,
 * so every group keeps a labelled node and, when it has two or more, a test node.
 */
export function perGroupTrainIdx(labels: ArrayLike<number>, k: number, seed: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new ValueError('per_group must be a positive integer', { argument: 'data_parameters.per_group', expected: 'an integer ≥ 1', received: JSON.stringify(k) });
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) (groups.get(labels[i]) ?? groups.set(labels[i], []).get(labels[i])!).push(i);
  const rng = mt19937(seed);
  const out: number[] = [];
  for (const g of [...groups.keys()].sort((a, b) => a - b)) {
    const members = groups.get(g)!;
    const take = Math.min(k, Math.max(1, members.length - 1));
    const perm = rng.permutation(members.length);
    for (let j = 0; j < take; j++) out.push(members[perm[j]]);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Les Misérables co-occurrence network (`miserables.json` of npm `vega-datasets`: 77 characters,
 * 254 undirected links, 11 groups) as semi-supervised node classification, label = group.
 * It has no bag-of-words features: node features are one-hot node ids (77 × 77), so only the
 * graph can tell unlabelled nodes apart. Split: `train_idx` if given, else {@link perGroupTrainIdx}.
 */
export async function miserablesDataset(o: MiserablesOptions = {}): Promise<GraphDataset> {
  const file = 'vega-datasets/data/miserables.json';
  const g = JSON.parse(await embeddedText('miserables.json')) as { nodes: { name: string; group: number; index: number }[]; links: { source: number; target: number }[] };
  const N = g.nodes.length;
  g.nodes.forEach((n, i) => {
    if (n.index !== i || !Number.isInteger(n.group) || n.group < 0) throw new ValueError('bad node in miserables.json', { argument: `${file}: nodes[${i}]`, expected: `index ${i} and a group ≥ 0`, received: JSON.stringify(n) });
  });
  const links = g.links.map((l, i) => {
    if (!(Number.isInteger(l.source) && Number.isInteger(l.target) && l.source >= 0 && l.source < N && l.target >= 0 && l.target < N)) {
      throw new ValueError('a link end is not a node', { argument: `${file}: links[${i}]`, expected: `source and target from 0 to ${N - 1}`, received: JSON.stringify(l) });
    }
    return [l.source, l.target] as const;
  });
  const labels = Int32Array.from(g.nodes.map((n) => n.group));
  const numClasses = Math.max(...labels) + 1;
  const seed = o.seed ?? 0;
  const perGroup = o.perGroup ?? 2;
  const train = checkTrainIdx(o.trainIdx, o.trainIdx ? [] : perGroupTrainIdx(labels, perGroup, seed), N);
  const seen = new Set(train);
  const test = Int32Array.from(g.nodes.map((_, i) => i).filter((i) => !seen.has(i)));
  const how = o.trainIdx ? 'given train_idx' : `${perGroup} per group, seed ${seed}`;
  return nodeClassificationDataset({
    name: 'miserables', x: oneHotFeatures(N), width: N, labels, numClasses,
    graph: freezeGraph(g.nodes.map((_, i) => i), links, false), trainIdx: train, testIdx: test,
    trainBatchSize: o.trainBatchSize, testBatchSize: o.testBatchSize,
    description: `Les Misérables co-occurrences (npm vega-datasets miserables.json): ${N} nodes, ${links.length} links, ${numClasses} groups; one-hot node features (no bag-of-words); ${train.length} labelled nodes (${how}), ${test.length} test nodes`,
  });
}
