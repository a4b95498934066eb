import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, UnknownNameError, UnsupportedError, ValueError, assert2D, camelToSnake, optionsFromParameters, readEnvelope } from '@rpn/core';
import type { Params, Transformation } from '@rpn/core';
import { boolOption, checkKeys, constMatrix, defineCompression, extend, fitModeOption, intOption, numOption, rowsOf, seedOption, seededRandom } from './common.js';
import type { FitMode } from './common.js';
import { columnDistances, columnVariance, manifoldEmbed, pcaPartialFit, sparseRandomProjection, spectralClusterColumns, topIndicesAscending } from './learners.js';
import type { ManifoldKind, PcaState } from './learners.js';
import { checkLearnerKeys, recordedSklearn, sklearnKeys } from './sklearn-params.js';

/**
 * A learner fitted on data (tinyBIG's `koala.machine_learning` objects): `fit` updates its state
 * from a batch, `matrix`/`offset` express the fitted transform as `(x − offset) · matrix`.
 */
interface Learner {
  /** tinyBIG dotted class, e.g. `tinybig.koala.machine_learning.feature_selection.incremental_variance_threshold`. */
  readonly functionClass: string;
  /** Its `function_parameters` (snake_case), for `toConfig`. */
  readonly parameters: Params;
  fit(rows: number[][]): void;
  reset(): void;
  readonly fitted: boolean;
  /** `[m, D]` row-major, and an optional `[m]` offset subtracted first. */
  transform(m: number): { matrix: Float32Array; offset?: Float32Array };
}

/** A compression that fits on data: a transformation plus explicit `fit`/`reset`. */
export interface FittedCompression extends Transformation {
  /** When it fits: every forward (tinyBIG), the first forward only, or only through {@link fit}. */
  readonly fitMode: FitMode;
  /** Fits (or, for the incremental learners, updates) on `x: [b, m]` (pre-processing is not applied). */
  fit(x: Tensor): void;
  /** Forgets the fitted state. */
  reset(): void;
  readonly fitted: boolean;
}

const FS_MODULE = 'tinybig.koala.machine_learning.feature_selection';
const DR_MODULE = 'tinybig.koala.machine_learning.dimension_reduction';
const MANIFOLD_MODULE = 'tinybig.koala.manifold';

/** tinyBIG's incremental averaging of a fitted statistic (`update_v` / `update_D`). */
function incrementalAverage(opts: { incremental: boolean; stop: number; tThreshold: number }) {
  let value: number[] | null = null;
  let t = 0;
  let incremental = opts.incremental;
  return {
    get value() { return value; },
    update(next: number[]): void {
      if (incremental) {
        if (!value) { value = next.map(() => 0); t = 0; }
        t += 1;
        const old = value;
        value = old.map((v, i) => ((t - 1) * v + next[i]) / t);
        const dist = Math.sqrt(old.reduce((s, v, i) => s + (v - value![i]) ** 2, 0));
        if (t >= opts.tThreshold || dist < opts.stop) incremental = false;
      } else {
        value = next;
      }
    },
    reset(): void { value = null; t = 0; incremental = opts.incremental; },
  };
}

function selectionOptions(p: Params) {
  return {
    incremental: boolOption(p, 'incremental', 'incremental', true),
    stop: numOption(p, 'incrementalStopThreshold', 'incremental_stop_threshold', 0.01),
    tThreshold: numOption(p, 'tThreshold', 't_threshold', 100),
  };
}

/** tinyBIG `incremental_variance_threshold(n_feature)`: keep the `n` columns of largest (running-average, unbiased) variance, ascending. */
function varianceThreshold(n: number, p: Params): Learner {
  const o = selectionOptions(p);
  const threshold = numOption(p, 'threshold', 'threshold', 0);
  const avg = incrementalAverage(o);
  return {
    functionClass: `${FS_MODULE}.incremental_variance_threshold`,
    parameters: { n_feature: n, threshold, incremental: o.incremental, incremental_stop_threshold: o.stop, t_threshold: o.tThreshold },
    fit: (rows) => avg.update(columnVariance(rows)),
    reset: () => avg.reset(),
    get fitted() { return avg.value !== null; },
    transform: (m) => {
      const v = avg.value!;
      const idx = topIndicesAscending(v, Math.min(n, m));
      const matrix = new Float32Array(m * n);
      idx.forEach((c, j) => { matrix[c * n + j] = 1; });
      return { matrix };
    },
  };
}

