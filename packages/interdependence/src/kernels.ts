import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { UnknownNameError, ValueError, any, defineOptions, either, elementwiseFunction, elementwiseNames, isElementwiseName, num, oneOf, type OptionFields, type OptionSchema, type OptionsOf, type OptionsOfFields, type ValuesOf, type ValuesOfFields } from '@rpn/core';
import { makeInterdependence, parseType, type InterdependenceFunction, offDiagonal, safePow } from './common.js';
import {
  ANISOTROPIC_OPTIONS, CUSTOM_HYBRID_OPTIONS, EXPONENTIAL_KERNEL_OPTIONS, KERNEL_OPTIONS, MINKOWSKI_OPTIONS, NAMED_KERNEL_OPTIONS,
  POLYNOMIAL_KERNEL_OPTIONS, SIGMA_KERNEL_OPTIONS, TANH_KERNEL_OPTIONS, type BaseValues,
} from './options.js';

/** The parameters {@link kernelByName} passes to a named kernel (defaults as tinyBIG's kernel functions). */
export const KERNEL_PARAMETERS = defineOptions('kernel', {
  c: num({ doc: 'c (polynomial: default 0; hyperbolic tangent: default 0)' }),
  d: num({ default: 1, doc: 'degree d (polynomial)' }),
  alpha: num({ default: 1, doc: 'α (hyperbolic tangent)' }),
  gamma: num({ default: 1, doc: 'γ (exponential)' }),
  sigma: num({ default: 1, doc: 'σ (gaussian_rbf, laplacian)' }),
  aVector: any<number[]>({ doc: 'per-attribute scales (anisotropic_rbf)' }),
  aScalar: num({ default: 1, doc: 'scalar scale (anisotropic_rbf)' }),
  p: either([num({ min: 1 }), oneOf(['inf'] as const)], { default: 2, doc: "order p (minkowski), a number ≥ 1 or 'inf'" }),
});
type KernelParams = ValuesOf<typeof KERNEL_PARAMETERS>;

/**
 * A kernel maps X `[n, k]` to `[k, k]` comparing the columns of X (tinyBIG's `batch_*_kernel`s).
 * Masks are constants built from sizes only; no comparison op is on the gradient path.
 */
export type Kernel = (X: Tensor) => Tensor;

const sum = (t: Tensor, axis: number) => tf.sum(t, axis);

/** Pairwise column differences `D[i, j, r] = X[r, i] − X[r, j]`, `[k, k, n]`. */
function diffs(X: Tensor): Tensor {
  const Xt = tf.transpose(X);
  return tf.sub(tf.expandDims(Xt, 1), tf.expandDims(Xt, 0));
}

/** Squared Euclidean distances between columns (optionally weighted per row by `a`). */
function sqDist(X: Tensor, a?: Tensor): Tensor {
  const d = diffs(X);
  const sq = tf.square(d);
  return sum(a ? tf.mul(sq, a) : sq, 2);
}

function pNormDist(X: Tensor, p: number): Tensor {
  const ad = tf.abs(diffs(X));
  if (p === Infinity) return tf.max(ad, 2);
  if (p === 1) return sum(ad, 2);
  return safePow(sum(tf.pow(ad, tf.scalar(p)), 2), 1 / p);
}

export const linearKernel: Kernel = (X) => tf.matMul(tf.transpose(X), X);
export const polynomialKernel = (c: number, d: number): Kernel => (X) => tf.pow(tf.add(linearKernel(X), tf.scalar(c)), tf.scalar(d));
export const hyperbolicTangentKernel = (alpha: number, c: number): Kernel => (X) => tf.tanh(tf.add(tf.mul(tf.scalar(alpha), linearKernel(X)), tf.scalar(c)));
export const exponentialKernel = (gamma: number): Kernel => (X) => tf.exp(tf.mul(tf.scalar(-gamma), sqDist(X)));
export const gaussianRbfKernel = (sigma: number): Kernel => (X) => tf.exp(tf.div(tf.neg(sqDist(X)), tf.scalar(2 * sigma * sigma)));
export const laplacianKernel = (sigma: number): Kernel => (X) => tf.exp(tf.div(tf.neg(pNormDist(X, 1)), tf.scalar(sigma)));
export const minkowskiKernel = (p: number): Kernel => (X) => tf.exp(tf.neg(pNormDist(X, p)));
export const anisotropicRbfKernel = (aVector: number[] | null, aScalar: number): Kernel => (X) => {
  const n = X.shape[0];
  if (aVector && aVector.length !== n) throw new ValueError('a_vector must have one entry per row of X', { argument: 'a_vector', expected: `length ${n}`, received: `length ${aVector.length}` });
  const a = tf.tensor1d(aVector ?? new Array(n).fill(aScalar));
  return tf.exp(tf.neg(sqDist(X, a)));
};
export const canberraKernel: Kernel = (X) => tf.exp(tf.neg(canberraDistance(X)));
export const cosineSimilarityKernel: Kernel = (X) => {
  const norms = tf.sqrt(sum(tf.square(X), 0));
  // zero norm → 1: the mask comes from the values, read outside the differentiated graph
  const fix = tf.tensor1d(Array.from(norms.dataSync()).map((v) => (v === 0 ? 1 : 0)));
  const Xn = tf.div(X, tf.add(norms, fix));
  return tf.matMul(tf.transpose(Xn), Xn);
};

