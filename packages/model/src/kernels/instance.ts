import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import {
  ConfigError, ShapeError, flatLayout, formatShape,
  type HeadKernel, type InstanceAxis, type KernelContext, type KernelParameters,
} from '@rpn/core';
import { kernelSizes, reconciledProduct, type KernelFactory, type KernelRequest } from './rpn.js';

/**
 * tinyBIG's `operator_based_normalize_matrix(mx, mask_zeros, rescale_factor, softmax, mode)` as the
 * post-processing of a data-dependent instance matrix: `S = rescale·A`; with `maskZeros`,
 * `M = (S ≠ 0)`, `S' = S` with exact zeros set to −1e9, result `M ⊙ softmax(S')`; `column` takes the
 * softmax over each column (torch `dim=0`), `row` over each row.
 */
export interface InstanceNormalization {
  readonly rescale: number;
  readonly maskZeros: boolean;
  readonly mode: 'column' | 'row';
}

/** Options of {@link instanceKernel}. */
export interface InstanceKernelOptions {
  /** What the rows are: graph `nodes` or attention `tokens`. */
  readonly axis: InstanceAxis['name'];
  /** The fixed number of rows one forward must have (graph node count; attention `batch_num`). */
  readonly count?: number;
  /** Post-processing of A (GAT: masked column softmax; attention: masked column softmax of √n·S). */
  readonly normalization?: InstanceNormalization;
}

/**
 * `1[a ≠ 0]` as a float mask with zero gradient (the mask is piecewise constant; tfjs has no
 * gradient for comparisons, so the comparison runs inside one custom-gradient op).
 */
const nonZeroMask = tf.customGrad(((a: Tensor) => ({
  value: tf.cast(tf.notEqual(a, 0), 'float32'),
  gradFunc: (dy: Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * `M ⊙ softmax(S')` of {@link InstanceNormalization}, differentiable in `a`: `S' = S + (M − 1)·1e9`
 * equals S where M = 1 and −1e9 where S = 0 exactly.
 */
export function normalizeInstanceMatrix(a: Tensor, o: InstanceNormalization): Tensor {
  return tf.tidy(() => {
    const s = o.rescale === 1 ? a : tf.mul(a, o.rescale);
    const mask = o.maskZeros ? (nonZeroMask(s) as Tensor) : null;
    const masked = mask ? tf.add(s, tf.mul(tf.sub(mask, 1), 1e9)) : s;
    const soft = o.mode === 'row' ? tf.softmax(masked) : tf.transpose(tf.softmax(tf.transpose(masked)));
    return mask ? tf.mul(soft, mask) : soft;
  });
}

/** `k · ψ(w)ᵀ`: ψ's own product (fast paths on) or the plain W = ψ(w), k·Wᵀ. */

/**
 * The instance kernel (tinyBIG `head.forward` with an instance interdependence: GCN, GAT and
 * attention heads): the rows of the batch are the instances (graph nodes, tokens) and, per channel,
 * `out = Aᵀ · κ(x·A_a) · ψ(w)ᵀ + b`, with `A = ξ_i(x, w_instance_interdependence)` ([N, N]) computed
 * from the (processed) input rows and optionally normalised ({@link InstanceNormalization}).
 *
 * What is built: A as a dense N × N matrix (as tinyBIG densifies it), κ(x) `[N, D]`, and either
 * `κ(x)·ψ(w)ᵀ` `[N, n]` first when n < D (then `Aᵀ·(…)`), or `Aᵀ·κ(x)` `[N, D]` first (tinyBIG's
 * order, always taken with fast paths off). Never an (N·D) × (N·n) matrix. A that depends on
 * neither data nor parameters (a fixed graph) is computed once by the interdependence and only
 * re-read afterwards; A from data and parameters (GAT, attention) carries gradients to both.
 * The layout is flat `[m]` rows over an instance axis `{name, count}`, so a batch with another
 * row count than `count` is a ShapeError naming x before anything runs.
 */
export function instanceKernel(options: InstanceKernelOptions): KernelFactory {
  return (request: KernelRequest): HeadKernel => {
    const { m, n, channelNum: C } = request;
    const inst = request.instanceInterdependence;
    const attr = request.attributeInterdependence;
    const kappa = request.dataTransformation;
    const psi = request.reconciliation;
    if (!inst) throw new ConfigError('the instance kernel needs an instance interdependence', { argument: 'instance_interdependence', expected: 'an instance-type interdependence function', received: 'none' });
    const count = options.count;
    if (count !== undefined && inst.calculateBPrime(count) !== count) {
      throw new ConfigError('the instance kernel keeps one output row per input row', { argument: 'instance_interdependence', expected: `b' = b = ${count}`, received: `b' = ${inst.calculateBPrime(count)}` });
    }
    const { mPrime, D, l, lAttribute, lInstance } = kernelSizes(request);
    if (!psi && D !== n) throw new ConfigError('without a reconciliation the expansion width must be the head width', { argument: 'parameter_fabrication', expected: `a reconciliation, or D = n = ${n}`, received: `D = ${D}` });
    const axis: InstanceAxis = Object.freeze({ name: options.axis, ...(count !== undefined ? { count } : {}) });
    // A and κ(x) are shared by the channels when no channel has its own ξ parameters
    const shareA = C > 1 && !inst.requireParameters;
    const shareKappa = C > 1 && (!attr || !attr.requireParameters);
    const norm = options.normalization;

    const matrix = (x: Tensor, p: KernelParameters, ctx: KernelContext): Tensor => {
      let A = shareA ? ctx.cache.get('instance_A') : undefined;
      if (!A) {
        A = inst.calculateA(x, p.wInstance);
        if (norm) A = normalizeInstanceMatrix(A, norm);
        if (shareA) ctx.cache.set('instance_A', A);
      }
      if (A.shape[0] !== x.shape[0]) {
        throw new ShapeError(`the batch must hold every one of the ${A.shape[0]} ${options.axis}`, { argument: 'x', expected: `shape [${A.shape[0]}, ${m}]`, received: `shape ${formatShape(x.shape)}` });
      }
      return A;
    };

    return Object.freeze({
      kind: 'instance',
      inLayout: flatLayout(m, axis),
      outLayout: flatLayout(n, axis),
      mPrime,
      D,
      l,
      lAttribute,
      lInstance,
      biasShape: [n],
      remainder: Object.freeze({ m, n, steps: 1 }),
      forward(x: Tensor, p: KernelParameters, ctx: KernelContext): Tensor {
        const A = matrix(x, p, ctx);
        let kx = shareKappa ? ctx.cache.get('kappa_x') : undefined;
        if (!kx) {
          const xa = attr ? attr.forward(x, p.wAttribute) : x;
          kx = kappa ? kappa.forward(xa, ctx.context('data_transformation.')) : xa;
          if (shareKappa) ctx.cache.set('kappa_x', kx);
        }
        let out: Tensor;
        if (!psi) out = tf.matMul(A, kx, true, false);
        else if (ctx.fastPaths && n < D) out = tf.matMul(A, reconciledProduct(psi, kx, p.wFlat(), n, true), true, false);
        else out = reconciledProduct(psi, tf.matMul(A, kx, true, false), p.wFlat(), n, ctx.fastPaths);
        return p.b ? tf.add(out, p.b) : out;
      },
    });
  };
}