/** tinyBIG `incremental_feature_clustering(n_feature, random_state=42)`: spectral clustering of the columns; output = per-cluster column means. */
function featureClustering(n: number, p: Params): Learner {
  const o = selectionOptions(p);
  const seed = p.randomState == null ? 42 : intOption(p, 'randomState', 'random_state', 0);
  const avg = incrementalAverage(o);
  let labels: number[] | null = null;
  return {
    functionClass: `${FS_MODULE}.incremental_feature_clustering`,
    parameters: { n_feature: n, random_state: seed, incremental: o.incremental, incremental_stop_threshold: o.stop, t_threshold: o.tThreshold },
    fit: (rows) => {
      const m = rows[0].length;
      avg.update(columnDistances(rows).flat());
      const flat = avg.value!;
      labels = spectralClusterColumns(Array.from({ length: m }, (_, i) => flat.slice(i * m, (i + 1) * m)), n, seed);
    },
    reset: () => { avg.reset(); labels = null; },
    get fitted() { return labels !== null; },
    transform: (m) => {
      const matrix = new Float32Array(m * n);
      const counts = new Array<number>(n).fill(0);
      labels!.forEach((l) => { counts[l] += 1; });
      labels!.forEach((l, c) => { matrix[c * n + l] = 1 / counts[l]; });
      return { matrix };
    },
  };
}

/** tinyBIG `incremental_PCA(n_feature)`: sklearn IncrementalPCA partial_fit / transform. */
/** camelCase options → snake_case `function_parameters`. */
const snake = (o: Params): Params => Object.fromEntries(Object.entries(o).map(([k, v]) => [camelToSnake(k), v]));

function incrementalPca(n: number, extra: Params = {}): Learner {
  let state: PcaState | null = null;
  return {
    functionClass: `${DR_MODULE}.incremental_PCA`,
    parameters: { n_feature: n, ...snake(extra) },
    fit: (rows) => { state = pcaPartialFit(state, rows, n); },
    reset: () => { state = null; },
    get fitted() { return state !== null; },
    transform: (m) => {
      const s = state!;
      const matrix = new Float32Array(m * n);
      s.components.forEach((row, j) => row.forEach((v, i) => { matrix[i * n + j] = v; }));
      return { matrix, offset: Float32Array.from(s.mean) };
    },
  };
}

/** tinyBIG `incremental_random_projection(n_feature)`: sklearn SparseRandomProjection, seeded. */
function randomProjection(n: number, seed: number, extra: Params = {}): Learner {
  const random = seededRandom(seed);
  let R: number[][] | null = null;
  return {
    functionClass: `${DR_MODULE}.incremental_random_projection`,
    parameters: { n_feature: n, ...snake(extra) },
    fit: (rows) => { R = sparseRandomProjection(rows[0].length, n, random); },
    reset: () => { R = null; },
    get fitted() { return R !== null; },
    transform: (m) => {
      const matrix = new Float32Array(m * n);
      R!.forEach((row, j) => row.forEach((v, i) => { matrix[i * n + j] = v; }));
      return { matrix };
    },
  };
}

/** sklearn's `random_state` seeds the random projection when it is an integer (tinyBIG's draw is unseeded, so no number of tinyBIG's changes). */
function rpSeed(p: Params, seed: number): number {
  return typeof p.randomState === 'number' && Number.isInteger(p.randomState) ? p.randomState : seed;
}