function covariance(X: Tensor): Tensor {
  const n = X.shape[0];
  const Xc = tf.sub(X, tf.mean(X, 0, true));
  return tf.div(tf.matMul(tf.transpose(Xc), Xc), tf.scalar(n - 1));
}
export const pearsonKernel: Kernel = (X) => {
  const n = X.shape[0];
  const Xc = tf.sub(X, tf.mean(X, 0, true));
  const cov = tf.div(tf.matMul(tf.transpose(Xc), Xc), tf.scalar(n - 1));
  const std = tf.sqrt(tf.div(sum(tf.square(Xc), 0), tf.scalar(n - 1)));
  return tf.div(cov, tf.mul(tf.expandDims(std, 1), tf.expandDims(std, 0)));
};
export const rvCoefficientKernel: Kernel = (X) => tf.mul(tf.clipByValue(pearsonKernel(X), 0, 1), offDiagonal(X.shape[1] as number));
export const klDivergenceKernel: Kernel = (X) => {
  const P = tf.softmax(tf.transpose(X)); // softmax over the rows of X, per column → [k, n]
  const logP = tf.log(P);
  // A_ij = Σ_r P_ri log P_ri − Σ_r P_ri log P_rj
  const self = sum(tf.mul(P, logP), 1);
  return tf.sub(tf.expandDims(self, 1), tf.matMul(P, tf.transpose(logP)));
};
export const mutualInformationKernel: Kernel = (X) => {
  const k = X.shape[1] as number;
  const eps = 1e-10;
  const cov = covariance(X);
  const varRaw = tf.sum(tf.mul(cov, tf.eye(k)), 1);
  const v = tf.maximum(varRaw, tf.scalar(eps));
  const vv = tf.mul(tf.expandDims(v, 1), tf.expandDims(v, 0));
  const det = tf.maximum(tf.sub(tf.mul(tf.expandDims(varRaw, 1), tf.expandDims(varRaw, 0)), tf.square(cov)), tf.scalar(eps));
  return tf.mul(tf.mul(tf.scalar(0.5), tf.log(tf.div(vv, det))), offDiagonal(k));
};

/** Canberra distance between columns: `d(i, j) = Σ_r |X_ri − X_rj| / (|X_ri| + |X_rj| + 1e−10)` (tinyBIG `batch_canberra_distance`). */
function canberraDistance(X: Tensor): Tensor {
  const Xt = tf.transpose(X);
  const a = tf.expandDims(Xt, 1), b = tf.expandDims(Xt, 0);
  return sum(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.add(tf.abs(a), tf.abs(b)), tf.scalar(1e-10))), 2);
}

const minkowskiP = (params: KernelParams): number => (params.p === 'inf' ? Infinity : params.p);

/**
 * Raw column distances `D[i, j] = ‖x_i − x_j‖` (diagonal 0): tinyBIG's `batch_*_distance` functions of
 * `koala.linear_algebra`, which a `numerical_kernel_based_interdependence` given one of them uses as A
 * unchanged (the named `*_distance_interdependence` classes use `*_distance_kernel = exp(−D)` instead).
 */
const DISTANCES: Record<string, (params: KernelParams) => Kernel> = {
  minkowski: (params) => (X) => pNormDist(X, minkowskiP(params)),
  manhattan: () => (X) => pNormDist(X, 1),
  euclidean: () => (X) => pNormDist(X, 2),
  chebyshev: () => (X) => pNormDist(X, Infinity),
  canberra: () => canberraDistance,
};

