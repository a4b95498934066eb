import { defineEntry } from '@rpn/core';
import type { BuildContext, OptionSchema, Params, RegistryEntry, Transformation } from '@rpn/core';
import { BASE_EXPANSION_OPTIONS, EXPANSION_MODULE } from './common.js';
import { LINEAR_OPTIONS, identityExpansion, linearExpansion, reciprocalExpansion } from './basic.js';
import { FOURIER_OPTIONS, TAYLOR_OPTIONS, fourierExpansion, taylorExpansion } from './polynomial.js';
import { arcHyperbolicExpansion, arcTrigonometricExpansion, hyperbolicExpansion, trigonometricExpansion } from './trigonometric.js';
import { RBF_OPTIONS, gaussianRbfExpansion, inverseQuadraticRbfExpansion } from './rbf.js';
import {
  ALPHA_DEGREE_OPTIONS, BSPLINE_OPTIONS, DEGREE_OPTIONS, JACOBI_OPTIONS,
  besselExpansion, bsplineExpansion, chebyshevExpansion, fibonacciExpansion, gegenbauerExpansion, hermiteExpansion,
  jacobiExpansion, laguerreExpansion, legendreExpansion, lucasExpansion, reverseBesselExpansion,
} from './recursive.js';
import {
  BETA_WAVELET_OPTIONS, DISCRETE_WAVELET_OPTIONS, DOG_WAVELET_OPTIONS, RICKER_WAVELET_OPTIONS, WAVELET_OPTIONS,
  betaWaveletExpansion, discreteWaveletExpansion, dogWaveletExpansion, harrWaveletExpansion, meyerWaveletExpansion,
  rickerWaveletExpansion, shannonWaveletExpansion,
} from './wavelet.js';
import {
  cauchyExpansion, chi2Expansion, exponentialExpansion, gammaExpansion, hybridProbabilisticExpansion, laplaceExpansion,
  naiveCauchyExpansion, naiveChi2Expansion, naiveExponentialExpansion, naiveGammaExpansion, naiveLaplaceExpansion,
  naiveNormalExpansion, normalExpansion,
} from './probabilistic.js';
import { COMBINATORIAL_NORMAL_OPTIONS, COMBINATORIAL_OPTIONS, combinatorialExpansion, combinatorialNormalExpansion } from './combinatorial.js';
import { COMPOSITION_OPTIONS, extendedExpansion, nestedExpansion } from './composition.js';
import {
  CUBOID_GEOMETRIC_OPTIONS, CYLINDER_GEOMETRIC_OPTIONS, GEOMETRIC_OPTIONS, SPHERE_GEOMETRIC_OPTIONS,
  cuboidPatchBasedGeometricExpansion, cylinderPatchBasedGeometricExpansion, geometricExpansion, spherePatchBasedGeometricExpansion,
} from './geometric.js';

export * from './common.js';
export * from './basic.js';
export * from './polynomial.js';
export * from './trigonometric.js';
export * from './rbf.js';
export * from './recursive.js';
export * from './wavelet.js';
export * from './probabilistic.js';
export * from './combinatorial.js';
export * from './composition.js';
export * from './geometric.js';

type Factory = (options: Params, ctx: BuildContext) => Transformation;

/** Every expansion factory by its tinyBIG class name. */
export const EXPANSION_FACTORIES: Readonly<Record<string, Factory>> = Object.freeze({
  identity_expansion: (o) => identityExpansion(o),
  reciprocal_expansion: (o) => reciprocalExpansion(o),
  linear_expansion: (o) => linearExpansion(o),
  taylor_expansion: (o) => taylorExpansion(o),
  fourier_expansion: (o) => fourierExpansion(o),
  hyperbolic_expansion: (o) => hyperbolicExpansion(o),
  arc_hyperbolic_expansion: (o) => arcHyperbolicExpansion(o),
  trigonometric_expansion: (o) => trigonometricExpansion(o),
  arc_trigonometric_expansion: (o) => arcTrigonometricExpansion(o),
  gaussian_rbf_expansion: (o) => gaussianRbfExpansion(o),
  inverse_quadratic_rbf_expansion: (o) => inverseQuadraticRbfExpansion(o),
  bspline_expansion: (o) => bsplineExpansion(o),
  chebyshev_expansion: (o) => chebyshevExpansion(o),
  jacobi_expansion: (o) => jacobiExpansion(o),
  hermite_expansion: (o) => hermiteExpansion(o),
  laguerre_expansion: (o) => laguerreExpansion(o),
  legendre_expansion: (o) => legendreExpansion(o),
  gegenbauer_expansion: (o) => gegenbauerExpansion(o),
  bessel_expansion: (o) => besselExpansion(o),
  reverse_bessel_expansion: (o) => reverseBesselExpansion(o),
  fibonacci_expansion: (o) => fibonacciExpansion(o),
  lucas_expansion: (o) => lucasExpansion(o),
  discrete_wavelet_expansion: (o) => discreteWaveletExpansion(o),
  harr_wavelet_expansion: (o) => harrWaveletExpansion(o),
  beta_wavelet_expansion: (o) => betaWaveletExpansion(o),
  shannon_wavelet_expansion: (o) => shannonWaveletExpansion(o),
  ricker_wavelet_expansion: (o) => rickerWaveletExpansion(o),
  dog_wavelet_expansion: (o) => dogWaveletExpansion(o),
  meyer_wavelet_expansion: (o) => meyerWaveletExpansion(o),
  naive_normal_expansion: (o) => naiveNormalExpansion(o),
  normal_expansion: (o) => normalExpansion(o),
  naive_cauchy_expansion: (o) => naiveCauchyExpansion(o),
  cauchy_expansion: (o) => cauchyExpansion(o),
  naive_chi2_expansion: (o) => naiveChi2Expansion(o),
  chi2_expansion: (o) => chi2Expansion(o),
  naive_gamma_expansion: (o) => naiveGammaExpansion(o),
  gamma_expansion: (o) => gammaExpansion(o),
  naive_exponential_expansion: (o) => naiveExponentialExpansion(o),
  exponential_expansion: (o) => exponentialExpansion(o),
  naive_laplace_expansion: (o) => naiveLaplaceExpansion(o),
  laplace_expansion: (o) => laplaceExpansion(o),
  hybrid_probabilistic_expansion: (o) => hybridProbabilisticExpansion(o),
  combinatorial_expansion: (o) => combinatorialExpansion(o),
  combinatorial_normal_expansion: (o) => combinatorialNormalExpansion(o),
  nested_expansion: (o, ctx) => nestedExpansion(o, ctx),
  extended_expansion: (o, ctx) => extendedExpansion(o, ctx),
  geometric_expansion: (o) => geometricExpansion(o),
  cuboid_patch_based_geometric_expansion: (o) => cuboidPatchBasedGeometricExpansion(o as never),
  cylinder_patch_based_geometric_expansion: (o) => cylinderPatchBasedGeometricExpansion(o as never),
  sphere_patch_based_geometric_expansion: (o) => spherePatchBasedGeometricExpansion(o as never),
});

