import { defineEntry } from '@rpn/core';
import type { BuildContext, OptionSchema, Params, RegistryEntry } from '@rpn/core';
import { BASE_EXPANSION_OPTIONS, LINEAR_OPTIONS } from '@rpn/expansion';
import { identityCompression, linearCompression, reciprocalCompression } from './basic.js';
import { FIXED_METRIC_COMPRESSION_OPTIONS, METRIC_COMPRESSION_OPTIONS, maxCompression, meanCompression, medianCompression, metricCompression, minCompression, prodCompression, sumCompression } from './metric.js';
import * as geo from './geometric.js';
import * as fit from './fitted.js';
import * as prob from './probabilistic.js';
import { COMBINATORIAL_COMPRESSION_OPTIONS, COMBINATORIAL_PROBABILISTIC_COMPRESSION_OPTIONS, combinatorialCompression, combinatorialProbabilisticCompression } from './combinatorial.js';
import { COMPOSITE_COMPRESSION_OPTIONS, extendedCompression, nestedCompression } from './composite.js';
import { COMPRESSION_MODULE } from './common.js';

export * from './common.js';
export * from './metrics.js';
export * from './basic.js';
export * from './metric.js';
export * from './geometric.js';
export * from './distributions.js';
export * from './probabilistic.js';
export * from './combinatorial.js';
export * from './learners.js';
export * from './fitted.js';
export * from './composite.js';

type Factory = (options: Params, ctx: BuildContext) => unknown;

const FACTORIES: Record<string, Factory> = {
  identity_compression: (o) => identityCompression(o),
  reciprocal_compression: (o) => reciprocalCompression(o),
  linear_compression: (o) => linearCompression(o),
  metric_compression: (o) => metricCompression(o as never),
  max_compression: (o) => maxCompression(o),
  min_compression: (o) => minCompression(o),
  sum_compression: (o) => sumCompression(o),
  mean_compression: (o) => meanCompression(o),
  prod_compression: (o) => prodCompression(o),
  median_compression: (o) => medianCompression(o),
  geometric_compression: (o) => geo.geometricCompression(o as never),
  cuboid_patch_based_geometric_compression: (o) => geo.cuboidPatchBasedGeometricCompression(o as never),
  cylinder_patch_based_geometric_compression: (o) => geo.cylinderPatchBasedGeometricCompression(o as never),
  sphere_patch_based_geometric_compression: (o) => geo.spherePatchBasedGeometricCompression(o as never),
  cuboid_max_based_geometric_compression: (o) => geo.cuboidMaxBasedGeometricCompression(o as never),
  cuboid_min_based_geometric_compression: (o) => geo.cuboidMinBasedGeometricCompression(o as never),
  cuboid_mean_based_geometric_compression: (o) => geo.cuboidMeanBasedGeometricCompression(o as never),
  cylinder_max_based_geometric_compression: (o) => geo.cylinderMaxBasedGeometricCompression(o as never),
  cylinder_min_based_geometric_compression: (o) => geo.cylinderMinBasedGeometricCompression(o as never),
  cylinder_mean_based_geometric_compression: (o) => geo.cylinderMeanBasedGeometricCompression(o as never),
  sphere_max_based_geometric_compression: (o) => geo.sphereMaxBasedGeometricCompression(o as never),
  sphere_min_based_geometric_compression: (o) => geo.sphereMinBasedGeometricCompression(o as never),
  sphere_mean_based_geometric_compression: (o) => geo.sphereMeanBasedGeometricCompression(o as never),
  feature_selection_compression: (o) => fit.featureSelectionCompression(o),
  incremental_feature_clustering_based_compression: (o) => fit.incrementalFeatureClusteringBasedCompression(o),
  incremental_variance_threshold_based_compression: (o) => fit.incrementalVarianceThresholdBasedCompression(o),
  dimension_reduction_compression: (o) => fit.dimensionReductionCompression(o),
  incremental_PCA_based_compression: (o) => fit.incrementalPcaBasedCompression(o),
  incremental_random_projection_based_compression: (o) => fit.incrementalRandomProjectionBasedCompression(o),
  manifold_compression: (o) => fit.manifoldCompression(o),
  isomap_manifold_compression: (o) => fit.isomapManifoldCompression(o),
  lle_manifold_compression: (o) => fit.lleManifoldCompression(o),
  mds_manifold_compression: (o) => fit.mdsManifoldCompression(o),
  spectral_embedding_manifold_compression: (o) => fit.spectralEmbeddingManifoldCompression(o),
  tsne_manifold_compression: (o) => fit.tsneManifoldCompression(o),
  naive_probabilistic_compression: (o) => prob.naiveProbabilisticCompression(o as never),
  naive_uniform_probabilistic_compression: (o) => prob.naiveUniformProbabilisticCompression(o as never),
  naive_normal_probabilistic_compression: (o) => prob.naiveNormalProbabilisticCompression(o as never),
  naive_cauchy_probabilistic_compression: (o) => prob.naiveCauchyProbabilisticCompression(o as never),
  naive_chi2_probabilistic_compression: (o) => prob.naiveChi2ProbabilisticCompression(o as never),
  naive_exponential_probabilistic_compression: (o) => prob.naiveExponentialProbabilisticCompression(o as never),
  naive_gamma_probabilistic_compression: (o) => prob.naiveGammaProbabilisticCompression(o as never),
  naive_laplace_probabilistic_compression: (o) => prob.naiveLaplaceProbabilisticCompression(o as never),
  combinatorial_compression: (o) => combinatorialCompression(o as never),
  combinatorial_probabilistic_compression: (o) => combinatorialProbabilisticCompression(o as never),
  nested_compression: (o, ctx) => nestedCompression(o, ctx),
  extended_compression: (o, ctx) => extendedCompression(o, ctx),
};