/** Kernels by their tinyBIG name without `batch_` and `_kernel` (`*_distance` here means tinyBIG's `*_distance_kernel`, exp(−d)). */
const KERNELS: Record<string, (params: KernelParams) => Kernel> = {
  pearson_correlation: () => pearsonKernel,
  kl_divergence: () => klDivergenceKernel,
  rv_coefficient: () => rvCoefficientKernel,
  mutual_information: () => mutualInformationKernel,
  linear: () => linearKernel,
  polynomial: (params) => polynomialKernel(params.c ?? 0, params.d),
  hyperbolic_tangent: (params) => hyperbolicTangentKernel(params.alpha, params.c ?? 0),
  exponential: (params) => exponentialKernel(params.gamma),
  cosine_similarity: () => cosineSimilarityKernel,
  gaussian_rbf: (params) => gaussianRbfKernel(params.sigma),
  laplacian: (params) => laplacianKernel(params.sigma),
  anisotropic_rbf: (params) => anisotropicRbfKernel(params.aVector ?? null, params.aScalar),
  minkowski_distance: (params) => minkowskiKernel(minkowskiP(params)),
  manhattan_distance: () => minkowskiKernel(1),
  euclidean_distance: () => minkowskiKernel(2),
  chebyshev_distance: () => minkowskiKernel(Infinity),
  canberra_distance: () => canberraKernel,
};
/** tinyBIG's `kernel()` dispatcher aliases. */
const KERNEL_ALIASES: Record<string, string> = {
  inner_product: 'linear', dot_product: 'linear', pearson: 'pearson_correlation', anisotropic: 'anisotropic_rbf',
  euclidean: 'euclidean_distance', manhattan: 'manhattan_distance', chebyshev: 'chebyshev_distance', minkowski: 'minkowski_distance', canberra: 'canberra_distance',
};
const STATISTICS = new Set(['pearson_correlation', 'kl_divergence', 'rv_coefficient', 'mutual_information']);

/** Every kernel name {@link kernelByName} accepts, in tinyBIG's dotted form, then the element-wise torch callables. */
export function kernelNames(): string[] {
  const kernels = Object.keys(KERNELS).map((k) => `tinybig.koala.${STATISTICS.has(k) ? 'statistics' : 'linear_algebra'}.batch_${k}_kernel`);
  const distances = Object.keys(DISTANCES).map((d) => `tinybig.koala.linear_algebra.batch_${d}_distance`);
  return [...kernels.sort(), ...distances.sort(), ...elementwiseNames()];
}

/**
 * tinyBIG kernel callables by name, following its `koala` functions: `batch_<k>_kernel` (and
 * `<k>_kernel`) → the kernel; `batch_<d>_distance` (and `<d>_distance`) → the RAW distance matrix
 * (diagonal 0); `<d>_distance_kernel` → `exp(−distance)`; an element-wise torch callable
 * (`torch.tanh`, …) → applied to X as is. Unknown names throw {@link UnknownNameError}.
 */
export function kernelByName(name: string, parameters: OptionsOf<typeof KERNEL_PARAMETERS> = {}): Kernel {
  const params = KERNEL_PARAMETERS.parse(parameters);
  const text = name;
  const last = text.slice(text.lastIndexOf('.') + 1).replace(/^batch_/, '');
  if (last.endsWith('_kernel')) {
    const k = last.slice(0, -'_kernel'.length);
    const make = KERNELS[KERNEL_ALIASES[k] ?? k];
    if (make) return make(params);
  } else if (last.endsWith('_distance') && DISTANCES[last.slice(0, -'_distance'.length)]) {
    return DISTANCES[last.slice(0, -'_distance'.length)](params);
  } else if (!text.startsWith('torch.')) {
    const make = KERNELS[KERNEL_ALIASES[last] ?? last];
    if (make) return make(params);
  }
  if (isElementwiseName(text)) {
    const f = elementwiseFunction(text);
    return (X) => f.apply(X);
  }
  throw new UnknownNameError(text, kernelNames(), 'kernel');
}

function kernelBased(className: string, o: BaseValues, kernel: Kernel, options: Record<string, unknown>): InterdependenceFunction {
  const type = parseType(o.interdependenceType);
  const { b, m } = o;
  return makeInterdependence({
    className, name: o.name, type, b, m,
    options: { b, m, interdependenceType: type, ...options },
    requireData: true, requireParameters: false, l: 0,
    calculateMPrime: (mm) => mm ?? m ?? 0,
    calculateBPrime: (bb) => bb ?? b ?? 0,
    compute: (X) => kernel(X!),
  });
}

/** statistical_kernel_based_interdependence / numerical_kernel_based_interdependence with a kernel name. */
function namedKernel(className: string) {
  const schema = NAMED_KERNEL_OPTIONS.named(className);
  return (options: OptionsOf<typeof NAMED_KERNEL_OPTIONS>) => {
    const o = schema.parse(options);
    return kernelBased(className, o, kernelByName(o.kernel), { kernel: o.kernel });
  };
}
export const statisticalKernelBasedInterdependence = namedKernel('statistical_kernel_based_interdependence');
export const numericalKernelBasedInterdependence = namedKernel('numerical_kernel_based_interdependence');

