import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ConfigError, UnknownNameError, UnsupportedError, ValueError, any, assert2D, bool, camelToSnake, defineOptions, int, num, oneOf, optionsFromParameters, readEnvelope } from '@rpn/core';
import type { OptionFields, OptionSchema, Params, Transformation } from '@rpn/core';
import { COMPRESSION_BASE, SEED, constMatrix, defineCompression, extend, rowsOf, seedOrDraw, seededRandom } from './common.js';
import type { FitMode } from './common.js';
import { columnDistances, columnVariance, manifoldEmbed, pcaPartialFit, sparseRandomProjection, spectralClusterColumns, topIndicesAscending } from './learners.js';
import type { ManifoldKind, PcaState } from './learners.js';
import { recordedSklearn, sklearnFields } from './sklearn-params.js';

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

// ---- Options, declared once per class and per learner (core's option schema) ----

const FIT_MODES = ['every_call', 'first_call', 'explicit'] as const;
const FIT_MODE_DOC = 'when it fits: every forward (tinyBIG), the first forward only, or only through fit(x)';
const fitMode = (d: FitMode) => oneOf(FIT_MODES, { default: d, doc: FIT_MODE_DOC });
const outWidth = () => int({ required: true, min: 1, doc: 'output width D' });
const learnerConfig = (doc: string) => any<unknown>({ required: true, expected: 'a {function_class, function_parameters} config', doc });

/** The incremental averaging of tinyBIG's feature-selection learners. */
const SELECTION_FIELDS = Object.freeze({
  incremental: bool({ default: true, doc: 'average the fitted statistic over calls' }),
  incrementalStopThreshold: num({ default: 0.01, min: 0, doc: 'stop averaging when the statistic moves less than this' }),
  tThreshold: num({ default: 100, min: 0, doc: 'stop averaging after this many calls' }),
});

/** Options of the koala.machine_learning learners (`function_parameters` of `fs_function_configs` / `dr_function_configs`), one schema per learner. */
export const LEARNER_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze({
  incremental_variance_threshold: defineOptions('incremental_variance_threshold', { ...SELECTION_FIELDS, threshold: num({ default: 0, doc: 'variance threshold (recorded)' }) }),
  incremental_feature_clustering: defineOptions('incremental_feature_clustering', { ...SELECTION_FIELDS, randomState: int({ default: 42, min: 0, doc: 'seed of the spectral clustering' }) }),
  incremental_PCA: defineOptions('incremental_PCA', { ...sklearnFields('incremental_PCA'), incremental: bool({ doc: "tinyBIG's flag (recorded)" }) }),
  incremental_random_projection: defineOptions('incremental_random_projection', { ...sklearnFields('incremental_random_projection'), incremental: bool({ doc: "tinyBIG's flag (recorded)" }) }),
});

/** Options of the koala.manifold learners (`function_parameters` of `manifold_function_configs`), one schema per learner. */
export const MANIFOLD_LEARNER_OPTIONS: Readonly<Record<ManifoldKind, OptionSchema>> = Object.freeze({
  isomap: defineOptions('isomap_manifold', { ...sklearnFields('isomap'), nNeighbors: int({ min: 1, doc: 'neighbours of the kNN graph (default 5)' }) }),
  lle: defineOptions('lle_manifold', { ...sklearnFields('lle'), nNeighbors: int({ min: 1, doc: 'neighbours of the kNN graph (default 5)' }) }),
  mds: defineOptions('mds_manifold', { ...sklearnFields('mds'), nNeighbors: int({ min: 1, doc: 'accepted, unused (as in tinyBIG)' }) }),
  spectral_embedding: defineOptions('spectral_embedding_manifold', { ...sklearnFields('spectral_embedding'), nNeighbors: int({ min: 1, doc: 'recorded; the kNN graph uses max(⌊b/10⌋, 1), as in tinyBIG' }) }),
  tsne: defineOptions('tsne_manifold', { ...sklearnFields('tsne'), nNeighbors: int({ min: 1, doc: 'accepted, unused' }), perplexity: num({ default: 5, min: 0, exclusiveMin: true, doc: 'perplexity of t-SNE' }) }),
});

/**
 * A nested learner's `function_parameters` checked by its schema: a mistake is a ConfigError whose
 * argument is the full path (`dr_function_configs.function_parameters.whiten`).
 */