/** The declared options of every expansion (the shared schemas under each class name). */
const SHARED: Readonly<Record<string, OptionSchema>> = {
  linear_expansion: LINEAR_OPTIONS, taylor_expansion: TAYLOR_OPTIONS, fourier_expansion: FOURIER_OPTIONS,
  gaussian_rbf_expansion: RBF_OPTIONS, inverse_quadratic_rbf_expansion: RBF_OPTIONS, bspline_expansion: BSPLINE_OPTIONS,
  chebyshev_expansion: DEGREE_OPTIONS, hermite_expansion: DEGREE_OPTIONS, legendre_expansion: DEGREE_OPTIONS, bessel_expansion: DEGREE_OPTIONS,
  reverse_bessel_expansion: DEGREE_OPTIONS, fibonacci_expansion: DEGREE_OPTIONS, lucas_expansion: DEGREE_OPTIONS,
  laguerre_expansion: ALPHA_DEGREE_OPTIONS, gegenbauer_expansion: ALPHA_DEGREE_OPTIONS, jacobi_expansion: JACOBI_OPTIONS,
  discrete_wavelet_expansion: DISCRETE_WAVELET_OPTIONS, harr_wavelet_expansion: WAVELET_OPTIONS, beta_wavelet_expansion: BETA_WAVELET_OPTIONS,
  shannon_wavelet_expansion: WAVELET_OPTIONS, ricker_wavelet_expansion: RICKER_WAVELET_OPTIONS, dog_wavelet_expansion: DOG_WAVELET_OPTIONS,
  meyer_wavelet_expansion: WAVELET_OPTIONS, combinatorial_expansion: COMBINATORIAL_OPTIONS, combinatorial_normal_expansion: COMBINATORIAL_NORMAL_OPTIONS,
  nested_expansion: COMPOSITION_OPTIONS, extended_expansion: COMPOSITION_OPTIONS, geometric_expansion: GEOMETRIC_OPTIONS,
  cuboid_patch_based_geometric_expansion: CUBOID_GEOMETRIC_OPTIONS, cylinder_patch_based_geometric_expansion: CYLINDER_GEOMETRIC_OPTIONS,
  sphere_patch_based_geometric_expansion: SPHERE_GEOMETRIC_OPTIONS,
};

/** Every expansion's declared options by its tinyBIG class name (functions without own options share the base). */
export const EXPANSION_OPTIONS: Readonly<Record<string, OptionSchema>> = Object.freeze(
  Object.fromEntries(Object.keys(EXPANSION_FACTORIES).map((c) => [c, (SHARED[c] ?? BASE_EXPANSION_OPTIONS).named(c)])),
);

/** Registry entries of every expansion function in this package (pass to `createRegistry`). */
export const expansionEntries: readonly RegistryEntry[] = Object.freeze(
  Object.entries(EXPANSION_FACTORIES).map(([className, f]) => defineEntry('expansion', className, (options, ctx) => f(options, ctx), { module: EXPANSION_MODULE, options: EXPANSION_OPTIONS[className] })),
);
export { BSPLINE_BASIS_KERNEL, BSPLINE_BASIS_GRAD_KERNEL, bsplineBasis, bsplineBasisGrad, type BsplineGrid } from './bspline-kernel.js';
export { TAYLOR2_KERNEL, TAYLOR2_GRAD_KERNEL, TAYLOR2_KERNEL_MAX, taylor2Kernel, taylor2KernelAvailable } from './taylor-kernel.js';
export { BSPLINE_PRODUCT_KERNEL, BSPLINE_PRODUCT_GRAD_W_KERNEL, bsplineIdentityProduct, bsplineProductAvailable } from './bspline-product.js';
