import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineOptions, int, num, processingChain, processingOption } from '@rpn/core';
import type { OptionsOf, Params, ProcessingSpec, Structure, Transformation } from '@rpn/core';
import { TRANSFORMATION_BASE, defineExpansion, taylorBlocks, taylorD } from './common.js';

/** What the post-processing of a Taylor expansion is, for fused kernels. */
export type TaylorPost = 'none' | 'layer_norm' | 'other';

/** Structure of a Taylor expansion (matched by fused reconciliation kernels). */
export interface TaylorStructure extends Structure {
  readonly type: 'taylor';
  readonly d: number;
  /** `layer_norm`: exactly one layer norm over the last axis, eps 1e−5, without affine parameters. */
  readonly post: TaylorPost;
  /** Whether pre-processing exists. */
  readonly pre: boolean;
}

/**
 * Classifies a post-processing spec: `none`, `layer_norm` (exactly one no-affine layer norm over
 * the last axis with eps 1e−5: the functional `layer_norm`; `torch.nn.LayerNorm` inside a list,
 * which tinyBIG never registers so it has no affine parameters; or `torch.nn.LayerNorm` with
 * `elementwise_affine: false`), or `other`.
 */
export function classifyPost(spec: ProcessingSpec): TaylorPost {
  const chain = processingChain(spec);
  if (chain.length === 0) return 'none';
  if (chain.length !== 1) return 'other';
  const f = chain.functions[0];
  const p = (f.toConfig().function_parameters ?? {}) as Params;
  const eps = p.eps ?? 1e-5;
  if (eps !== 1e-5) return 'other';
  if (f.className === 'layer_norm') return 'layer_norm';
  if (f.className === 'torch.nn.LayerNorm') {
    if (!chain.single || p.elementwise_affine === false) return 'layer_norm';
  }
  return 'other';
}

/** Options of {@link taylorExpansion}. */
export const TAYLOR_OPTIONS = defineOptions('taylor_expansion', { d: int({ default: 2, min: 1, doc: 'highest order' }) }, TRANSFORMATION_BASE);
/** Options of {@link taylorExpansion}. */
export type TaylorOptions = OptionsOf<typeof TAYLOR_OPTIONS>;

/**
 * tinyBIG `taylor_expansion`: all ordered products of the inputs up to order `d`,
 * `κ(x) = [x, x⊗x, …, x^{⊗d}]` with `D = Σ_{i=1..d} m^i`. Inside order i the column is the
 * row-major index of `(j1..ji)` (j1 slowest), value `x_j1·…·x_ji`; each order is one outer
 * product of the previous order with x. Exposes `structure: {type:'taylor', d, post, pre}`.
 */
export function taylorExpansion(options: TaylorOptions = {}): Transformation {
  const o = TAYLOR_OPTIONS.parse(options);
  const { d } = o;
  const pre = processingChain(processingOption(o, 'preprocess')).length > 0;
  const structure: TaylorStructure = Object.freeze({ type: 'taylor', d, post: classifyPost(processingOption(o, 'postprocess')), pre });
  return defineExpansion('taylor_expansion', o, {
    own: { d },
    calculateD: (m) => taylorD(m, d),
    kappa: (x) => taylorBlocks(x, d),
    structure,
  });
}

/** Options of {@link fourierExpansion}. tinyBIG's names are upper-case `P`, `N` (the snake→camel rule keeps them). */
export const FOURIER_OPTIONS = defineOptions('fourier_expansion', {
  P: num({ default: 10, check: (v: number) => v !== 0, expected: 'a non-zero number', aliases: ['p'], doc: 'period' }),
  N: int({ default: 5, min: 1, aliases: ['n'], doc: 'number of harmonics' }),
}, TRANSFORMATION_BASE);
/** Options of {@link fourierExpansion}. */
export type FourierOptions = OptionsOf<typeof FOURIER_OPTIONS>;

/**
 * tinyBIG `fourier_expansion`: for n = 1..N the blocks `[cos(2πnx/P) (m cols), sin(2πnx/P) (m cols)]`,
 * `D = 2mN`. Only one cos/sin pair is evaluated (harmonics by
 * angle-addition rotation, re-anchored every 16 harmonics); one stack builds the layout.
 */
export function fourierExpansion(options: FourierOptions = {}): Transformation {
  const o = FOURIER_OPTIONS.parse(options);
  const { P, N } = o;
  return defineExpansion('fourier_expansion', o, {
    own: { P, N },
    calculateD: (m) => 2 * m * N,
    kappa: (x) => {
      // Harmonics by rotation: (c_n, s_n) = (c·c_{n−1} − s·s_{n−1}, s·c_{n−1} + c·s_{n−1}) from one
      // cos/sin pair (error grows linearly in n; re-anchored with a direct cos/sin every 16 harmonics).
      const [b, m] = x.shape as [number, number];
      const theta = tf.mul(x, (2 * Math.PI) / P);
      const c1 = tf.cos(theta);
      const s1 = tf.sin(theta);
      const parts: Tensor[] = [c1, s1];
      let c = c1;
      let s = s1;
      for (let n = 2; n <= N; n++) {
        if ((n - 1) % 16 === 0) {
          const th = tf.mul(x, (2 * Math.PI * n) / P);
          c = tf.cos(th);
          s = tf.sin(th);
        } else {
          const cn = tf.sub(tf.mul(c1, c), tf.mul(s1, s));
          s = tf.add(tf.mul(s1, c), tf.mul(c1, s));
          c = cn;
        }
        parts.push(c, s);
      }
      return tf.reshape(tf.stack(parts, 1), [b, 2 * m * N]);
    },
  });
}
