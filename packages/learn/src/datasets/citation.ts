import { ConfigError, ValueError } from '@rpn/core';
import { exists, readText } from './files.js';
import { checkTrainIdx, freezeGraph, nodeClassificationDataset, type GraphDataset } from './graphs.js';

/** tinyBIG's transductive splits of its citation graphs: `train_idx = range(a, b)`, `test_idx = range(c, d)`. */
export const CITATION_SPLITS: Readonly<Record<string, { readonly train: readonly [number, number]; readonly test: readonly [number, number] }>> = Object.freeze({
  cora: Object.freeze({ train: [0, 140] as const, test: [500, 1500] as const }),
  citeseer: Object.freeze({ train: [0, 120] as const, test: [200, 1200] as const }),
  pubmed: Object.freeze({ train: [0, 60] as const, test: [6300, 7300] as const }),
});

/** A parsed `node` + `link` pair. */
export interface CitationGraph {
  readonly ids: readonly number[];
  /** Features, `N × width`, row-major, as read (not normalised). */
  readonly x: Float32Array;
  readonly width: number;
  /** Class codes, in order of first appearance of the label strings. */
  readonly labels: Int32Array;
  readonly classes: readonly string[];
  /** Links as row indices (ids mapped through `ids`). */
  readonly links: readonly (readonly [number, number])[];
}

const lines = (text: string) => text.split(/\r?\n/).map((l, i) => ({ line: i + 1, cells: l.trim() === '' ? [] : l.trim().split(/\s+/) })).filter((r) => r.cells.length > 0);

/**
 * Parses tinyBIG's graph files: `node` has one whitespace-separated row per node,
 * `<integer id> <feature_1> … <feature_k> <label>`; `link` one `<source id> <target id>` row per
 * (directed) link. Bad cells throw a ValueError naming the file, line and column.
 */
export function parseCitationGraph(nodeText: string, linkText: string, nodeFile = 'node', linkFile = 'link'): CitationGraph {
  const rows = lines(nodeText);
  if (rows.length === 0) throw new ValueError('the node file has no rows', { argument: nodeFile, expected: '`<id> <features…> <label>` rows', received: 'an empty file' });
  const w = rows[0].cells.length;
  if (w < 3) throw new ValueError('a node row needs an id, features and a label', { argument: `${nodeFile} line ${rows[0].line}`, expected: 'at least 3 columns', received: `${w}` });
  const width = w - 2;
  const N = rows.length;
  const x = new Float32Array(N * width);
  const labels = new Int32Array(N);
  const codes = new Map<string, number>();
  const index = new Map<number, number>();
  const ids: number[] = [];
  rows.forEach((r, i) => {
    if (r.cells.length !== w) throw new ValueError('node row has the wrong number of columns', { argument: `${nodeFile} line ${r.line}`, expected: `${w} columns`, received: `${r.cells.length}` });
    const id = Number(r.cells[0]);
    if (!Number.isInteger(id)) throw new ValueError('node id is not an integer', { argument: `${nodeFile} line ${r.line}, column 1`, expected: 'an integer node id', received: JSON.stringify(r.cells[0]) });
    if (index.has(id)) throw new ValueError('node id is repeated', { argument: `${nodeFile} line ${r.line}, column 1`, expected: 'distinct node ids', received: String(id) });
    index.set(id, i);
    ids.push(id);
    for (let j = 0; j < width; j++) {
      const v = Number(r.cells[1 + j]);
      if (!Number.isFinite(v)) throw new ValueError('node feature is not a number', { argument: `${nodeFile} line ${r.line}, column ${j + 2}`, expected: 'a finite number', received: JSON.stringify(r.cells[1 + j]) });
      x[i * width + j] = v;
    }
    const lab = r.cells[w - 1];
    if (!codes.has(lab)) codes.set(lab, codes.size);
    labels[i] = codes.get(lab)!;
  });
  const links = lines(linkText).map((r) => {
    if (r.cells.length !== 2) throw new ValueError('link row must have two node ids', { argument: `${linkFile} line ${r.line}`, expected: '2 columns', received: `${r.cells.length}` });
    return [0, 1].map((c) => {
      const id = Number(r.cells[c]);
      const k = Number.isInteger(id) ? index.get(id) : undefined;
      if (k === undefined) throw new ValueError('link end is not a node of the node file', { argument: `${linkFile} line ${r.line}, column ${c + 1}`, expected: `a node id of ${nodeFile}`, received: JSON.stringify(r.cells[c]) });
      return k;
    }) as unknown as readonly [number, number];
  });
  return Object.freeze({ ids: Object.freeze(ids), x, width, labels, classes: Object.freeze([...codes.keys()]), links: Object.freeze(links) });
}

