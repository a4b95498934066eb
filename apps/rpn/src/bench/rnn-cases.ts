import * as tf from '@tensorflow/tfjs-core';
import { appRegistry } from '../registry.js';
import { trainCase } from './train-cases.js';
import type { BenchCase } from './types.js';

/** The synthetic sequence task of the rnn bench: b = 64 chains of L = 16 steps of m = 8 features. */
export const RNN_BENCH = Object.freeze({ batch: 64, chainLength: 16, m: 8, dims: [8, 16, 16, 2] });

/** tinyBIG's `rnn` (rpn_rnn) on {@link RNN_BENCH}: perceptron 8→16 per step, chain 16→16 over L = 16, output 16→2 on the step mean. */
export function rnnModelConfig(fastPaths = true): Record<string, unknown> {
  return { model_class: 'tinybig.model.rpn_rnn.rnn', model_parameters: { chain_length: RNN_BENCH.chainLength, dims: RNN_BENCH.dims, with_softmax: false, fast_paths: fastPaths } };
}

/**
 * Peak tensor memory (MB) of one training step (forward, loss, gradients) as tfjs counts it,
 * which, unlike the process's peak RSS, belongs to this case alone.
 */
async function peakStepMb(config: Record<string, unknown>): Promise<number> {
  const model = appRegistry().build<{ forward(x: tf.Tensor, o?: { training?: boolean }): tf.Tensor; trainableVariables(): tf.Variable[]; dispose(): void }>(config, 'model');
  const { batch, chainLength, m } = RNN_BENCH;
  const x = tf.randomUniform([batch, chainLength * m], 0, 0.5, 'float32', 3);
  try {
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.forward(x, { training: true }))) as tf.Scalar, model.trainableVariables());
      tf.dispose([value, ...Object.values(grads)]);
    });
    return +(info.peakBytes / 2 ** 20).toFixed(3);
  } finally {
    x.dispose();
    model.dispose();
  }
}

/** `rnn` (fast paths) and `rnn_materialized` (RPN_FAST_PATHS off): train/inference samples/s, peak RSS and peak tensor MB of a step. */
export function rnnBenchCases(): BenchCase[] {
  const { batch, chainLength, m, dims } = RNN_BENCH;
  const make = (name: string, fast: boolean): BenchCase => {
    const base = trainCase(name, () => rnnModelConfig(fast), { m: chainLength * m, n: dims[dims.length - 1], batch, classify: true, minReps: 20 });
    return { name, run: async (o) => ({ chain_length: chainLength, ...(await base.run(o)), peak_step_tensor_mb: await peakStepMb(rnnModelConfig(fast)) }) };
  };
  return [make('rnn', true), make('rnn_materialized', false)];
}
