import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ValueError, any, camelToSnake, defineOptions, list, makeTransformation, num, processingOption, str } from '@rpn/core';
import type { ForwardContext, FunctionConfig, OptionSchema, OptionsOf, Params, ProcessingSpec, Structure, Transformation } from '@rpn/core';
import { taylor2Kernel, taylor2KernelAvailable } from './taylor-kernel.js';

/** tinyBIG's module for every expansion class. */
export const EXPANSION_MODULE = 'tinybig.expansion';

/**
 * Options every data transformation accepts (tinyBIG's transformation base class): the instance
 * name, pre/post-processing (both of tinyBIG's spellings) and torch's `device` (accepted, ignored).
 */
export const TRANSFORMATION_BASE = Object.freeze({
  name: str({ doc: 'instance name (defaults to the class name)' }),
  preprocessFunctions: any<ProcessingSpec>({ doc: 'tinyBIG preprocess_functions: a name, config, processing function or list of those' }),
  preprocessFunctionConfigs: any<ProcessingSpec>({ doc: 'tinyBIG preprocess_function_configs (same as preprocess_functions)' }),
  postprocessFunctions: any<ProcessingSpec>({ doc: 'tinyBIG postprocess_functions' }),
  postprocessFunctionConfigs: any<ProcessingSpec>({ doc: 'tinyBIG postprocess_function_configs' }),
  device: any<string>({ doc: "torch's device (accepted and ignored)" }),
});

/** The options of an expansion without own options. */
export const BASE_EXPANSION_OPTIONS = defineOptions('expansion', {}, TRANSFORMATION_BASE);

/** Options every expansion accepts (tinyBIG's transformation base class). */
export type BaseExpansionOptions = OptionsOf<typeof BASE_EXPANSION_OPTIONS>;

/** A `[lo, hi]` range option with finite lo < hi. */
export function range(dflt: readonly [number, number], doc?: string) {
  return list(num(), { length: 2, default: [...dflt], check: (v: number[]) => v[0]! < v[1]!, expected: 'a pair [lo, hi] of finite numbers with lo < hi', doc });
}

/** What an expansion author supplies to {@link defineTransformation}. */
export interface KappaSpec {
  readonly calculateD: (m: number) => number;
  readonly kappa: (x: Tensor, ctx?: ForwardContext) => Tensor;
  /** The function's own options, as written back by `toConfig` (camelCase). */
  readonly own: Params;
  readonly structure?: Structure;
  /** The function's declared options: `toConfig` writes `own` under their tinyBIG keys (`preC` → `pre_C`). */
  readonly schema?: OptionSchema;
}

/**
 * Wraps {@link makeTransformation} with the common options (name, pre/post-processing).
 * `kind` lets the compression package reuse the same builders.
 */
export function defineTransformation(kind: 'expansion' | 'compression', className: string, module: string, options: Readonly<Params>, spec: KappaSpec): Transformation {
  const t = makeTransformation({
    kind,
    className,
    module,
    name: typeof options.name === 'string' ? options.name : undefined,
    options: spec.own,
    calculateD: spec.calculateD,
    kappa: spec.kappa,
    structure: spec.structure,
    preprocess: processingOption(options, 'preprocess'),
    postprocess: processingOption(options, 'postprocess'),
  });
  const renames: Record<string, string> = {};
  for (const k of Object.keys(spec.own)) {
    const key = spec.schema?.fields[k] ? spec.schema.configKey(k) : camelToSnake(k);
    if (key !== camelToSnake(k)) renames[camelToSnake(k)] = key;
  }
  if (Object.keys(renames).length === 0) return t;
  return Object.freeze({
    ...t,
    toConfig(): FunctionConfig {
      const c = t.toConfig();
      const params: Params = {};
      for (const [k, v] of Object.entries(c.function_parameters ?? {})) params[renames[k] ?? k] = v;
      return Object.freeze({ function_class: c.function_class, function_parameters: params });
    },
  });
}

/** Shorthand for an expansion in `tinybig.expansion`. */
export function defineExpansion(className: string, options: Readonly<Params>, spec: KappaSpec): Transformation {
  return defineTransformation('expansion', className, EXPANSION_MODULE, options, spec);
}

/**
 * Indicator `[x ≥ a]` as a float tensor, built from `step` so it stays differentiable
 * (zero gradient) on the tape: comparison ops have no gradient in tfjs.
 */
export function geq(x: Tensor, a: number | Tensor): Tensor {
  return tf.tidy(() => tf.sub(1, tf.step(tf.sub(a, x))));
}

/** Indicator `[x < a]` as a float tensor (see {@link geq}). */
export function lt(x: Tensor, a: number | Tensor): Tensor {
  return tf.tidy(() => tf.step(tf.sub(a, x)));
}

/**
 * `x` of shape `[b, m]` → `[b, m, 1]` … then `[b, m, k]` → `[b, m·k]` feature-major: the
 * helpers used by every per-feature basis (polynomials, RBF, B-splines, wavelets).
 */
export function featureMajor(parts: Tensor, b: number): Tensor {
  return tf.reshape(parts, [b, -1]);
}

