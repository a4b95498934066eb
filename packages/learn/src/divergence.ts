import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '@rpn/core';

/**
 * A training step produced a non-finite loss or gradient. The step was not applied: the model
 * keeps the weights of the last good step, so a checkpoint saved after catching this error (or one
 * saved before it) never holds the NaN state. `epoch` and `batch` are 1-based.
 */
export class TrainingDivergedError extends ValueError {
  readonly epoch: number;
  readonly batch: number;
  constructor(what: 'loss' | 'gradient', value: string, epoch: number, batch: number) {
    super(`training diverged: non-finite ${what} at epoch ${epoch}, batch ${batch}; the step was not applied (the weights are those of the last good step)`, {
      argument: what === 'loss' ? 'loss' : `gradient of ${value}`,
      expected: `a finite ${what}`,
      received: what === 'loss' ? `${value} at epoch ${epoch}, batch ${batch}` : `NaN or Infinity at epoch ${epoch}, batch ${batch}`,
    });
    this.epoch = epoch;
    this.batch = batch;
  }
}

/**
 * Checks one step before the optimizer applies it: throws {@link TrainingDivergedError} when the
 * loss `lv` is not finite, or when a gradient holds NaN/±Infinity (Σ 0·g is NaN then, else 0;
 * one scalar read). Creates no lasting tensors.
 */
export function assertFiniteStep(lv: number, grads: Readonly<Record<string, tf.Tensor>>, epoch: number, batch: number): void {
  if (!Number.isFinite(lv)) throw new TrainingDivergedError('loss', String(lv), epoch, batch);
  const gs = Object.entries(grads);
  if (gs.length === 0) return;
  const flag = tf.tidy(() => tf.addN(gs.map(([, g]) => tf.sum(tf.mul(g, 0)))));
  const ok = flag.dataSync()[0] === 0;
  flag.dispose();
  if (ok) return;
  const bad = gs.filter(([, g]) => tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(g)))).dataSync()[0] === 1).map(([n]) => n);
  throw new TrainingDivergedError('gradient', bad.join(', ') || gs.map(([n]) => n).join(', '), epoch, batch);
}
