import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/** Plain JSON-like parameters of a function, in tinyBIG's snake_case form. */
export type Params = Record<string, unknown>;

/**
 * tinyBIG's serialized form of any component function:
 * `{ function_class: 'tinybig.expansion.taylor_expansion', function_parameters: { d: 2 } }`.
 */
export interface FunctionConfig {
  readonly function_class: string;
  readonly function_parameters?: Params;
}

/** The families a component function can belong to. */
export type FunctionKind =
  | 'expansion'
  | 'compression'
  | 'reconciliation'
  | 'remainder'
  | 'interdependence'
  | 'fusion'
  | 'processing';

/**
 * A structural description that fast paths match on (never a class name): e.g.
 * `{ type: 'taylor', d: 2 }` for an expansion or `{ type: 'dual_lphm', p: 8, q: 784, r: 5 }`
 * for a reconciliation.
 */
export interface Structure {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * A parameter or buffer a function needs the model to own (e.g. LayerNorm's affine `weight`).
 * The owner names it `<prefix>.<name>`; functions never own tensors that must be saved.
 */
export interface ParameterSpec {
  /** Name relative to the function, e.g. `weight`, `postprocess_functions.running_mean`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Initial value. */
  readonly init: 'ones' | 'zeros';
  /** Trained by the optimizer (`true`) or a buffer updated by the function itself. */
  readonly trainable: boolean;
  readonly dtype?: 'float32' | 'int32';
  /** Not present in tinyBIG's state_dict (a load in strict mode does not require it). */
  readonly optional?: boolean;
}

/** What a forward pass knows about the run: train/eval mode and the function's own parameters. */
export interface ForwardContext {
  /** `true` while training (dropout active, batch norm uses and updates batch statistics). */
  readonly training?: boolean;
  /** The variables for this function's {@link ParameterSpec}s, by relative name. */
  readonly params?: Readonly<Record<string, Variable>>;
  /** Seed for stochastic functions (dropout); `undefined` draws a fresh mask. */
  readonly seed?: number;
}

/** Common to every component function. */
export interface RpnFunction {
  /** Instance name (tinyBIG's `name` parameter; defaults to the class name). */
  readonly name: string;
  readonly kind: FunctionKind;
  /** tinyBIG's registered class name (short form, e.g. `taylor_expansion`). */
  readonly className: string;
  /** Serialize to tinyBIG's `{function_class, function_parameters}` envelope. */
  toConfig(): FunctionConfig;
  /** Parameters/buffers the owner must create for this function (none if absent). */
  parameterSpecs?(): readonly ParameterSpec[];
}

/**
 * Data transformation κ: R^m → R^D (expansion when D > m, compression when D < m).
 * tinyBIG: `tinybig.module.base_transformation.transformation`.
 */
export interface Transformation extends RpnFunction {
  readonly kind: 'expansion' | 'compression';
  /** `D = calculate_D(m)`. */
  calculateD(m: number): number;
  /** `κ(x)`: `[b, m] → [b, D]`. Never mutates `x`. */
  forward(x: Tensor, ctx?: ForwardContext): Tensor;
  /** Structure for fused fast paths (e.g. `{type:'taylor', d:2, postprocess:'layer_norm'}`). */
  readonly structure?: Structure;
}

/**
 * Parameter reconciliation ψ: R^l → R^{n×D}.
 * tinyBIG: `tinybig.module.base_fabrication.fabrication`.
 */
export interface Reconciliation extends RpnFunction {
  readonly kind: 'reconciliation';
  /** If false the head creates no `w` (constant reconciliations). */
  readonly requireParameters: boolean;
  /** If true the head creates a bias `b ∈ R^n`. */
  readonly enableBias: boolean;
  /** `l = calculate_l(n, D)`. */
  calculateL(n: number, D: number): number;
  /** `W = ψ(w)`: `w` is `[l]` or `[1, l]` (or null when l = 0) → `[n, D]`. */
  forward(w: Tensor | null, n: number, D: number): Tensor;
  /**
   * Optional fast path: `κ · ψ(w)ᵀ` (`[b, D] → [b, n]`) computed without building the
   * n × D matrix W. Must equal `matMul(kappa, transpose(forward(w, n, D)))` in values and gradients.
   */
  product?(kappa: Tensor, w: Tensor | null, n: number): Tensor;
  /**
   * Optional fused path: `κ(x) · ψ(w)ᵀ` computed straight from the expansion's input `x`
   * (`[b, m]`) when this reconciliation recognises `expansion.structure` (e.g. order-2 Taylor,
   * with or without a no-affine layer norm), building neither κ(x) nor W. Returns `null` when it
   * does not apply; the head then falls back to `product`, then to the plain path.
   */
  productFromInput?(x: Tensor, expansion: Transformation, w: Tensor | null, n: number): Tensor | null;
  readonly structure?: Structure;
}

/**
 * Remainder π: R^m → R^n, added once after channel fusion.
 * tinyBIG: `tinybig.module.base_remainder.remainder`.
 */
export interface Remainder extends RpnFunction {
  readonly kind: 'remainder';
  /** If true the head owns `w_remainder ∈ R^{n×m}`. */
  readonly requireParameters: boolean;
  /** If true (with parameters) the head owns `b_remainder ∈ R^n`. */
  readonly enableBias: boolean;
  /** True for the zero remainder: the head adds nothing. */
  readonly isZero?: boolean;
  /** `π(x)`; constant remainders ignore `x` and return `[n]` (broadcast by the head). */
  forward(x: Tensor | null, w: Tensor | null, b: Tensor | null, m: number, n: number, ctx?: ForwardContext): Tensor;
}

/**
 * Data interdependence ξ. Attribute type: A ∈ R^{m×m'}, applied as `x · A`;
 * instance type: A ∈ R^{b×b'}, applied as `Aᵀ · κ(x)`, computed from the raw x.
 * tinyBIG: `tinybig.module.base_interdependence.interdependence`.
 */
export interface Interdependence extends RpnFunction {
  readonly kind: 'interdependence';
  readonly type: 'attribute' | 'instance';
  readonly requireData: boolean;
  readonly requireParameters: boolean;
  calculateL(): number;
  calculateMPrime(m?: number): number;
  calculateBPrime(b?: number): number;
  /** The matrix A (attribute: from `x`; instance: from `xᵀ`). */
  calculateA(x: Tensor | null, w?: Tensor | null): Tensor;
  /** attribute: `(kappaX ?? x) · A`; instance: `Aᵀ · (kappaX ?? x)`. */
  forward(x: Tensor | null, w?: Tensor | null, kappaX?: Tensor | null, ctx?: ForwardContext): Tensor;
}

/**
 * Fusion of several same-batch tensors (channels in a head, heads in a layer, matrices in
 * hybrid interdependence). tinyBIG: `tinybig.module.base_fusion.fusion`.
 */
export interface Fusion extends RpnFunction {
  readonly kind: 'fusion';
  readonly requireParameters: boolean;
  readonly dims?: readonly number[];
  /** Output width for input widths `dims`. */
  calculateN(dims?: readonly number[]): number;
  /** Number of learnable parameters (owner stores them as `[1, l]`). */
  calculateL(): number;
  forward(xs: readonly Tensor[], w?: Tensor | null, ctx?: ForwardContext): Tensor;
}

/**
 * An input/output processing function (activation, normalisation, dropout…), tinyBIG's
 * `func_x` targets. May declare parameters/buffers through `parameterSpecs`.
 */
export interface ProcessingFunction extends RpnFunction {
  readonly kind: 'processing';
  forward(x: Tensor, ctx?: ForwardContext): Tensor;
}

/** Anything tinyBIG accepts where processing functions go: a name, config, object or list. */
export type ProcessingSpec = string | FunctionConfig | ProcessingFunction | readonly ProcessingSpec[] | null | undefined;