function parseLearner(schema: OptionSchema, p: Params, argument: string): Record<string, unknown> {
  try {
    return schema.parse(p, 'config') as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.message, { argument: `${argument}.function_parameters.${e.argument}`, expected: e.expected, received: e.received });
    throw e;
  }
}

/** Options of {@link featureSelectionCompression} (tinyBIG `feature_selection_compression`). */
export const FEATURE_SELECTION_COMPRESSION_OPTIONS = defineOptions('feature_selection_compression', {
  D: outWidth(), fitMode: fitMode('every_call'),
  fsFunctionConfigs: learnerConfig('incremental_variance_threshold or incremental_feature_clustering config'),
  seed: SEED,
}, COMPRESSION_BASE);
/** Options of {@link incrementalVarianceThresholdBasedCompression}. */
export const INCREMENTAL_VARIANCE_THRESHOLD_COMPRESSION_OPTIONS = defineOptions('incremental_variance_threshold_based_compression', { D: outWidth(), fitMode: fitMode('every_call') }, COMPRESSION_BASE);
/** Options of {@link incrementalFeatureClusteringBasedCompression}. */
export const INCREMENTAL_FEATURE_CLUSTERING_COMPRESSION_OPTIONS = defineOptions('incremental_feature_clustering_based_compression', {
  D: outWidth(), fitMode: fitMode('every_call'), randomState: int({ default: 42, min: 0, doc: 'seed of the spectral clustering' }),
}, COMPRESSION_BASE);
/** Options of {@link dimensionReductionCompression} (fit mode default: first_call for a random projection, else every_call). */
export const DIMENSION_REDUCTION_COMPRESSION_OPTIONS = defineOptions('dimension_reduction_compression', {
  D: outWidth(), fitMode: oneOf(FIT_MODES, { doc: `${FIT_MODE_DOC} (default first_call for a random projection, else every_call)` }),
  drFunctionConfigs: learnerConfig('incremental_PCA or incremental_random_projection config'),
  seed: SEED,
}, COMPRESSION_BASE);
/** Options of {@link incrementalPcaBasedCompression}: D, the fit mode and IncrementalPCA's scikit-learn parameters. */
export const INCREMENTAL_PCA_COMPRESSION_OPTIONS = defineOptions('incremental_PCA_based_compression', {
  ...sklearnFields('incremental_PCA'), D: outWidth(), fitMode: fitMode('every_call'),
}, COMPRESSION_BASE);
/** Options of {@link incrementalRandomProjectionBasedCompression}: D, the fit mode, the seed and SparseRandomProjection's parameters (an integer random_state seeds it). */
export const INCREMENTAL_RANDOM_PROJECTION_COMPRESSION_OPTIONS = defineOptions('incremental_random_projection_based_compression', {
  ...sklearnFields('incremental_random_projection'), D: outWidth(), fitMode: fitMode('first_call'), seed: SEED,
}, COMPRESSION_BASE);
/** Options of {@link manifoldCompression} (tinyBIG `manifold_compression`). */
export const MANIFOLD_COMPRESSION_OPTIONS = defineOptions('manifold_compression', {
  D: outWidth(),
  nNeighbors: int({ min: 1, doc: "stored by tinyBIG's manifold_compression (recorded when given)" }),
  manifoldFunctionConfigs: learnerConfig('a koala.manifold learner config (isomap, lle, mds, spectral_embedding, tsne)'),
  seed: SEED,
}, COMPRESSION_BASE);

function namedManifoldOptions(className: string, kind: ManifoldKind, own: OptionFields) {
  return defineOptions(className, { ...sklearnFields(kind), D: outWidth(), nNeighbors: int({ min: 1, doc: 'accepted and recorded' }), seed: SEED, ...own }, COMPRESSION_BASE);
}
/** Options of the named manifold compressions: D, n_neighbors, seed and their learner's scikit-learn parameters. */
export const ISOMAP_MANIFOLD_COMPRESSION_OPTIONS = namedManifoldOptions('isomap_manifold_compression', 'isomap', { nNeighbors: int({ default: 1, min: 1, doc: 'neighbours of the kNN graph' }) });
export const LLE_MANIFOLD_COMPRESSION_OPTIONS = namedManifoldOptions('lle_manifold_compression', 'lle', { nNeighbors: int({ default: 1, min: 1, doc: 'neighbours of the kNN graph' }) });
export const MDS_MANIFOLD_COMPRESSION_OPTIONS = namedManifoldOptions('mds_manifold_compression', 'mds', {});
export const SPECTRAL_EMBEDDING_MANIFOLD_COMPRESSION_OPTIONS = namedManifoldOptions('spectral_embedding_manifold_compression', 'spectral_embedding', {});
export const TSNE_MANIFOLD_COMPRESSION_OPTIONS = namedManifoldOptions('tsne_manifold_compression', 'tsne', { perplexity: num({ required: true, min: 0, exclusiveMin: true, doc: 'perplexity of t-SNE' }) });

