import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { RpnError, ValueError, assertLayout, flatLayout, type Layout, type ParameterSpec } from '@rpn/core';
import { initialValue, type InitMethod, type InitTarget } from './init.js';

/** One parameter or buffer, by its full tinyBIG state_dict name. */
export interface NamedParameter {
  /** Dotted state_dict name relative to the object it was asked from (`layers.0.heads.0.w`). */
  readonly name: string;
  readonly variable: Variable;
  /** Trained by the optimizer (`false` for buffers such as BatchNorm running statistics). */
  readonly trainable: boolean;
  /** Not present in tinyBIG's state_dict (loaders may skip it in strict mode). */
  readonly optional?: boolean;
}

/** A summary row: a trainable parameter's name, shape and element count. */
export interface SummaryRow {
  readonly name: string;
  readonly shape: readonly number[];
  readonly count: number;
}

/** `summary()` result: trainable parameters only, with their total count. */
export interface Summary {
  readonly rows: readonly SummaryRow[];
  readonly total: number;
}

/** Per-call forward options. */
export interface ForwardOptions {
  /** Overrides the object's train/eval mode for this call. */
  readonly training?: boolean;
  /** Seed for stochastic processing functions (dropout). */
  readonly seed?: number;
}

/** What heads, layers and models have in common. */
export interface RpnModule {
  readonly name: string;
  /** Input width. */
  readonly m: number;
  /** Output width. */
  readonly n: number;
  /** The per-sample layout of the input rows (width m). */
  readonly inLayout: Layout;
  /** The per-sample layout of the output rows (width n). */
  readonly outLayout: Layout;
  readonly training: boolean;
  forward(x: Tensor, options?: ForwardOptions): Tensor;
  namedParameters(): NamedParameter[];
  trainableVariables(): Variable[];
  summary(): Summary;
  train(): void;
  eval(): void;
  toConfig(): Record<string, unknown>;
  dispose(): void;
  /** Re-draws the learnable `w*`/`b*` parameters (function parameters/buffers keep their spec init). */
  initializeParameters(method?: InitMethod, seed?: number): void;
  readonly disposed: boolean;
}

/** A parameter slot a module owns: either a tinyBIG `w*`/`b*` tensor or a function's spec. */
export interface Slot {
  readonly name: string;
  readonly variable: Variable;
  readonly trainable: boolean;
  readonly optional?: boolean;
  /** Present for `w*`/`b*` tensors (re-drawn by `initializeParameters`). */
  readonly init?: InitTarget;
}

/** Creates a variable from a {@link ParameterSpec} (ones/zeros). */
export function specVariable(spec: ParameterSpec): Variable {
  const dtype = spec.dtype ?? 'float32';
  const v = spec.init === 'ones' ? tf.ones([...spec.shape], dtype) : tf.zeros([...spec.shape], dtype);
  const variable = tf.variable(v, spec.trainable, undefined, dtype);
  v.dispose(); // the variable holds its own reference to the data
  return variable;
}

/** Creates an initialised `w*`/`b*` variable. */
export function initVariable(method: InitMethod, target: InitTarget, seed?: number): Variable {
  const v = tf.tidy(() => initialValue(method, target, seed));
  const variable = tf.variable(v, true);
  v.dispose();
  return variable;
}

/** Builds `summary()` from named parameters. */
export function summarize(params: readonly NamedParameter[]): Summary {
  const rows = params.filter((p) => p.trainable).map((p) => Object.freeze({ name: p.name, shape: [...p.variable.shape], count: p.variable.size }));
  return Object.freeze({ rows: Object.freeze(rows), total: rows.reduce((a, r) => a + r.count, 0) });
}

/** Prefixes names (`heads.0.` + `w`). */
export function prefixed(prefix: string, params: readonly NamedParameter[]): NamedParameter[] {
  return params.map((p) => Object.freeze({ ...p, name: `${prefix}${p.name}` }));
}

/** Train/eval mode and disposal shared by heads, layers and models. */
export interface Lifecycle {
  readonly state: { training: boolean; disposed: boolean };
  /** Throws a typed error once the object has been disposed. */
  checkAlive(): void;
  /**
   * The preamble of every forward: checks the object is alive, `x` is a live tensor (a disposed
   * one is a ValueError, not tfjs's raw "Tensor is disposed") and holds rows of the input
   * layout (`[b, m]` for a width m), and returns the mode to run in (`options.training`, else
   * the object's own mode).
   */
  begin(x: Tensor, layout: Layout | number, options?: ForwardOptions): boolean;
  /** Switches this object and its children to training mode. */
  train(): void;
  /** Switches this object and its children to eval mode. */
  eval(): void;
}

/** The lifecycle of a `what` (head, layer, model) that owns `children`. */
export function lifecycle(what: string, training: boolean, children: readonly { train(): void; eval(): void }[] = []): Lifecycle {
  const state = { training, disposed: false };
  for (const c of children) (training ? c.train() : c.eval());
  const checkAlive = (): void => {
    if (state.disposed) throw new RpnError(`this ${what} has been disposed`, { argument: what, expected: `a live ${what}`, received: 'disposed' });
  };
  return Object.freeze({
    state,
    checkAlive,
    begin(x: Tensor, layout: Layout | number, options?: ForwardOptions): boolean {
      checkAlive();
      if ((x as { isDisposed?: unknown } | null)?.isDisposed === true) {
        throw new ValueError(`the input of this ${what} has been disposed`, { argument: 'x', expected: 'a live tensor', received: `a disposed tensor of shape [${x.shape.join(', ')}]` });
      }
      assertLayout(x, typeof layout === 'number' ? flatLayout(layout) : layout, 'x');
      return options?.training ?? state.training;
    },
    train() {
      state.training = true;
      children.forEach((c) => c.train());
    },
    eval() {
      state.training = false;
      children.forEach((c) => c.eval());
    },
  });
}

/** `trainableVariables()` and `summary()` derived from an object's `namedParameters()`. */
export function parameterViews(named: () => NamedParameter[]): { trainableVariables(): Variable[]; summary(): Summary } {
  return {
    trainableVariables: () => named().filter((p) => p.trainable).map((p) => p.variable),
    summary: () => summarize(named()),
  };
}