/** A factory for a fixed-kernel class: its schema's own options are passed to `make` and recorded. */
function fixed<F extends OptionFields>(className: string, make: (o: ValuesOfFields<F>) => Kernel, base?: OptionSchema<F>) {
  const schema = (base ?? (KERNEL_OPTIONS as unknown as OptionSchema<F>)).named(className);
  const keys = Object.keys(schema.fields).filter((k) => !(k in KERNEL_OPTIONS.fields));
  return (options: OptionsOfFields<F> = {} as OptionsOfFields<F>) => {
    const o = schema.parse(options);
    const opts: Record<string, unknown> = {};
    for (const k of keys) if ((o as Record<string, unknown>)[k] !== undefined) opts[k] = (o as Record<string, unknown>)[k];
    return kernelBased(className, o as unknown as BaseValues, make(o), opts);
  };
}

export const klDivergenceInterdependence = fixed('kl_divergence_interdependence', () => klDivergenceKernel);
export const pearsonCorrelationInterdependence = fixed('pearson_correlation_interdependence', () => pearsonKernel);
export const rvCoefficientInterdependence = fixed('rv_coefficient_interdependence', () => rvCoefficientKernel);
export const mutualInformationInterdependence = fixed('mutual_information_interdependence', () => mutualInformationKernel);
export const linearKernelInterdependence = fixed('linear_kernel_interdependence', () => linearKernel);
export const polynomialKernelInterdependence = fixed('polynomial_kernel_interdependence', (o) => polynomialKernel(o.c, o.d), POLYNOMIAL_KERNEL_OPTIONS);
export const hyperbolicTangentKernelInterdependence = fixed('hyperbolic_tangent_kernel_interdependence', (o) => hyperbolicTangentKernel(o.alpha, o.c), TANH_KERNEL_OPTIONS);
export const exponentialKernelInterdependence = fixed('exponential_kernel_interdependence', (o) => exponentialKernel(o.gamma), EXPONENTIAL_KERNEL_OPTIONS);
export const cosineSimilarityInterdependence = fixed('cosine_similarity_interdependence', () => cosineSimilarityKernel);
export const minkowskiDistanceInterdependence = fixed('minkowski_distance_interdependence', (o) => minkowskiKernel(o.p === 'inf' ? Infinity : o.p), MINKOWSKI_OPTIONS);
export const manhattanDistanceInterdependence = fixed('manhattan_distance_interdependence', () => minkowskiKernel(1));
export const euclideanDistanceInterdependence = fixed('euclidean_distance_interdependence', () => minkowskiKernel(2));
export const chebyshevDistanceInterdependence = fixed('chebyshev_distance_interdependence', () => minkowskiKernel(Infinity));
export const canberraDistanceInterdependence = fixed('canberra_distance_interdependence', () => canberraKernel);
export const gaussianRbfKernelInterdependence = fixed('gaussian_rbf_kernel_interdependence', (o) => gaussianRbfKernel(o.sigma), SIGMA_KERNEL_OPTIONS);
export const laplacianKernelInterdependence = fixed('laplacian_kernel_interdependence', (o) => laplacianKernel(o.sigma), SIGMA_KERNEL_OPTIONS);
export const anisotropicRbfKernelInterdependence = fixed('anisotropic_rbf_kernel_interdependence', (o) => {
  const v = o.aVector;
  const av = v == null ? null : v instanceof tf.Tensor ? Array.from((v as Tensor).dataSync()) : Array.isArray(v) ? (v as unknown[]).flat(2) : [v];
  if (av && !av.every((e) => typeof e === 'number' && Number.isFinite(e))) throw new ValueError('invalid a_vector', { argument: 'a_vector', expected: 'finite numbers (nested lists or a tensor)', received: JSON.stringify(v)?.slice(0, 80) });
  return anisotropicRbfKernel(av as number[] | null, o.aScalar);
}, ANISOTROPIC_OPTIONS);

/** custom_hybrid_kernel_interdependence: Σ_k weight_k·kernel_k(X) (weights default uniform). */
export function customHybridKernelInterdependence(options: OptionsOf<typeof CUSTOM_HYBRID_OPTIONS>): InterdependenceFunction {
  const o = CUSTOM_HYBRID_OPTIONS.parse(options);
  const kernels: Kernel[] = o.kernels.map((k, i) => {
    if (typeof k === 'function') return k as Kernel;
    if (typeof k !== 'string') throw new ValueError('invalid kernel', { argument: `kernels[${i}]`, expected: 'a kernel name or function', received: JSON.stringify(k) });
    return kernelByName(k);
  });
  const weights = o.weights ?? kernels.map(() => 1 / kernels.length);
  if (weights.length !== kernels.length) throw new ValueError('one weight per kernel', { argument: 'weights', expected: `${kernels.length} weights`, received: `${weights.length}` });
  const k: Kernel = (X) => kernels.map((f, i) => tf.mul(tf.scalar(weights[i]), f(X))).reduce((a, b) => tf.add(a, b));
  return kernelBased('custom_hybrid_kernel_interdependence', o, k, { kernels: o.kernels.map((x) => (typeof x === 'function' ? '<function>' : x)), weights: o.weights ?? undefined });
}