function learnerFromConfig(config: unknown, D: number, argument: string, seed: number): Learner {
  const env = readEnvelope(config, argument);
  const last = env.className.slice(env.className.lastIndexOf('.') + 1);
  const p = optionsFromParameters(env.parameters);
  if (p.nFeature != null && p.nFeature !== D) {
    throw new ConfigError('n_feature disagrees with D', { argument: `${argument}.function_parameters.n_feature`, expected: String(D), received: JSON.stringify(p.nFeature) });
  }
  delete p.nFeature;
  delete p.name;
  delete p.device;
  const selection = ['incremental', 'incrementalStopThreshold', 'tThreshold'];
  const own: Record<string, readonly string[]> = {
    incremental_variance_threshold: [...selection, 'threshold'],
    incremental_feature_clustering: [...selection, 'randomState'],
    incremental_PCA: ['incremental'],
    incremental_random_projection: ['incremental'],
  };
  if (own[last]) checkLearnerKeys(p, last, own[last], argument);
  const extra = (): Params => ({ ...(p.incremental !== undefined ? { incremental: p.incremental } : {}), ...recordedSklearn(p, last, D, `${argument}.function_parameters.`) });
  switch (last) {
    case 'incremental_variance_threshold': return varianceThreshold(D, p);
    case 'incremental_feature_clustering': return featureClustering(D, p);
    case 'incremental_PCA': return incrementalPca(D, extra());
    case 'incremental_random_projection': return randomProjection(D, rpSeed(p, seed), extra());
    default:
      throw new UnknownNameError(env.className, ['incremental_variance_threshold', 'incremental_feature_clustering', 'incremental_PCA', 'incremental_random_projection'], argument);
  }
}

function fittedCompression(className: string, options: Params, D: number, learner: Learner, mode: FitMode, own: Params): FittedCompression {
  const calculateD = (m: number): number => {
    if (D > m) throw new ValueError(`${className} cannot output more columns than it receives`, { argument: 'D', expected: `D ≤ m = ${m}`, received: String(D) });
    return D;
  };
  let fittedWidth = -1;
  const fitRows = (x: Tensor): void => {
    const rows = rowsOf(x);
    learner.fit(rows);
    fittedWidth = x.shape[1] as number;
  };
  const t = defineCompression(className, options, {
    own: { ...own, fitMode: mode },
    calculateD,
    kappa: (x) => {
      const m = x.shape[1] as number;
      calculateD(m);
      if (mode === 'every_call' || (mode === 'first_call' && !learner.fitted)) fitRows(x);
      if (!learner.fitted) throw new UnsupportedError(`${className} is not fitted`, { argument: 'fit_mode', expected: "a call to fit(x) first (fit_mode 'explicit')", received: 'an unfitted function' });
      if (fittedWidth !== m) throw new ValueError('input width differs from the width it was fitted on', { argument: 'x', expected: `width ${fittedWidth}`, received: `width ${m}` });
      const { matrix, offset } = learner.transform(m);
      const centred = offset ? tf.sub(x, tf.tensor1d(offset)) : x;
      return tf.matMul(centred, constMatrix(matrix, m, D));
    },
  });
  return extend(t, {
    fitMode: mode,
    fit: (x: Tensor) => { assert2D(x, 'x'); calculateD(x.shape[1] as number); fitRows(x); },
    reset: () => { learner.reset(); fittedWidth = -1; },
    get fitted() { return learner.fitted; },
  }) as FittedCompression;
}

const FS_KEYS = ['D', 'fitMode'];

/**
 * tinyBIG `feature_selection_compression(D, fs_function_configs)`: `fs_function` is
 * `incremental_variance_threshold` or `incremental_feature_clustering` (koala.machine_learning).
 */