/** The schema a class's factory parses with. */
function schemaOf(c: string): OptionSchema | undefined {
  if (c === 'identity_compression' || c === 'reciprocal_compression') return BASE_EXPANSION_OPTIONS.named(c);
  if (c === 'linear_compression') return LINEAR_OPTIONS.named(c);
  if (c === 'metric_compression') return METRIC_COMPRESSION_OPTIONS;
  if (/^(max|min|sum|mean|prod|median)_compression$/.test(c)) return FIXED_METRIC_COMPRESSION_OPTIONS.named(c);
  if (c === 'geometric_compression') return geo.GEOMETRIC_COMPRESSION_OPTIONS;
  const shape = /^(cuboid|cylinder|sphere)_(patch|max|min|mean)_based_geometric_compression$/.exec(c);
  if (shape) {
    const s = { cuboid: geo.CUBOID_GEOMETRIC_COMPRESSION_OPTIONS, cylinder: geo.CYLINDER_GEOMETRIC_COMPRESSION_OPTIONS, sphere: geo.SPHERE_GEOMETRIC_COMPRESSION_OPTIONS }[shape[1] as 'cuboid'] as OptionSchema;
    return shape[2] === 'patch' ? s.named(c) : geo.withoutMetric(s, c);
  }
  if (c in prob.NAIVE_PROBABILISTIC_OPTIONS) return prob.NAIVE_PROBABILISTIC_OPTIONS[c as keyof typeof prob.NAIVE_PROBABILISTIC_OPTIONS];
  if (c === 'combinatorial_compression') return COMBINATORIAL_COMPRESSION_OPTIONS;
  if (c === 'combinatorial_probabilistic_compression') return COMBINATORIAL_PROBABILISTIC_COMPRESSION_OPTIONS;
  if (c === 'nested_compression' || c === 'extended_compression') return COMPOSITE_COMPRESSION_OPTIONS.named(c);
  if (c in fit.FITTED_COMPRESSION_OPTIONS) return fit.FITTED_COMPRESSION_OPTIONS[c];
  return undefined;
}

/** Every declared compression schema by its tinyBIG class name. */
export const COMPRESSION_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze(
  Object.fromEntries(Object.keys(FACTORIES).flatMap((c) => { const s = schemaOf(c); return s ? [[c, s]] : []; })),
);

/** Registry entries of every compression function in this package (pass to `createRegistry`). */
export const compressionEntries: readonly RegistryEntry[] = Object.freeze(
  Object.entries(FACTORIES).map(([className, create]) => defineEntry('compression', className, create, { module: COMPRESSION_MODULE, options: COMPRESSION_OPTIONS[className] })),
);
