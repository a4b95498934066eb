import * as tf from '@tensorflow/tfjs-core';
import { adamW } from '@rpn/learn';
import { appRegistry } from '../registry.js';
import { median, peakRssMb, type BenchModel } from './types.js';
import type { BenchCase } from './types.js';


/**
 * Runs `f` at least `min` and at most `max` times, stopping once `budgetMs` has been spent: V8
 * tiers up tfjs's engine code over the first calls, which dominates a millisecond-sized step.
 */
function warmUp(f: () => void, min: number, max: number, budgetMs: number): void {
  const t0 = performance.now();
  for (let i = 0; i < max && (i < min || performance.now() - t0 < budgetMs); i++) f();
}

/**
 * Times what `rpn train` does per batch: forward, loss, gradients (tf.variableGrads) and an AdamW
 * step of @rpn/learn; inference at batch 1 and 1000. Random data of the model's shape.
 */
export function trainCase(name: string, config: () => Record<string, unknown>, o: { m: number; n: number; batch: number; classify: boolean; minReps: number }): BenchCase {
  return {
    name,
    async run({ reps }) {
      const model = appRegistry().build<BenchModel>(config(), 'model');
      const x = tf.randomUniform([o.batch, o.m], 0, 0.5, 'float32', 3);
      const y = o.classify ? tf.oneHot(tf.randomUniform([o.batch], 0, o.n, 'int32', 4), o.n) : tf.randomUniform([o.batch, o.n], 0, 1, 'float32', 4);
      const x1 = tf.randomUniform([1, o.m], 0, 0.5, 'float32', 5);
      const xb = tf.randomUniform([1000, o.m], 0, 0.5, 'float32', 6);
      const vars = model.trainableVariables();
      const opt = adamW(vars, { lr: 1e-3, weightDecay: 1e-4 });
      const step = () => {
        const { value, grads } = tf.variableGrads(() => {
          const s = model.forward(x, { training: true });
          return (o.classify ? tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(s)), 1))) : tf.mean(tf.squaredDifference(s, y))) as tf.Scalar;
        }, vars);
        opt.step(vars.map((v) => grads[v.name]));
        value.dataSync();
        tf.dispose([value, ...Object.values(grads)]);
      };
      const infer = (input: tf.Tensor) => () => { const r = tf.tidy(() => model.forward(input, { training: false })); r.dataSync(); r.dispose(); };
      const timeIt = (f: () => void, n: number) => { const t: number[] = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); } return median(t); };
      try {
        const n = Math.max(o.minReps, reps);
        // warm-up to steady state: up to 1,000 steps or 2 s (at least 2), the same for b = 1
        warmUp(step, 2, 1000, 2000);
        const trainMs = timeIt(step, n);
        warmUp(infer(x1), 1, 1000, 1000);
        const b1 = timeIt(infer(x1), Math.max(5, n));
        infer(xb)();
        const b1000 = timeIt(infer(xb), Math.max(3, Math.min(n, 10)));
        return {
          parameters: model.summary().total,
          batch: o.batch,
          train_ms_per_step: +trainMs.toFixed(3),
          train_samples_per_s: +(o.batch / (trainMs / 1000)).toFixed(1),
          infer_samples_per_s_b1: +(1000 / b1).toFixed(1),
          infer_samples_per_s_b1000: +(1000 * 1000 / b1000).toFixed(1),
          peak_rss_mb: peakRssMb(),
        };
      } finally {
        opt.dispose();
        tf.dispose([x, y, x1, xb]);
        model.dispose();
      }
    },
  };
}

/** matMul GFLOP/s reference (1000 × 784 · 784 × 1024, the scale of an MNIST layer). */
export function matMulBenchCase(): BenchCase {
  return {
    name: 'matmul',
    async run({ reps }) {
      const [m, k, n] = [1000, 784, 1024];
      const a = tf.randomUniform([m, k]);
      const b = tf.randomUniform([k, n]);
      const once = () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); };
      once();
      const t: number[] = [];
      for (let i = 0; i < Math.max(10, reps); i++) { const t0 = performance.now(); once(); t.push(performance.now() - t0); }
      const ms = median(t);
      tf.dispose([a, b]);
      return { shape: [m, k, n], ms: +ms.toFixed(3), gflops: +((2 * m * k * n) / (ms / 1000) / 1e9).toFixed(2), train_samples_per_s: null, infer_samples_per_s_b1: null, infer_samples_per_s_b1000: null, peak_rss_mb: peakRssMb() };
    },
  };
}
