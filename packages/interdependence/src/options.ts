import { CUBOID_PATCH_FIELDS, CYLINDER_PATCH_FIELDS, any, bool, defineOptions, either, int, list, num, oneOf, str } from '@rpn/core';
import type { OptionFields, OptionsOf, ValuesOf } from '@rpn/core';

/**
 * The declared options of every interdependence class (one declaration each, built from shared
 * field groups): the factories parse with them, the registry entries carry them.
 */

/** tinyBIG's interdependence type names (and aliases). */
export const INTERDEPENDENCE_TYPES = ['attribute', 'instance', 'attribute_interdependence', 'instance_interdependence', 'right', 'column', 'left', 'row'] as const;

/** Options every interdependence accepts (tinyBIG's base constructor). */
export const INTERDEPENDENCE_BASE = Object.freeze({
  b: int({ min: 1, doc: 'batch size b (fixed for instance-type functions)' }),
  m: int({ min: 1, doc: 'input width m' }),
  interdependenceType: oneOf(INTERDEPENDENCE_TYPES, { doc: "attribute (A [m, m'], x·A) or instance (A [b, b'], Aᵀ·x); tinyBIG's aliases accepted" }),
  name: str({ doc: 'instance name (defaults to the class name)' }),
  requireData: bool({ doc: "tinyBIG's require_data (accepted; fixed by each function)" }),
  requireParameters: bool({ doc: "tinyBIG's require_parameters (accepted; fixed by each function)" }),
  device: any<string>({ doc: "torch's device (accepted and ignored)" }),
});

const PRIMES = {
  bPrime: int({ min: 1, doc: "b' (default b)" }),
  mPrime: int({ min: 1, doc: "m' (default m)" }),
};

/** The options of an interdependence without own options. */
export const BASE_INTERDEPENDENCE_OPTIONS = defineOptions('interdependence', {}, INTERDEPENDENCE_BASE);
/** Options every interdependence accepts. */
export type BaseOptions = OptionsOf<typeof BASE_INTERDEPENDENCE_OPTIONS>;
/** The parsed base options. */
export type BaseValues = ValuesOf<typeof BASE_INTERDEPENDENCE_OPTIONS>;

const schema = <F extends OptionFields>(className: string, fields: F) => defineOptions(className, fields, INTERDEPENDENCE_BASE);

/** constant_interdependence. */
export const CONSTANT_OPTIONS = schema('constant_interdependence', { A: any({ required: true, doc: "the matrix A ([m, m'] or [b, b']), nested arrays or a tensor" }) });
/** zero / one / identity / eye interdependence: A of size (d, d'). */
export const FIXED_OPTIONS = schema('identity_interdependence', PRIMES);
/** constant_c_interdependence. */
export const CONSTANT_C_OPTIONS = schema('constant_c_interdependence', { ...PRIMES, c: num({ default: 1, doc: 'the constant c' }) });