export function featureSelectionCompression(options: Params): FittedCompression {
  checkKeys(options, [...FS_KEYS, 'fsFunctionConfigs', 'seed'], 'feature_selection_compression');
  const D = intOption(options, 'D', 'D', 1);
  if (options.fsFunctionConfigs == null) throw new ConfigError('feature_selection_compression needs fs_function_configs', { argument: 'fs_function_configs', expected: 'a {function_class, function_parameters} config', received: 'nothing' });
  const learner = learnerFromConfig(options.fsFunctionConfigs, D, 'fs_function_configs', 0);
  return fittedCompression('feature_selection_compression', options, D, learner, fitModeOption(options, 'every_call'), {
    D, fsFunctionConfigs: { function_class: learner.functionClass, function_parameters: learner.parameters },
  });
}

/** tinyBIG `incremental_variance_threshold_based_compression(D)`: the D highest-variance columns, ascending by variance. */
export function incrementalVarianceThresholdBasedCompression(options: Params): FittedCompression {
  checkKeys(options, FS_KEYS, 'incremental_variance_threshold_based_compression');
  const D = intOption(options, 'D', 'D', 1);
  return fittedCompression('incremental_variance_threshold_based_compression', options, D, varianceThreshold(D, {}), fitModeOption(options, 'every_call'), { D });
}

/** tinyBIG `incremental_feature_clustering_based_compression(D)`: spectral clustering of the columns into D groups, output the group means. */
export function incrementalFeatureClusteringBasedCompression(options: Params): FittedCompression {
  checkKeys(options, [...FS_KEYS, 'randomState'], 'incremental_feature_clustering_based_compression');
  const D = intOption(options, 'D', 'D', 1);
  const rs = options.randomState == null ? 42 : intOption(options, 'randomState', 'random_state', 0);
  return fittedCompression('incremental_feature_clustering_based_compression', options, D, featureClustering(D, { randomState: rs }), fitModeOption(options, 'every_call'), { D, randomState: rs });
}

/** tinyBIG `dimension_reduction_compression(D, dr_function_configs)`: `incremental_PCA` or `incremental_random_projection`. */
export function dimensionReductionCompression(options: Params): FittedCompression {
  checkKeys(options, [...FS_KEYS, 'drFunctionConfigs', 'seed'], 'dimension_reduction_compression');
  const D = intOption(options, 'D', 'D', 1);
  if (options.drFunctionConfigs == null) throw new ConfigError('dimension_reduction_compression needs dr_function_configs', { argument: 'dr_function_configs', expected: 'a {function_class, function_parameters} config', received: 'nothing' });
  const seed = seedOption(options);
  const learner = learnerFromConfig(options.drFunctionConfigs, D, 'dr_function_configs', seed);
  const isRp = learner.functionClass.endsWith('random_projection');
  return fittedCompression('dimension_reduction_compression', options, D, learner, fitModeOption(options, isRp ? 'first_call' : 'every_call'), {
    D, drFunctionConfigs: { function_class: learner.functionClass, function_parameters: learner.parameters }, seed,
  });
}

/** tinyBIG `incremental_PCA_based_compression(D)`: sklearn IncrementalPCA (partial_fit on every call by default), `(x − μ)·Vᵀ`. */
export function incrementalPcaBasedCompression(options: Params): FittedCompression {
  checkKeys(options, [...FS_KEYS, ...sklearnKeys('incremental_PCA')], 'incremental_PCA_based_compression');
  const D = intOption(options, 'D', 'D', 1);
  const extra = recordedSklearn(options, 'incremental_PCA', D);
  return fittedCompression('incremental_PCA_based_compression', options, D, incrementalPca(D, extra), fitModeOption(options, 'every_call'), { D, ...extra });
}

/** tinyBIG `incremental_random_projection_based_compression(D)`: a seeded sparse random projection `x·Rᵀ`, drawn on the first call by default. */
export function incrementalRandomProjectionBasedCompression(options: Params): FittedCompression {
  checkKeys(options, [...FS_KEYS, 'seed', ...sklearnKeys('incremental_random_projection')], 'incremental_random_projection_based_compression');
  const D = intOption(options, 'D', 'D', 1);
  const extra = recordedSklearn(options, 'incremental_random_projection', D);
  const seed = rpSeed(options, seedOption(options));
  return fittedCompression('incremental_random_projection_based_compression', options, D, randomProjection(D, seed, extra), fitModeOption(options, 'first_call'), { D, seed, ...extra });
}

