import * as tf from '@tensorflow/tfjs-core';
import { fileURLToPath } from 'node:url';
import { modelConfigOf, readYaml } from '../config-file.js';
import { appRegistry } from '../registry.js';
import { timeIt } from './types.js';
import type { BenchCase } from './types.js';

/** The subset of a built model the bench needs (`@rpn/model`'s RpnModel). */
interface BenchModel {
  forward(x: tf.Tensor): tf.Tensor;
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

const CONFIG_DIR = new URL('../../configs/', import.meta.url);

/** tinyBIG's `model_configs` from one of its experiment YAMLs, with the fast paths switched on or off. */
export function mnistModelConfig(file: string, fastPaths: boolean): Record<string, unknown> {
  const path = fileURLToPath(new URL(file, CONFIG_DIR));
  const mc = structuredClone(modelConfigOf(readYaml(path), path)) as Record<string, any>;
  mc.model_parameters = { ...(mc.model_parameters ?? {}), fast_paths: fastPaths };
  return mc;
}

function peakRssMb(): number {
  // Linux reports maxRSS in kilobytes: the process's peak so far (run one case per process for its own peak).
  return +(process.resourceUsage().maxRSS / 1024).toFixed(1);
}

/** κ(x) of the first layer is b × 615,440 floats: the materialised path cannot run b = 1000 in a wasm heap. */
const MATERIALISED_B1000_NOTE = 'skipped: the materialised path builds κ(x) of 1000 × 615,440 floats (2.5 GB), beyond the wasm heap';

/** Runs `f` at least once and at most `max` times, stopping once `budgetMs` has been spent. */
function warmUp(f: () => void, max: number, budgetMs: number): void {
  const t0 = performance.now();
  for (let i = 0; i < max && (i === 0 || performance.now() - t0 < budgetMs); i++) f();
}

function mnistCase(name: string, file: string, fastPaths: boolean): BenchCase {
  return {
    name,
    async run({ reps }) {
      const registry = appRegistry();
      const model = registry.build<BenchModel>(mnistModelConfig(file, fastPaths), 'model');
      const batch = 64;
      const x = tf.randomNormal([batch, 784], 0, 1, 'float32', 3);
      const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 4), 10);
      const x1 = tf.randomNormal([1, 784], 0, 1, 'float32', 5);
      const optimizer = tf.train.adam(1e-3);
      const vars = model.trainableVariables();
      const parameters = vars.reduce((a, v) => a + v.size, 0);
      const step = (): void => {
        const cost = optimizer.minimize(() => {
          const logits = model.forward(x);
          return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        }, true, vars);
        cost?.dataSync();
        cost?.dispose();
      };
      const infer = (input: tf.Tensor) => () => {
        const y = tf.tidy(() => model.forward(input));
        y.dataSync();
        y.dispose();
      };
      try {
        const n = Math.max(1, reps);
        // warm-up until steady state (V8 tiers up tfjs's engine code over the first steps): up to
        // 5 steps or 2 s, at least one
        warmUp(step, 5, 2000);
        const trainMs = timeIt(step, n);
        warmUp(infer(x1), 20, 1000);
        // a structured b = 1 forward takes milliseconds: more repetitions steady its median on a shared machine
        const b1Ms = timeIt(infer(x1), fastPaths ? Math.max(25, 5 * n) : Math.max(3, n));
        let b1000: number | null = null;
        let note: string | undefined;
        if (fastPaths) {
          const xb = tf.randomNormal([1000, 784], 0, 1, 'float32', 6);
          try {
            infer(xb)(); // warm-up at this shape
            b1000 = 1000 / (timeIt(infer(xb), Math.max(1, Math.min(n, 3))) / 1000);
          } finally {
            xb.dispose();
          }
        } else {
          note = MATERIALISED_B1000_NOTE;
        }
        return {
          fast_paths: fastPaths,
          parameters,
          batch,
          train_ms_per_step: +trainMs.toFixed(2),
          train_samples_per_s: +(batch / (trainMs / 1000)).toFixed(1),
          infer_samples_per_s_b1: +(1 / (b1Ms / 1000)).toFixed(1),
          infer_samples_per_s_b1000: b1000 == null ? null : +b1000.toFixed(1),
          ...(note ? { note } : {}),
          peak_rss_mb: peakRssMb(),
        };
      } finally {
        optimizer.dispose();
        tf.dispose([x, labels, x1]);
        model.dispose();
      }
    },
  };
}

/**
 * tinyBIG's MNIST models (784→64→64→10, order-2 Taylor with a layer norm over the expansion,
 * batch 64), built from tinyBIG's own YAML: dual-LPHM reconciliation (9,330 parameters) and
 * identity reconciliation (39.7 M parameters), each with the reconciliation fast paths on and off
 * (`…_materialized`). Random data; Adam steps for timing.
 */
export function mnistBenchCases(): BenchCase[] {
  return [
    mnistCase('mnist_dual_lphm', 'mnist_dual_lphm_configs.yaml', true),
    mnistCase('mnist_dual_lphm_materialized', 'mnist_dual_lphm_configs.yaml', false),
    mnistCase('mnist_identity', 'mnist_configs.yaml', true),
    mnistCase('mnist_identity_materialized', 'mnist_configs.yaml', false),
  ];
}