/** Kernel interdependences without own options. */
export const KERNEL_OPTIONS = schema('linear_kernel_interdependence', {});
/** statistical / numerical kernel based interdependence. */
export const NAMED_KERNEL_OPTIONS = schema('statistical_kernel_based_interdependence', { kernel: str({ required: true, doc: 'the kernel name' }) });
/** polynomial_kernel_interdependence: (⟨x, y⟩ + c)^d. */
export const POLYNOMIAL_KERNEL_OPTIONS = schema('polynomial_kernel_interdependence', { c: num({ default: 0, doc: 'c' }), d: num({ default: 1, doc: 'd' }) });
/** hyperbolic_tangent_kernel_interdependence: tanh(α⟨x, y⟩ + c). */
export const TANH_KERNEL_OPTIONS = schema('hyperbolic_tangent_kernel_interdependence', { alpha: num({ default: 1, doc: 'α' }), c: num({ default: 0, doc: 'c' }) });
/** exponential_kernel_interdependence. */
export const EXPONENTIAL_KERNEL_OPTIONS = schema('exponential_kernel_interdependence', { gamma: num({ default: 1, doc: 'γ' }) });
/** minkowski_distance_interdependence. */
export const MINKOWSKI_OPTIONS = schema('minkowski_distance_interdependence', { p: either([num({ min: 1 }), oneOf(['inf'] as const)], { required: true, doc: "the order p (a number ≥ 1 or 'inf')" }) });
/** gaussian_rbf / laplacian kernel interdependence. */
export const SIGMA_KERNEL_OPTIONS = schema('gaussian_rbf_kernel_interdependence', { sigma: num({ default: 1, doc: 'σ' }) });
/** anisotropic_rbf_kernel_interdependence. */
export const ANISOTROPIC_OPTIONS = schema('anisotropic_rbf_kernel_interdependence', {
  aVector: any({ doc: 'per-attribute scales (nested numbers or a tensor)' }),
  aScalar: num({ default: 1, doc: 'the scalar scale (without a_vector)' }),
});
/** custom_hybrid_kernel_interdependence. */
export const CUSTOM_HYBRID_OPTIONS = schema('custom_hybrid_kernel_interdependence', {
  kernels: list(any(), { required: true, minLength: 1, expected: 'a non-empty list of kernel names or functions', doc: 'the kernels (names or functions)' }),
  weights: list(num(), { nullable: true, doc: 'one weight per kernel (default uniform)' }),
});

const PSI_FIELDS = {
  r: int({ min: 1, doc: 'rank r of ψ' }),
  p: int({ min: 1, doc: 'ψ divisor p' }),
  q: int({ min: 1, doc: 'ψ divisor q (default p)' }),
  seed: int({ doc: "ψ's random seed (random_matrix_adaption)" }),
  frozenState: any<Record<string, unknown>>({ doc: "ψ's frozen random state (random_matrix_adaption)" }),
};
/** Which ψ options each parameterisation takes. */
export const PSI_KEYS = {
  plain: [], lowrank: ['r'], hm: ['p', 'q'], lphm: ['r', 'p', 'q'], dual_lphm: ['r', 'p', 'q'], random_matrix_adaption: ['r', 'seed', 'frozenState'],
} as const;
const pick = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, PSI_FIELDS[k as keyof typeof PSI_FIELDS]])) as Partial<typeof PSI_FIELDS>;
/** The parameterized interdependences (the ψ options of the class's family). */
export const PARAMETERIZED_OPTIONS = schema('parameterized_interdependence', { ...PRIMES, ...PSI_FIELDS });
/** The parameterized bilinear interdependences. */
export const BILINEAR_OPTIONS = schema('parameterized_bilinear_interdependence', PSI_FIELDS);
/** The options of `<kind>_parameterized[_bilinear]_interdependence`. */
export function psiSchema(className: string, kind: keyof typeof PSI_KEYS, bilinear: boolean): typeof PARAMETERIZED_OPTIONS {
  return schema(className, { ...(bilinear ? {} : PRIMES), ...pick(PSI_KEYS[kind]) }) as unknown as typeof PARAMETERIZED_OPTIONS;
}
/** parameterized_rpn_interdependence. */
export const PARAMETERIZED_RPN_OPTIONS = schema('parameterized_rpn_interdependence', {
  ...PRIMES,
  dataTransformation: any({ doc: 'κ: a data transformation object or config' }),
  dataTransformationConfigs: any({ doc: "κ's config (tinyBIG data_transformation_configs)" }),
  dataTransformationConfig: any({ doc: "κ's config" }),
  parameterFabrication: any({ doc: 'ψ: a reconciliation object or config' }),
  parameterFabricationConfigs: any({ doc: "ψ's config (tinyBIG parameter_fabrication_configs)" }),
  parameterFabricationConfig: any({ doc: "ψ's config" }),
});

