import * as tf from '@tensorflow/tfjs-core';
import { ValueError, type Params } from '@rpn/core';

/**
 * An optimizer over a fixed list of variables, following torch.optim's update rules exactly
 * (bias-corrected Adam with ε outside the square root, AdamW's decoupled weight decay,
 * SGD's dampening/nesterov, …). The learning rate is mutable so schedulers can set it.
 */
export interface Optimizer {
  readonly name: string;
  /** Current learning rate. */
  readonly lr: number;
  /** The learning rate given at construction (schedulers start from it). */
  readonly initialLr: number;
  setLearningRate(lr: number): void;
  /** Applies one step. `grads[i]` is the gradient of `variables[i]`; gradients are not disposed. */
  step(grads: readonly tf.Tensor[]): void;
  /** Steps taken. */
  readonly steps: number;
  /** The torch-style config this optimizer was made from. */
  toConfig(): { optimizer_class: string; optimizer_parameters: Record<string, unknown> };
  /** Frees the optimizer's state (moments, momentum buffers). */
  dispose(): void;
}

/** What an `optimizer` registry entry makes from its options: the optimizer over a model's variables. */
export type OptimizerFactory = (variables: readonly tf.Variable[]) => Optimizer;

/**
 * One variable's update; `k()` gives the step's scalars (from `stepScalars`) as tensors, uploaded on
 * the first call of the step and shared by every variable (an update that needs none, such as a
 * fused kernel taking numbers, never uploads them).
 */
export type Update = (p: tf.Variable, g: tf.Tensor, slots: tf.Variable[], t: number, lr: number, k: () => readonly tf.Scalar[]) => void;

/** The scalars an update uses at step t (uploaded once per step instead of once per op and variable). */
export type StepScalars = (t: number, lr: number) => number[];

/** Builds an {@link Optimizer}: `nSlots` state tensors per variable, `update` applied per variable in a tidy. */
export function makeOptimizer(name: string, className: string, params: Record<string, unknown>, variables: readonly tf.Variable[], lr0: number, nSlots: number, update: Update, initSlot: (p: tf.Variable, k: number) => tf.Tensor = (p) => tf.zerosLike(p), stepScalars?: StepScalars): Optimizer {
  let lr = lr0;
  let t = 0;
  const slots: tf.Variable[][] = variables.map((p) => Array.from({ length: nSlots }, (_, k) => tf.tidy(() => tf.variable(initSlot(p, k), false))));
  const opt: Optimizer = {
    name,
    get lr() { return lr; },
    initialLr: lr0,
    get steps() { return t; },
    setLearningRate(v: number) {
      if (!Number.isFinite(v) || v < 0) throw new ValueError('invalid learning rate', { argument: 'lr', expected: 'a finite number ≥ 0', received: String(v) });
      lr = v;
    },
    step(grads: readonly tf.Tensor[]) {
      if (grads.length !== variables.length) throw new ValueError('one gradient per variable is needed', { argument: 'grads', expected: `${variables.length} tensors`, received: `${grads.length}` });
      t += 1;
      let k: tf.Scalar[] | null = null;
      const scalars = (): readonly tf.Scalar[] => (k ??= stepScalars ? tf.tidy(() => stepScalars(t, lr).map((v) => tf.keep(tf.scalar(v)))) : []);
      try {
        for (let i = 0; i < variables.length; i++) {
          const g = grads[i];
          if (!g) continue;
          tf.tidy(() => update(variables[i], g, slots[i], t, lr, scalars));
        }
      } finally {
        if (k) tf.dispose(k);
      }
    },
    toConfig: () => ({ optimizer_class: className, optimizer_parameters: { ...params, lr } }),
    dispose() { for (const s of slots) for (const v of s) v.dispose(); },
  };
  return opt;
}
