import { defineEntry } from '@rpn/core';
import type { BuildContext, Params, RegistryEntry } from '@rpn/core';
import { identityCompression, linearCompression, reciprocalCompression } from './basic.js';
import { maxCompression, meanCompression, medianCompression, metricCompression, minCompression, prodCompression, sumCompression } from './metric.js';
import * as geo from './geometric.js';
import * as fit from './fitted.js';
import * as prob from './probabilistic.js';
import { combinatorialCompression, combinatorialProbabilisticCompression } from './combinatorial.js';
import { extendedCompression, nestedCompression } from './composite.js';
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
  metric_compression: (o) => metricCompression(o as Params & { metric: string }),
  max_compression: (o) => maxCompression(o),
  min_compression: (o) => minCompression(o),
  sum_compression: (o) => sumCompression(o),
  mean_compression: (o) => meanCompression(o),
  prod_compression: (o) => prodCompression(o),
  median_compression: (o) => medianCompression(o),
  geometric_compression: (o) => geo.geometricCompression(o),
  cuboid_patch_based_geometric_compression: (o) => geo.cuboidPatchBasedGeometricCompression(o),
  cylinder_patch_based_geometric_compression: (o) => geo.cylinderPatchBasedGeometricCompression(o),
  sphere_patch_based_geometric_compression: (o) => geo.spherePatchBasedGeometricCompression(o),
  cuboid_max_based_geometric_compression: (o) => geo.cuboidMaxBasedGeometricCompression(o),
  cuboid_min_based_geometric_compression: (o) => geo.cuboidMinBasedGeometricCompression(o),
  cuboid_mean_based_geometric_compression: (o) => geo.cuboidMeanBasedGeometricCompression(o),
  cylinder_max_based_geometric_compression: (o) => geo.cylinderMaxBasedGeometricCompression(o),
  cylinder_min_based_geometric_compression: (o) => geo.cylinderMinBasedGeometricCompression(o),
  cylinder_mean_based_geometric_compression: (o) => geo.cylinderMeanBasedGeometricCompression(o),
  sphere_max_based_geometric_compression: (o) => geo.sphereMaxBasedGeometricCompression(o),
  sphere_min_based_geometric_compression: (o) => geo.sphereMinBasedGeometricCompression(o),
  sphere_mean_based_geometric_compression: (o) => geo.sphereMeanBasedGeometricCompression(o),
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
  naive_probabilistic_compression: (o) => prob.naiveProbabilisticCompression(o as Params & { k: number }),
  naive_uniform_probabilistic_compression: (o) => prob.naiveUniformProbabilisticCompression(o as Params & { k: number }),
  naive_normal_probabilistic_compression: (o) => prob.naiveNormalProbabilisticCompression(o as Params & { k: number }),
  naive_cauchy_probabilistic_compression: (o) => prob.naiveCauchyProbabilisticCompression(o as Params & { k: number }),
  naive_chi2_probabilistic_compression: (o) => prob.naiveChi2ProbabilisticCompression(o as Params & { k: number }),
  naive_exponential_probabilistic_compression: (o) => prob.naiveExponentialProbabilisticCompression(o as Params & { k: number }),
  naive_gamma_probabilistic_compression: (o) => prob.naiveGammaProbabilisticCompression(o as Params & { k: number }),
  naive_laplace_probabilistic_compression: (o) => prob.naiveLaplaceProbabilisticCompression(o as Params & { k: number }),
  combinatorial_compression: (o) => combinatorialCompression(o),
  combinatorial_probabilistic_compression: (o) => combinatorialProbabilisticCompression(o),
  nested_compression: (o, ctx) => nestedCompression(o, ctx),
  extended_compression: (o, ctx) => extendedCompression(o, ctx),
};

/** Registry entries of every compression function in this package (pass to `createRegistry`). */
export const compressionEntries: readonly RegistryEntry[] = Object.freeze(
  Object.entries(FACTORIES).map(([className, create]) => defineEntry('compression', className, create, { module: COMPRESSION_MODULE })),
);
