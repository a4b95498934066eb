import { defineEntry, type BuildContext, type Params, type RegistryEntry } from '@rpn/core';
import type { BaseOptions } from './common.js';
import * as basic from './basic.js';
import * as kernels from './kernels.js';
import * as topo from './topological.js';
import * as geo from './geometric.js';
import { parameterizedBilinearInterdependence, parameterizedInterdependence, parameterizedRpnInterdependence, type PsiKind } from './parameterized.js';
import { hybridInterdependence } from './hybrid.js';

export * from './basic.js';
export * from './kernels.js';
export * from './topological.js';
export * from './geometric.js';
export * from './parameterized.js';
export * from './hybrid.js';
export { parseType, type BaseOptions, type InterdependenceFunction, type InterdependenceType } from './common.js';

type Factory = (o: BaseOptions, ctx?: BuildContext) => unknown;

const PSI: readonly [PsiKind, string][] = [
  ['plain', ''], ['lowrank', 'lowrank_'], ['hm', 'hm_'], ['lphm', 'lphm_'], ['dual_lphm', 'dual_lphm_'], ['random_matrix_adaption', 'random_matrix_adaption_'],
];

const TABLE: readonly [string, Factory][] = [
  ['constant_interdependence', (o) => basic.constantInterdependence(o as never)],
  ['constant_c_interdependence', (o) => basic.constantCInterdependence(o)],
  ['zero_interdependence', (o) => basic.zeroInterdependence(o)],
  ['one_interdependence', (o) => basic.oneInterdependence(o)],
  ['identity_interdependence', (o) => basic.identityInterdependence(o)],
  ['eye_interdependence', (o) => basic.eyeInterdependence(o)],
  ['statistical_kernel_based_interdependence', (o) => kernels.statisticalKernelBasedInterdependence(o as never)],
  ['kl_divergence_interdependence', (o) => kernels.klDivergenceInterdependence(o)],
  ['pearson_correlation_interdependence', (o) => kernels.pearsonCorrelationInterdependence(o)],
  ['rv_coefficient_interdependence', (o) => kernels.rvCoefficientInterdependence(o)],
  ['mutual_information_interdependence', (o) => kernels.mutualInformationInterdependence(o)],
  ['numerical_kernel_based_interdependence', (o) => kernels.numericalKernelBasedInterdependence(o as never)],
  ['linear_kernel_interdependence', (o) => kernels.linearKernelInterdependence(o)],
  ['polynomial_kernel_interdependence', (o) => kernels.polynomialKernelInterdependence(o)],
  ['hyperbolic_tangent_kernel_interdependence', (o) => kernels.hyperbolicTangentKernelInterdependence(o)],
  ['exponential_kernel_interdependence', (o) => kernels.exponentialKernelInterdependence(o)],
  ['cosine_similarity_interdependence', (o) => kernels.cosineSimilarityInterdependence(o)],
  ['minkowski_distance_interdependence', (o) => kernels.minkowskiDistanceInterdependence(o)],
  ['manhattan_distance_interdependence', (o) => kernels.manhattanDistanceInterdependence(o)],
  ['euclidean_distance_interdependence', (o) => kernels.euclideanDistanceInterdependence(o)],
  ['chebyshev_distance_interdependence', (o) => kernels.chebyshevDistanceInterdependence(o)],
  ['canberra_distance_interdependence', (o) => kernels.canberraDistanceInterdependence(o)],
  ['gaussian_rbf_kernel_interdependence', (o) => kernels.gaussianRbfKernelInterdependence(o)],
  ['laplacian_kernel_interdependence', (o) => kernels.laplacianKernelInterdependence(o)],
  ['anisotropic_rbf_kernel_interdependence', (o) => kernels.anisotropicRbfKernelInterdependence(o)],
  ['custom_hybrid_kernel_interdependence', (o) => kernels.customHybridKernelInterdependence(o as never)],
  ...PSI.map(([k, p]) => [`${p}parameterized_interdependence`, (o: BaseOptions) => parameterizedInterdependence(k, o)] as [string, Factory]),
  ...PSI.map(([k, p]) => [`${p}parameterized_bilinear_interdependence`, (o: BaseOptions) => parameterizedBilinearInterdependence(k, o)] as [string, Factory]),
  ['parameterized_rpn_interdependence', (o, ctx) => parameterizedRpnInterdependence(o, ctx)],
  ['chain_interdependence', (o) => topo.chainInterdependence(o)],
  ['multihop_chain_interdependence', (o) => topo.multihopChainInterdependence(o)],
  ['inverse_approx_multihop_chain_interdependence', (o) => topo.inverseApproxMultihopChainInterdependence(o)],
  ['exponential_approx_multihop_chain_interdependence', (o) => topo.exponentialApproxMultihopChainInterdependence(o)],
  ['graph_interdependence', (o) => topo.graphInterdependence(o)],
  ['multihop_graph_interdependence', (o) => topo.multihopGraphInterdependence(o)],
  ['pagerank_multihop_graph_interdependence', (o) => topo.pagerankMultihopGraphInterdependence(o)],
  ['geometric_interdependence', (o) => geo.geometricInterdependence(o)],
  ['cuboid_patch_based_geometric_interdependence', (o) => geo.cuboidPatchBasedGeometricInterdependence(o as never)],
  ['cuboid_patch_padding_based_geometric_interdependence', (o) => geo.cuboidPatchPaddingBasedGeometricInterdependence(o as never)],
  ['cuboid_patch_aggregation_based_geometric_interdependence', (o) => geo.cuboidPatchAggregationBasedGeometricInterdependence(o as never)],
  ['cylinder_patch_based_geometric_interdependence', (o) => geo.cylinderPatchBasedGeometricInterdependence(o)],
  ['cylinder_patch_padding_based_geometric_interdependence', (o) => geo.cylinderPatchPaddingBasedGeometricInterdependence(o)],
  ['cylinder_patch_aggregation_based_geometric_interdependence', (o) => geo.cylinderPatchAggregationBasedGeometricInterdependence(o)],
  ['sphere_patch_based_geometric_interdependence', (o) => geo.spherePatchBasedGeometricInterdependence(o)],
  ['sphere_patch_padding_based_geometric_interdependence', (o) => geo.spherePatchPaddingBasedGeometricInterdependence(o)],
  ['sphere_patch_aggregation_based_geometric_interdependence', (o) => geo.spherePatchAggregationBasedGeometricInterdependence(o)],
  ['hybrid_interdependence', (o, ctx) => hybridInterdependence(o, ctx)],
];

/** Registry entries of every interdependence function in this package (pass to `createRegistry`). */
export const interdependenceEntries: readonly RegistryEntry[] = Object.freeze(
  TABLE.map(([cls, f]) => defineEntry('interdependence', cls, (options: Params, ctx: BuildContext) => f(options as BaseOptions, ctx), { module: 'tinybig.interdependence' })),
);
