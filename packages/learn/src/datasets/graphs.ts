import { ValueError } from '@rpn/core';
import { makeSplit, takeRows, type Dataset } from '../data.js';
import { packageDataPath, readText } from './files.js';

/** A graph as the graph heads take it: node ids, links between them, directed or not. */
export interface GraphData {
  readonly nodes: readonly number[];
  readonly links: readonly (readonly [number, number])[];
  readonly directed: boolean;
}

/** Options of {@link karateClubDataset}. */
export interface KarateOptions {
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  /** The labelled nodes (tinyBIG's `train_idx`); default: three members of each club, leaders included. */
  readonly trainIdx?: readonly number[];
}

/** The default labelled nodes: each club's leader (0 Mr. Hi, 33 the Officer) and two members. */
export const KARATE_TRAIN_IDX: readonly number[] = Object.freeze([0, 1, 2, 31, 32, 33]);

/**
 * Zachary's karate club as a semi-supervised node-classification dataset, in the form of tinyBIG's
 * graph loaders (cora, citeseer, pubmed): ONE split of every node (features: one-hot node ids,
 * 34 × 34), `train_idx` the labelled nodes and `test_idx` the others, and the graph (`nodes`,
 * `links`, undirected) for the model. Models with an instance axis (gcn, gat) train full-batch on
 * it; flat models (mlp) see the train rows only, so both learn from the same labelled nodes.
 */
export async function karateClubDataset(o: KarateOptions = {}): Promise<Dataset & { graph: GraphData }> {
  const path = await packageDataPath('karate_club.json');
  const g = JSON.parse(await readText(path)) as { nodes: number[]; links: [number, number][]; labels: number[]; classes: string[] };
  const N = g.nodes.length;
  const train = Int32Array.from(o.trainIdx ?? KARATE_TRAIN_IDX);
  const seen = new Set<number>();
  train.forEach((v, i) => {
    if (!(v >= 0 && v < N) || !Number.isInteger(v)) throw new ValueError('a train index is not a node', { argument: `data_parameters.train_idx[${i}]`, expected: `a node id from 0 to ${N - 1}`, received: String(v) });
    if (seen.has(v)) throw new ValueError('a train index is repeated', { argument: `data_parameters.train_idx[${i}]`, expected: 'distinct node ids', received: String(v) });
    seen.add(v);
  });
  const test = Int32Array.from(g.nodes.filter((v) => !seen.has(v)));
  if (train.length === 0 || test.length === 0) throw new ValueError('train_idx leaves an empty split', { argument: 'data_parameters.train_idx', expected: `between 1 and ${N - 1} nodes`, received: `${train.length}` });
  const x = new Float32Array(N * N);
  for (let i = 0; i < N; i++) x[i * N + i] = 1;
  const all = makeSplit(x, Int32Array.from(g.labels), N, 0);
  return Object.freeze({
    name: 'karate_club',
    train: takeRows(all, train),
    test: takeRows(all, test),
    trainBatchSize: o.trainBatchSize ?? N,
    testBatchSize: o.testBatchSize ?? N,
    task: 'classification' as const,
    numClasses: g.classes.length,
    description: `Zachary's karate club: ${N} nodes, ${g.links.length} links, ${g.classes.length} clubs; ${train.length} labelled nodes (${Array.from(train).join(', ')}), ${test.length} test nodes`,
    nodes: Object.freeze({ all, trainIdx: train, testIdx: test }),
    graph: Object.freeze({ nodes: Object.freeze([...g.nodes]), links: Object.freeze(g.links.map((l) => Object.freeze([l[0], l[1]] as const))), directed: false }),
  });
}