/** Every fitted compression's schema by its tinyBIG class name. */
export const FITTED_COMPRESSION_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze({
  feature_selection_compression: FEATURE_SELECTION_COMPRESSION_OPTIONS,
  incremental_variance_threshold_based_compression: INCREMENTAL_VARIANCE_THRESHOLD_COMPRESSION_OPTIONS,
  incremental_feature_clustering_based_compression: INCREMENTAL_FEATURE_CLUSTERING_COMPRESSION_OPTIONS,
  dimension_reduction_compression: DIMENSION_REDUCTION_COMPRESSION_OPTIONS,
  incremental_PCA_based_compression: INCREMENTAL_PCA_COMPRESSION_OPTIONS,
  incremental_random_projection_based_compression: INCREMENTAL_RANDOM_PROJECTION_COMPRESSION_OPTIONS,
  manifold_compression: MANIFOLD_COMPRESSION_OPTIONS,
  isomap_manifold_compression: ISOMAP_MANIFOLD_COMPRESSION_OPTIONS,
  lle_manifold_compression: LLE_MANIFOLD_COMPRESSION_OPTIONS,
  mds_manifold_compression: MDS_MANIFOLD_COMPRESSION_OPTIONS,
  spectral_embedding_manifold_compression: SPECTRAL_EMBEDDING_MANIFOLD_COMPRESSION_OPTIONS,
  tsne_manifold_compression: TSNE_MANIFOLD_COMPRESSION_OPTIONS,
});

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

/** A feature-selection learner's parsed options (see {@link LEARNER_OPTIONS}). */
type SelectionValues = Record<string, unknown>;

function selectionOptions(p: SelectionValues) {
  return { incremental: p.incremental as boolean, stop: p.incrementalStopThreshold as number, tThreshold: p.tThreshold as number };
}