const TOPO_FIELDS = {
  normalization: bool({ default: false, doc: 'degree-normalise the adjacency' }),
  normalizationMode: str({ default: 'row', doc: 'row, column or row_column' }),
  selfDependence: bool({ doc: 'add self loops (default true for chains, false for graphs)' }),
  selfScaling: num({ default: 1, doc: 'self-loop weight' }),
  h: int({ default: 1, min: 1, doc: 'hops (multihop)' }),
  accumulative: bool({ default: false, doc: 'sum the powers 1..h (multihop)' }),
  c: num({ default: 0.15, doc: 'teleport probability (pagerank)' }),
};
/** The chain interdependences. */
export const CHAIN_OPTIONS = schema('chain_interdependence', {
  ...TOPO_FIELDS,
  chainLength: int({ min: 1, aliases: ['length'], doc: 'chain length (default m or b)' }),
  biDirectional: bool({ default: false, doc: 'undirected chain' }),
});
/** The graph interdependences. */
export const GRAPH_OPTIONS = schema('graph_interdependence', {
  ...TOPO_FIELDS,
  links: list(any(), { required: true, expected: 'a list of [source, target] pairs', doc: 'the links' }),
  nodes: list(any(), { doc: 'the nodes (default: those of the links)' }),
  directed: bool({ default: true, doc: 'directed links' }),
});

const GEO_FIELDS = {
  b: int({ min: 0, doc: 'batch size (instance type; default the grid volume)' }),
  m: int({ min: 0, doc: 'input width (attribute type; default the grid volume)' }),
  grid: any({ doc: 'a grid object' }),
  gridConfigs: any<{ grid_parameters?: Record<string, number> }>({ doc: 'tinyBIG grid_configs' }),
  h: int({ min: 1, doc: 'grid height' }),
  w: int({ min: 1, doc: 'grid width' }),
  d: int({ min: 1, doc: 'grid depth (default 1)' }),
  channelNum: int({ min: 1, doc: 'channels (grid universes, default 1)' }),
  interdependenceMatrixMode: oneOf(['padding', 'aggregation'] as const, { default: 'padding', doc: 'padding: A [N, P·S]; aggregation: A [N, N]' }),
  packingStrategy: str({ default: 'densest_packing', doc: 'tinyBIG packing_strategy' }),
  cdH: num({ nullable: true, doc: 'explicit centre distance along h' }),
  cdW: num({ nullable: true, doc: 'explicit centre distance along w' }),
  cdD: num({ nullable: true, doc: 'explicit centre distance along d' }),
  normalization: bool({ default: false, doc: 'normalise A' }),
  normalizationMode: str({ default: 'row_column', doc: 'row, column or row_column' }),
};
/** geometric_interdependence. */
export const GEOMETRIC_OPTIONS = schema('geometric_interdependence', {
  ...GEO_FIELDS,
  patch: any({ doc: 'a patch object' }),
  patchConfigs: any({ doc: 'tinyBIG patch_configs' }),
});
const radius = int({ min: 0, aliases: ['r'], doc: "patch radius (tinyBIG's classes take r)" });
/** The cuboid-patch geometric interdependences. */
export const CUBOID_OPTIONS = schema('cuboid_patch_based_geometric_interdependence', {
  ...GEO_FIELDS,
  ...CUBOID_PATCH_FIELDS,
});
/** The cylinder-patch geometric interdependences. */
export const CYLINDER_OPTIONS = schema('cylinder_patch_based_geometric_interdependence', {
  ...GEO_FIELDS,
  ...CYLINDER_PATCH_FIELDS,
  pR: radius,
});
/** The sphere-patch geometric interdependences. */
export const SPHERE_OPTIONS = schema('sphere_patch_based_geometric_interdependence', { ...GEO_FIELDS, pR: radius });

/** hybrid_interdependence. */
export const HYBRID_OPTIONS = schema('hybrid_interdependence', {
  interdependenceFunctions: any({ doc: 'member interdependence objects or configs' }),
  interdependenceFunctionConfigs: any({ doc: 'member configs' }),
  fusionFunction: any({ doc: 'the fusion (object or config)' }),
  fusionFunctionConfig: any({ doc: "the fusion's config" }),
  fusionFunctionConfigs: any({ doc: "the fusion's config (tinyBIG's spelling)" }),
});