/** Row normalisation (tinyBIG's `degree_based_normalize_matrix(mode='row')`): x_ij / Σ_j x_ij, zero row sums left as 1. In place. */
export function rowNormalize(x: Float32Array, width: number): Float32Array {
  for (let i = 0; i < x.length / width; i++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += x[i * width + j];
    if (s === 0) s = 1;
    for (let j = 0; j < width; j++) x[i * width + j] /= s;
  }
  return x;
}

/** Options of {@link citationDataset}. */
export interface CitationOptions {
  readonly trainBatchSize?: number;
  readonly testBatchSize?: number;
  /** Override tinyBIG's fixed `train_idx` / `test_idx`. */
  readonly trainIdx?: readonly number[];
  readonly testIdx?: readonly number[];
  /** Row-normalise the features (tinyBIG's default: true). */
  readonly normalization?: boolean;
}

const range = ([a, b]: readonly [number, number]) => Array.from({ length: b - a }, (_, i) => a + i);

/**
 * tinyBIG's `cora` / `citeseer` / `pubmed` (graph_dataloader, transductive mode) from a user's
 * folder holding tinyBIG's `node` and `link` files: row-normalised features, a directed graph,
 * the fixed splits of {@link CITATION_SPLITS}. Nothing is downloaded: a missing file is a ConfigError naming both.
 */
export async function citationDataset(name: string, dir: string, o: CitationOptions = {}): Promise<GraphDataset> {
  const split = CITATION_SPLITS[name];
  if (!split) throw new ConfigError('not a citation graph', { argument: 'data_configs.data_class', expected: Object.keys(CITATION_SPLITS).join(', '), received: name });
  const nodeFile = `${dir}/node`;
  const linkFile = `${dir}/link`;
  const missing = [];
  for (const f of [nodeFile, linkFile]) if (!(await exists(f))) missing.push(f);
  if (missing.length) throw new ConfigError(`${name} needs tinyBIG's node and link files (nothing is downloaded at run time)`, { argument: 'data_parameters.cache_dir', expected: `a folder holding \`node\` (<id> <features…> <label> rows) and \`link\` (<source id> <target id> rows): ${nodeFile}, ${linkFile}`, received: `missing ${missing.join(', ')}` });
  const g = parseCitationGraph(await readText(nodeFile), await readText(linkFile), nodeFile, linkFile);
  const N = g.labels.length;
  if (o.normalization !== false) rowNormalize(g.x, g.width);
  const idx = (given: readonly number[] | undefined, def: readonly [number, number], key: string) => {
    if (given) return checkTrainIdx(given, [], N, key);
    if (def[1] > N) throw new ValueError(`${name}'s fixed ${key} needs more nodes`, { argument: `${nodeFile}`, expected: `at least ${def[1]} nodes for ${key} = range(${def[0]}, ${def[1]}) (or give data_parameters.${key})`, received: `${N} nodes` });
    return Int32Array.from(range(def));
  };
  const train = idx(o.trainIdx, split.train, 'train_idx');
  const test = idx(o.testIdx, split.test, 'test_idx');
  return nodeClassificationDataset({
    name, x: g.x, width: g.width, labels: g.labels, numClasses: g.classes.length,
    graph: freezeGraph(g.ids.map((_, i) => i), g.links, true), trainIdx: train, testIdx: test,
    trainBatchSize: o.trainBatchSize, testBatchSize: o.testBatchSize,
    description: `${name} from ${dir}: ${N} nodes, ${g.links.length} directed links, ${g.width} features${o.normalization !== false ? ' (row-normalised)' : ''}, ${g.classes.length} classes; ${train.length} train / ${test.length} test nodes`,
  });
}