/** A manifold compression: the embedding of each batch (fit_transform on every call, no gradient). */
export interface ManifoldCompression extends Transformation {
  readonly manifold: ManifoldKind;
}

const MANIFOLD_CLASSES: Record<string, ManifoldKind> = {
  isomap_manifold: 'isomap', lle_manifold: 'lle', mds_manifold: 'mds', spectral_embedding_manifold: 'spectral_embedding', tsne_manifold: 'tsne',
};

function manifold(className: string, options: Params, kind: ManifoldKind, p: { nNeighbors: number; perplexity: number }, own: Params): ManifoldCompression {
  const D = intOption(options, 'D', 'D', 1);
  const seed = seedOption(options);
  const t = defineCompression(className, options, {
    own: { D, ...own, seed },
    calculateD: () => D,
    kappa: (x) => {
      const [b] = x.shape;
      if (b < 2 || D >= b) throw new ValueError(`${className} needs more rows than output columns`, { argument: 'x', expected: `at least ${Math.max(2, D + 1)} rows`, received: `${b} rows` });
      const Y = manifoldEmbed(rowsOf(x), { kind, nComponents: D, nNeighbors: p.nNeighbors, perplexity: p.perplexity, seed });
      return tf.tensor2d(Float32Array.from(Y.flat()), [b, D]);
    },
  });
  return extend(t, { manifold: kind });
}

/** The option keys every manifold compression takes beyond its learner's sklearn parameters: tinyBIG's `D`, `n_neighbors` (stored by its `manifold_compression` base), our `seed`. */
const MANIFOLD_KEYS = ['D', 'nNeighbors', 'seed'];

/**
 * tinyBIG `manifold_compression(D, n_neighbors=1, manifold_function_configs)`: one of the koala.manifold
 * learners, built with its `function_parameters` (`n_neighbors` reaches Isomap and LLE, `perplexity`
 * TSNE, as in tinyBIG; the learner's other scikit-learn parameters are accepted and recorded).
 */
export function manifoldCompression(options: Params): ManifoldCompression {
  checkKeys(options, [...MANIFOLD_KEYS, 'manifoldFunctionConfigs'], 'manifold_compression');
  const D = intOption(options, 'D', 'D', 1);
  if (options.manifoldFunctionConfigs == null) throw new ConfigError('manifold_compression needs manifold_function_configs', { argument: 'manifold_function_configs', expected: 'a {function_class, function_parameters} config', received: 'nothing' });
  const env = readEnvelope(options.manifoldFunctionConfigs, 'manifold_function_configs');
  const short = env.className.slice(env.className.lastIndexOf('.') + 1);
  const kind = MANIFOLD_CLASSES[short];
  if (!kind) throw new UnknownNameError(env.className, Object.keys(MANIFOLD_CLASSES), 'manifold function');
  const p = optionsFromParameters(env.parameters);
  checkLearnerKeys(p, kind, ['nNeighbors', 'nComponents', ...(kind === 'tsne' ? ['perplexity'] : [])], 'manifold_function_configs');
  const recorded = recordedSklearn(p, kind, D, 'manifold_function_configs.function_parameters.');
  const nNeighbors = intOption(p, 'nNeighbors', 'n_neighbors', 1, 5);
  const perplexity = numOption(p, 'perplexity', 'perplexity', 5);
  const fp: Params = { ...snake(recorded), n_components: D, ...(p.nNeighbors !== undefined || kind === 'isomap' || kind === 'lle' ? { n_neighbors: nNeighbors } : {}), ...(kind === 'tsne' ? { perplexity } : {}) };
  return manifold('manifold_compression', options, kind, { nNeighbors, perplexity }, {
    nNeighbors: options.nNeighbors ?? undefined,
    manifoldFunctionConfigs: { function_class: `${MANIFOLD_MODULE}.${short}`, function_parameters: fp },
  });
}

