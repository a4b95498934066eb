import { ValueError } from '@rpn/core';
import { makeSplit, takeRows, type Dataset } from '../data.js';
import { embeddedText } from './embedded.js';

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

/** A node-classification dataset: every node in one split, the labelled `trainIdx` and the `testIdx` nodes. */
export type GraphDataset = Dataset & { graph: GraphData; nodes: NonNullable<Dataset['nodes']> };

/**
 * The labelled nodes of a graph dataset: `trainIdx` if given (checked: distinct node ids in
 * 0..N-1), else `fallback`. Throws a ValueError naming `data_parameters.train_idx[i]`.
 */
export function checkTrainIdx(trainIdx: readonly number[] | undefined, fallback: readonly number[], N: number, key = 'train_idx'): Int32Array {
  const raw = trainIdx ?? fallback;
  if (!Array.isArray(raw)) throw new ValueError(`${key} is not a list of node ids`, { argument: `data_parameters.${key}`, expected: 'a list of node ids', received: JSON.stringify(raw) });
  const seen = new Set<number>();
  raw.forEach((v, i) => {
    if (!(v >= 0 && v < N) || !Number.isInteger(v)) throw new ValueError(`a ${key} entry is not a node`, { argument: `data_parameters.${key}[${i}]`, expected: `a node id from 0 to ${N - 1}`, received: String(v) });
    if (seen.has(v)) throw new ValueError(`a ${key} entry is repeated`, { argument: `data_parameters.${key}[${i}]`, expected: 'distinct node ids', received: String(v) });
    seen.add(v);
  });
  return Int32Array.from(raw);
}

/** Inputs of {@link nodeClassificationDataset}. */
export interface NodeClassificationParts {
  readonly name: string;
  /** Node features, `N × width`, row-major. */
  readonly x: Float32Array;
  readonly width: number;
  readonly labels: Int32Array;
  readonly numClasses: number;
  readonly graph: GraphData;
  readonly trainIdx: Int32Array;
  readonly testIdx: Int32Array;
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  readonly description: string;
}

/**
 * Assembles a transductive node-classification dataset (tinyBIG's graph loaders' `load()`:
 * `{train_idx, test_idx, graph_structure}` over one full-batch split of all N nodes). `train` /
 * `test` hold the labelled / test rows for flat models; `nodes.all` every node for graph models.
 */
export function nodeClassificationDataset(p: NodeClassificationParts): GraphDataset {
  const N = p.labels.length;
  if (p.trainIdx.length === 0 || p.testIdx.length === 0) throw new ValueError('train_idx leaves an empty split', { argument: 'data_parameters.train_idx', expected: `between 1 and ${N - 1} nodes`, received: `${p.trainIdx.length} train, ${p.testIdx.length} test` });
  const all = makeSplit(p.x, p.labels, p.width, 0);
  return Object.freeze({
    name: p.name,
    train: takeRows(all, p.trainIdx),
    test: takeRows(all, p.testIdx),
    trainBatchSize: p.trainBatchSize ?? N,
    testBatchSize: p.testBatchSize ?? N,
    task: 'classification' as const,
    numClasses: p.numClasses,
    description: p.description,
    nodes: Object.freeze({ all, trainIdx: p.trainIdx, testIdx: p.testIdx }),
    graph: p.graph,
  });
}

/** One-hot node features: the N × N identity, row-major (`x_i = e_i`). */
export function oneHotFeatures(N: number): Float32Array {
  const x = new Float32Array(N * N);
  for (let i = 0; i < N; i++) x[i * N + i] = 1;
  return x;
}

/** A frozen {@link GraphData}. */
export function freezeGraph(nodes: readonly number[], links: readonly (readonly [number, number])[], directed: boolean): GraphData {
  return Object.freeze({ nodes: Object.freeze([...nodes]), links: Object.freeze(links.map((l) => Object.freeze([l[0], l[1]] as const))), directed });
}

/**
 * Zachary's karate club as a semi-supervised node-classification dataset, in the form of tinyBIG's
 * graph loaders (cora, citeseer, pubmed): ONE split of every node (features: one-hot node ids,
 * 34 × 34), `train_idx` the labelled nodes and `test_idx` the others, and the graph (`nodes`,
 * `links`, undirected) for the model. Models with an instance axis (gcn, gat) train full-batch on
 * it; flat models (mlp) see the train rows only, so both learn from the same labelled nodes.
 */
export async function karateClubDataset(o: KarateOptions = {}): Promise<GraphDataset> {
  const g = JSON.parse(await embeddedText('karate_club.json')) as { nodes: number[]; links: [number, number][]; labels: number[]; classes: string[] };
  const N = g.nodes.length;
  const train = checkTrainIdx(o.trainIdx, KARATE_TRAIN_IDX, N);
  const seen = new Set(train);
  const test = Int32Array.from(g.nodes.filter((v) => !seen.has(v)));
  return nodeClassificationDataset({
    name: 'karate_club', x: oneHotFeatures(N), width: N, labels: Int32Array.from(g.labels), numClasses: g.classes.length,
    graph: freezeGraph(g.nodes, g.links, false), trainIdx: train, testIdx: test, trainBatchSize: o.trainBatchSize, testBatchSize: o.testBatchSize,
    description: `Zachary's karate club: ${N} nodes, ${g.links.length} links, ${g.classes.length} clubs; ${train.length} labelled nodes (${Array.from(train).join(', ')}), ${test.length} test nodes`,
  });
}