/** tinyBIG `incremental_variance_threshold(n_feature)`: keep the `n` columns of largest (running-average, unbiased) variance, ascending. */
function varianceThreshold(n: number, p: SelectionValues = LEARNER_OPTIONS.incremental_variance_threshold.parse({})): Learner {
  const o = selectionOptions(p);
  const threshold = p.threshold as number;
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
function featureClustering(n: number, p: SelectionValues): Learner {
  const o = selectionOptions(p);
  const seed = p.randomState as number;
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
  const schema = LEARNER_OPTIONS[last];
  const v = schema ? parseLearner(schema, p, argument) : {};
  const extra = (): Params => ({ ...(p.incremental !== undefined ? { incremental: p.incremental } : {}), ...recordedSklearn(p, last, D, `${argument}.function_parameters.`) });
  switch (last) {
    case 'incremental_variance_threshold': return varianceThreshold(D, v);
    case 'incremental_feature_clustering': return featureClustering(D, v);
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

/**
 * tinyBIG `feature_selection_compression(D, fs_function_configs)`: `fs_function` is
 * `incremental_variance_threshold` or `incremental_feature_clustering` (koala.machine_learning).
 */
export function featureSelectionCompression(options: Params): FittedCompression {
  const o = FEATURE_SELECTION_COMPRESSION_OPTIONS.parse(options);
  const D = o.D;
  const learner = learnerFromConfig(o.fsFunctionConfigs, D, 'fs_function_configs', 0);
  return fittedCompression('feature_selection_compression', options, D, learner, o.fitMode, {
    D, fsFunctionConfigs: { function_class: learner.functionClass, function_parameters: learner.parameters },
  });
}

/** tinyBIG `incremental_variance_threshold_based_compression(D)`: the D highest-variance columns, ascending by variance. */
export function incrementalVarianceThresholdBasedCompression(options: Params): FittedCompression {
  const { D, fitMode: mode } = INCREMENTAL_VARIANCE_THRESHOLD_COMPRESSION_OPTIONS.parse(options);
  return fittedCompression('incremental_variance_threshold_based_compression', options, D, varianceThreshold(D), mode, { D });
}

/** tinyBIG `incremental_feature_clustering_based_compression(D)`: spectral clustering of the columns into D groups, output the group means. */
export function incrementalFeatureClusteringBasedCompression(options: Params): FittedCompression {
  const { D, fitMode: mode, randomState: rs } = INCREMENTAL_FEATURE_CLUSTERING_COMPRESSION_OPTIONS.parse(options);
  const learner = featureClustering(D, LEARNER_OPTIONS.incremental_feature_clustering.parse({ randomState: rs }));
  return fittedCompression('incremental_feature_clustering_based_compression', options, D, learner, mode, { D, randomState: rs });
}

/** tinyBIG `dimension_reduction_compression(D, dr_function_configs)`: `incremental_PCA` or `incremental_random_projection`. */
export function dimensionReductionCompression(options: Params): FittedCompression {
  const o = DIMENSION_REDUCTION_COMPRESSION_OPTIONS.parse(options);
  const D = o.D;
  const seed = seedOrDraw(o.seed);
  const learner = learnerFromConfig(o.drFunctionConfigs, D, 'dr_function_configs', seed);
  const isRp = learner.functionClass.endsWith('random_projection');
  return fittedCompression('dimension_reduction_compression', options, D, learner, o.fitMode ?? (isRp ? 'first_call' : 'every_call'), {
    D, drFunctionConfigs: { function_class: learner.functionClass, function_parameters: learner.parameters }, seed,
  });
}

/** tinyBIG `incremental_PCA_based_compression(D)`: sklearn IncrementalPCA (partial_fit on every call by default), `(x − μ)·Vᵀ`. */
export function incrementalPcaBasedCompression(options: Params): FittedCompression {
  const { D, fitMode: mode } = INCREMENTAL_PCA_COMPRESSION_OPTIONS.parse(options);
  const extra = recordedSklearn(options, 'incremental_PCA', D);
  return fittedCompression('incremental_PCA_based_compression', options, D, incrementalPca(D, extra), mode, { D, ...extra });
}

/** tinyBIG `incremental_random_projection_based_compression(D)`: a seeded sparse random projection `x·Rᵀ`, drawn on the first call by default. */
export function incrementalRandomProjectionBasedCompression(options: Params): FittedCompression {
  const o = INCREMENTAL_RANDOM_PROJECTION_COMPRESSION_OPTIONS.parse(options);
  const D = o.D;
  const extra = recordedSklearn(options, 'incremental_random_projection', D);
  const seed = rpSeed(options, seedOrDraw(o.seed));
  return fittedCompression('incremental_random_projection_based_compression', options, D, randomProjection(D, seed, extra), o.fitMode, { D, seed, ...extra });
}

/** A manifold compression: the embedding of each batch (fit_transform on every call, no gradient). */
export interface ManifoldCompression extends Transformation {
  readonly manifold: ManifoldKind;
}

const MANIFOLD_CLASSES: Record<string, ManifoldKind> = {
  isomap_manifold: 'isomap', lle_manifold: 'lle', mds_manifold: 'mds', spectral_embedding_manifold: 'spectral_embedding', tsne_manifold: 'tsne',
};

function manifold(className: string, options: Params, kind: ManifoldKind, p: { D: number; seed?: number; nNeighbors: number; perplexity: number }, own: Params): ManifoldCompression {
  const D = p.D;
  const seed = seedOrDraw(p.seed);
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

/**
 * tinyBIG `manifold_compression(D, n_neighbors=1, manifold_function_configs)`: one of the koala.manifold
 * learners, built with its `function_parameters` (`n_neighbors` reaches Isomap and LLE, `perplexity`
 * TSNE, as in tinyBIG; the learner's other scikit-learn parameters are accepted and recorded).
 */
export function manifoldCompression(options: Params): ManifoldCompression {
  const o = MANIFOLD_COMPRESSION_OPTIONS.parse(options);
  const D = o.D;
  const env = readEnvelope(o.manifoldFunctionConfigs, 'manifold_function_configs');
  const short = env.className.slice(env.className.lastIndexOf('.') + 1);
  const kind = MANIFOLD_CLASSES[short];
  if (!kind) throw new UnknownNameError(env.className, Object.keys(MANIFOLD_CLASSES), 'manifold function');
  const p = optionsFromParameters(env.parameters);
  delete p.name;
  delete p.device;
  const v = parseLearner(MANIFOLD_LEARNER_OPTIONS[kind], p, 'manifold_function_configs');
  const recorded = recordedSklearn(p, kind, D, 'manifold_function_configs.function_parameters.');
  const nNeighbors = (v.nNeighbors as number | undefined) ?? 5;
  const perplexity = (v.perplexity as number | undefined) ?? 5;
  const fp: Params = { ...snake(recorded), n_components: D, ...(p.nNeighbors !== undefined || kind === 'isomap' || kind === 'lle' ? { n_neighbors: nNeighbors } : {}), ...(kind === 'tsne' ? { perplexity } : {}) };
  return manifold('manifold_compression', options, kind, { D, seed: o.seed, nNeighbors, perplexity }, {
    nNeighbors: options.nNeighbors ?? undefined,
    manifoldFunctionConfigs: { function_class: `${MANIFOLD_MODULE}.${short}`, function_parameters: fp },
  });
}

/**
 * One named manifold compression: tinyBIG's own keys, plus the scikit-learn parameters of its
 * learner (accepted and recorded; tinyBIG does not pass them on, so neither do we).
 */
function namedManifold(className: string, kind: ManifoldKind, options: Params, p: { D: number; seed?: number; nNeighbors: number; perplexity: number }, own: Params): ManifoldCompression {
  const recorded = recordedSklearn(options, kind, p.D);
  return manifold(className, options, kind, p, { ...recorded, ...(options.nNeighbors !== undefined ? { nNeighbors: options.nNeighbors } : {}), ...own });
}

/** tinyBIG `isomap_manifold_compression(D, n_neighbors=1)`: Isomap (druidjs ISOMAP) with n_neighbors. */
export function isomapManifoldCompression(options: Params): ManifoldCompression {
  const o = ISOMAP_MANIFOLD_COMPRESSION_OPTIONS.parse(options);
  return namedManifold('isomap_manifold_compression', 'isomap', options, { D: o.D, seed: o.seed, nNeighbors: o.nNeighbors as number, perplexity: 5 }, { nNeighbors: o.nNeighbors });
}
/** tinyBIG `lle_manifold_compression(D, n_neighbors=1)`: locally linear embedding (druidjs LLE) with n_neighbors. */
export function lleManifoldCompression(options: Params): ManifoldCompression {
  const o = LLE_MANIFOLD_COMPRESSION_OPTIONS.parse(options);
  return namedManifold('lle_manifold_compression', 'lle', options, { D: o.D, seed: o.seed, nNeighbors: o.nNeighbors as number, perplexity: 5 }, { nNeighbors: o.nNeighbors });
}
/** tinyBIG `mds_manifold_compression(D)`: metric MDS by SMACOF (druidjs SMACOF); `n_neighbors` is accepted and, as in tinyBIG, unused. */
export function mdsManifoldCompression(options: Params): ManifoldCompression {
  const o = MDS_MANIFOLD_COMPRESSION_OPTIONS.parse(options);
  return namedManifold('mds_manifold_compression', 'mds', options, { D: o.D, seed: o.seed, nNeighbors: o.nNeighbors ?? 5, perplexity: 5 }, {});
}
/**
 * tinyBIG `spectral_embedding_manifold_compression(D)`: Laplacian eigenmaps (ml-matrix eigen-decomposition)
 * on sklearn's default kNN graph, `n_neighbors = max(⌊b/10⌋, 1)`. tinyBIG builds `SpectralEmbedding(n_components=D)`
 * only, so a given `n_neighbors` (and `affinity`, `gamma`, …) is accepted and recorded but leaves the numbers as tinyBIG's.
 */
export function spectralEmbeddingManifoldCompression(options: Params): ManifoldCompression {
  const o = SPECTRAL_EMBEDDING_MANIFOLD_COMPRESSION_OPTIONS.parse(options);
  return namedManifold('spectral_embedding_manifold_compression', 'spectral_embedding', options, { D: o.D, seed: o.seed, nNeighbors: o.nNeighbors ?? 5, perplexity: 5 }, {});
}
/** tinyBIG `tsne_manifold_compression(D, perplexity)`: t-SNE (druidjs TSNE, 1000 iterations). */
export function tsneManifoldCompression(options: Params): ManifoldCompression {
  const o = TSNE_MANIFOLD_COMPRESSION_OPTIONS.parse(options);
  const perplexity = (o as unknown as { perplexity: number }).perplexity;
  return namedManifold('tsne_manifold_compression', 'tsne', options, { D: o.D, seed: o.seed, nNeighbors: o.nNeighbors ?? 5, perplexity }, { perplexity });
}
