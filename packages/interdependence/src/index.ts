import { defineEntry, type BuildContext, type OptionSchema, type Params, type RegistryEntry } from '@rpn/core';
import * as opts from './options.js';
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
export * from './options.js';

type Factory = (o: never, ctx?: BuildContext) => unknown;

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
  ...PSI.map(([k, p]) => [`${p}parameterized_interdependence`, (o: never) => parameterizedInterdependence(k, o)] as [string, Factory]),
  ...PSI.map(([k, p]) => [`${p}parameterized_bilinear_interdependence`, (o: never) => parameterizedBilinearInterdependence(k, o)] as [string, Factory]),
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

const KERNEL_SCHEMAS: Readonly<Record<string, OptionSchema>> = {
  statistical_kernel_based_interdependence: opts.NAMED_KERNEL_OPTIONS, numerical_kernel_based_interdependence: opts.NAMED_KERNEL_OPTIONS,
  polynomial_kernel_interdependence: opts.POLYNOMIAL_KERNEL_OPTIONS, hyperbolic_tangent_kernel_interdependence: opts.TANH_KERNEL_OPTIONS,
  exponential_kernel_interdependence: opts.EXPONENTIAL_KERNEL_OPTIONS, minkowski_distance_interdependence: opts.MINKOWSKI_OPTIONS,
  gaussian_rbf_kernel_interdependence: opts.SIGMA_KERNEL_OPTIONS, laplacian_kernel_interdependence: opts.SIGMA_KERNEL_OPTIONS,
  anisotropic_rbf_kernel_interdependence: opts.ANISOTROPIC_OPTIONS, custom_hybrid_kernel_interdependence: opts.CUSTOM_HYBRID_OPTIONS,
};

/** The schema a class's factory parses with (the same declaration the registry checks configs against). */
function schemaOf(cls: string): OptionSchema {
  for (const [kind, prefix] of PSI) {
    if (cls === `${prefix}parameterized_interdependence`) return opts.psiSchema(cls, kind, false);
    if (cls === `${prefix}parameterized_bilinear_interdependence`) return opts.psiSchema(cls, kind, true);
  }
  const s: OptionSchema =
    cls === 'constant_interdependence' ? opts.CONSTANT_OPTIONS
    : cls === 'constant_c_interdependence' ? opts.CONSTANT_C_OPTIONS
    : ['zero_interdependence', 'one_interdependence', 'identity_interdependence', 'eye_interdependence'].includes(cls) ? opts.FIXED_OPTIONS
    : KERNEL_SCHEMAS[cls] ?? (cls.endsWith('_kernel_interdependence') || cls.endsWith('_distance_interdependence') || /^(kl_divergence|pearson_correlation|rv_coefficient|mutual_information|cosine_similarity)_/.test(cls) ? opts.KERNEL_OPTIONS
    : cls === 'parameterized_rpn_interdependence' ? opts.PARAMETERIZED_RPN_OPTIONS
    : cls.includes('chain_interdependence') ? opts.CHAIN_OPTIONS
    : cls.includes('graph_interdependence') ? opts.GRAPH_OPTIONS
    : cls.startsWith('cuboid_') ? opts.CUBOID_OPTIONS
    : cls.startsWith('cylinder_') ? opts.CYLINDER_OPTIONS
    : cls.startsWith('sphere_') ? opts.SPHERE_OPTIONS
    : cls === 'geometric_interdependence' ? opts.GEOMETRIC_OPTIONS
    : opts.HYBRID_OPTIONS);
  return s.named(cls);
}

/** Every interdependence's declared options by its tinyBIG class name. */
export const INTERDEPENDENCE_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze(Object.fromEntries(TABLE.map(([cls]) => [cls, schemaOf(cls)])));

/** Registry entries of every interdependence function in this package (pass to `createRegistry`). */
export const interdependenceEntries: readonly RegistryEntry[] = Object.freeze(
  TABLE.map(([cls, f]) => defineEntry('interdependence', cls, (options: Params, ctx: BuildContext) => f(options as never, ctx), { module: 'tinybig.interdependence', options: INTERDEPENDENCE_OPTIONS[cls] })),
);