/**
 * Taylor-style products of the columns of `w` (`[b, a]`) up to order `d`:
 * `[w, w⊗w, …, w^{⊗d}]`, each order-k block the row-major flattening of the outer product of
 * the order-(k−1) block with `w`. Built without a concat of the big blocks:
 * `T_1 = w`, `T_k = reshape([1, T_{k−1}] ⊗ w)` — the row of the leading 1 reproduces `w` and
 * the other rows are exactly the next order, so each order is one broadcast multiply.
 */
export function taylorBlocks(w: Tensor, d: number): Tensor {
  if (d === 1) return w;
  // small order-2 expansions (elementary configs: 2 → 6 columns) as one JS kernel and one gradient kernel
  if (d === 2 && taylor2KernelAvailable(w)) return taylor2Kernel(w);
  const [b, m] = w.shape as [number, number];
  // The blocks of every order up to d: the orders' `[1, T_{k−1}]` operands come back in `pads`.
  const blocks = (x: Tensor, pads?: Tensor[]): Tensor => {
    const w3 = tf.reshape(x, [b, 1, m]);
    let t = x;
    for (let k = 2; k <= d; k++) {
      const a = (t.shape[1] as number) + 1;
      // [1, T_{k−1}] as one pad with the constant 1 (no ones tensor, no last-axis concat).
      const p = tf.pad(t, [[0, 0], [1, 0]], 1);
      pads?.push(p);
      t = tf.reshape(tf.mul(tf.reshape(p, [b, a, 1]), w3), [b, a * m]);
    }
    return t;
  };
  // One custom-gradient op: the forward's pads, reshapes and products are not recorded on the
  // tape (each would save copies of its inputs); the gradient runs the recursion backwards:
  // with dT_k viewed [b, a, m], d[1, T_{k−1}] = Σ_j dT_k·w_j and dw += Σ_a dT_k·[1, T_{k−1}]_a.
  const f = tf.customGrad(((x: Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: blocks(x),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const x0 = saved[0];
        const pads: Tensor[] = [];
        blocks(x0, pads);
        const w3 = tf.reshape(x0, [b, 1, m]);
        let dt = dy;
        let dw: Tensor | null = null;
        for (let k = d; k >= 2; k--) {
          const p = pads[k - 2];
          const a = p.shape[1] as number;
          const dT = tf.reshape(dt, [b, a, m]);
          const dwk = tf.sum(tf.mul(dT, tf.reshape(p, [b, a, 1])), 1);
          dw = dw ? tf.add(dw, dwk) : dwk;
          dt = tf.slice(tf.sum(tf.mul(dT, w3), 2), [0, 1], [b, a - 1]);
        }
        return tf.add(dw!, dt);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(w) as Tensor;
}

/**
 * Stacks per-degree tensors `[b, m]` into the feature-major layout `[b, m·k]`
 * (`out[:, j·k + i] = parts[i][:, j]`). Stacking on the last axis is slow on wasm (element-wise
 * copies); stacking on axis 0 and one transpose is not.
 */
export function interleave(parts: readonly Tensor[]): Tensor {
  const [b, m] = parts[0].shape as [number, number];
  if (parts.length === 1) return tf.clone(parts[0]);
  return tf.reshape(tf.transpose(tf.stack(parts as Tensor[], 0), [1, 2, 0]), [b, m * parts.length]);
}

/** `[k, b, m]` (basis-major) → feature-major `[b, m·k]`. */
export function basisMajorToFeatureMajor(t: Tensor): Tensor {
  const [k, b, m] = t.shape as [number, number, number];
  return tf.reshape(tf.transpose(t, [1, 2, 0]), [b, m * k]);
}

/** `Σ_{i=1..d} m^i`. */
export function taylorD(m: number, d: number): number {
  let s = 0;
  let p = 1;
  for (let i = 1; i <= d; i++) { p *= m; s += p; }
  return s;
}

/** log Γ(z) for z > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
export function lgamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  z -= 1;
  let x = c[0];
  for (let i = 1; i < g + 2; i++) x += c[i] / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

/** A constant tensor (float32) from nested arrays or an existing tensor (cloned). */
export function constTensor(v: unknown): Tensor {
  if (v instanceof tf.Tensor) return tf.clone(v);
  return tf.tensor(v as number[]);
}

/** Nested arrays for a config from a tensor or nested arrays (validated as a 2-D matrix). */
export function matrixOption(v: unknown, argument: string): number[][] | undefined {
  if (v == null) return undefined;
  const arr = v instanceof tf.Tensor ? (v.arraySync() as unknown) : v;
  if (!Array.isArray(arr) || arr.length === 0 || !arr.every((r) => Array.isArray(r) && r.length === (arr[0] as unknown[]).length && r.every((e: unknown) => typeof e === 'number'))) {
    throw new ValueError('invalid matrix option', { argument, expected: 'a 2-D matrix (nested number arrays or a rank-2 tensor)', received: v instanceof tf.Tensor ? `tensor of shape [${v.shape.join(', ')}]` : JSON.stringify(v)?.slice(0, 80) });
  }
  return arr as number[][];
}