/**
 * One named manifold compression: tinyBIG's own keys, plus the scikit-learn parameters of its
 * learner (accepted and recorded; tinyBIG does not pass them on, so neither do we).
 */
function namedManifold(className: string, kind: ManifoldKind, options: Params, extraKeys: readonly string[], p: { nNeighbors: number; perplexity: number }, own: Params): ManifoldCompression {
  checkKeys(options, [...MANIFOLD_KEYS, ...extraKeys, ...sklearnKeys(kind)], className);
  const D = intOption(options, 'D', 'D', 1);
  const recorded = recordedSklearn(options, kind, D);
  return manifold(className, options, kind, p, { ...recorded, ...(options.nNeighbors !== undefined ? { nNeighbors: options.nNeighbors } : {}), ...own });
}

/** tinyBIG `isomap_manifold_compression(D, n_neighbors=1)`: Isomap (druidjs ISOMAP) with n_neighbors. */
export function isomapManifoldCompression(options: Params): ManifoldCompression {
  const nNeighbors = intOption(options, 'nNeighbors', 'n_neighbors', 1, 1);
  return namedManifold('isomap_manifold_compression', 'isomap', options, [], { nNeighbors, perplexity: 5 }, { nNeighbors });
}
/** tinyBIG `lle_manifold_compression(D, n_neighbors=1)`: locally linear embedding (druidjs LLE) with n_neighbors. */
export function lleManifoldCompression(options: Params): ManifoldCompression {
  const nNeighbors = intOption(options, 'nNeighbors', 'n_neighbors', 1, 1);
  return namedManifold('lle_manifold_compression', 'lle', options, [], { nNeighbors, perplexity: 5 }, { nNeighbors });
}
/** tinyBIG `mds_manifold_compression(D)`: metric MDS by SMACOF (druidjs SMACOF); `n_neighbors` is accepted and, as in tinyBIG, unused. */
export function mdsManifoldCompression(options: Params): ManifoldCompression {
  const nNeighbors = options.nNeighbors == null ? 5 : intOption(options, 'nNeighbors', 'n_neighbors', 1);
  return namedManifold('mds_manifold_compression', 'mds', options, [], { nNeighbors, perplexity: 5 }, {});
}
/**
 * tinyBIG `spectral_embedding_manifold_compression(D)`: Laplacian eigenmaps (ml-matrix eigen-decomposition)
 * on sklearn's default kNN graph, `n_neighbors = max(⌊b/10⌋, 1)`. tinyBIG builds `SpectralEmbedding(n_components=D)`
 * only, so a given `n_neighbors` (and `affinity`, `gamma`, …) is accepted and recorded but leaves the numbers as tinyBIG's.
 */
export function spectralEmbeddingManifoldCompression(options: Params): ManifoldCompression {
  const nNeighbors = options.nNeighbors == null ? 5 : intOption(options, 'nNeighbors', 'n_neighbors', 1);
  return namedManifold('spectral_embedding_manifold_compression', 'spectral_embedding', options, [], { nNeighbors, perplexity: 5 }, {});
}
/** tinyBIG `tsne_manifold_compression(D, perplexity)`: t-SNE (druidjs TSNE, 1000 iterations). */
export function tsneManifoldCompression(options: Params): ManifoldCompression {
  const perplexity = numOption(options, 'perplexity', 'perplexity', NaN);
  if (!(perplexity > 0)) throw new ValueError('tsne needs a positive perplexity', { argument: 'perplexity', expected: 'a number > 0', received: JSON.stringify(options.perplexity) });
  const nNeighbors = options.nNeighbors == null ? 5 : intOption(options, 'nNeighbors', 'n_neighbors', 1);
  return namedManifold('tsne_manifold_compression', 'tsne', options, [], { nNeighbors, perplexity }, { perplexity });
}
