import * as tf from '@tensorflow/tfjs-core';
import { embeddedMnist } from '@rpn/learn';
import { appRegistry } from '../registry.js';
import { timeIt } from './types.js';
import type { BenchCase } from './types.js';

/** The subset of a built cnn the bench reads (`@rpn/model`'s RpnModel of grid layers). */
interface BenchCnn {
  forward(x: tf.Tensor, o?: { training?: boolean }): tf.Tensor;
  trainableVariables(): tf.Variable[];
  readonly layers: ReadonlyArray<{ name: string; m: number; inLayout: { kind: string; C?: number }; patchSize?: number; patchNum?: number }>;
  eval(): void;
  dispose(): void;
}

/** The small MNIST net: 1→8→16 channels, 3×3 (p_h = 1), one 3×3 max pooling of stride 2, fc 64→10. */
export const CNN_MNIST_CONFIG = Object.freeze({
  model_class: 'tinybig.model.cnn',
  model_parameters: {
    h: 28, w: 28, channel_nums: [1, 8, 16], fc_dims: [64, 10], p_h: 1,
    pooling_metric: 'batch_max', pooling_cd_h: 2, pooling_cd_w: 2,
    with_batch_norm: true, with_relu: true, with_dropout: true, enable_bias: true,
  },
});


/**
 * `cnn_mnist`: the cnn above on 64 rows of the embedded MNIST digits (28×28, normalised), Adam
 * steps of the cross-entropy for training, eval-mode forwards for inference. Besides speed it
 * prints the gathered-patch size b·P·C·S of each conv layer and the peak of live tensor bytes
 * during one forward, so the memory claim (a small multiple of the gathered patches, no n × D
 * matrix) can be read off.
 */
export function cnnBenchCases(): BenchCase[] {
  return [{
    name: 'cnn_mnist',
    async run({ reps }) {
      const data = await embeddedMnist();
      const batch = 64;
      const model = appRegistry().build<BenchCnn>(CNN_MNIST_CONFIG, 'model');
      const x = tf.tensor2d(data.train.x.subarray(0, batch * 784), [batch, 784]);
      const labels = tf.oneHot(tf.tensor1d(data.train.y.subarray(0, batch) as Int32Array, 'int32'), 10);
      const optimizer = tf.train.adam(1e-3);
      const vars = model.trainableVariables();
      const step = (): void => {
        const cost = optimizer.minimize(() => {
          const logits = model.forward(x, { training: true });
          return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        }, true, vars);
        cost?.dataSync();
        cost?.dispose();
      };
      const infer = (): void => {
        const y = model.forward(x, { training: false });
        y.dataSync();
        y.dispose();
      };
      try {
        const n = Math.max(1, reps);
        step();
        const trainMs = timeIt(step, n);
        infer();
        const inferMs = timeIt(infer, Math.max(3, n));
        const before = tf.memory().numBytes;
        const prof = await tf.profile(() => { tf.dispose(model.forward(x, { training: false })); });
        let views = 0;
        let livePeak = 0;
        for (const k of prof.kernels) {
          if (k.name === 'Reshape') views += k.bytesAdded; // a view of its input's buffer
          livePeak = Math.max(livePeak, k.totalBytesSnapshot - before - views);
        }
        const gathered = model.layers
          .filter((l) => l.name === 'grid_interdependence_layer')
          .map((l) => batch * (l.patchNum ?? 0) * (l.inLayout.C ?? 1) * (l.patchSize ?? 0));
        return {
          batch,
          parameters: vars.reduce((a, v) => a + v.size, 0),
          layers: model.layers.map((l) => l.name).join(' → '),
          train_ms_per_step: +trainMs.toFixed(2),
          train_samples_per_s: +(batch / (trainMs / 1000)).toFixed(1),
          infer_samples_per_s: +(batch / (inferMs / 1000)).toFixed(1),
          gathered_patches_floats_per_conv: gathered,
          forward_live_tensor_peak_mb: +(livePeak / 2 ** 20).toFixed(2),
          largest_gathered_mb: +((Math.max(...gathered) * 4) / 2 ** 20).toFixed(2),
          peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
        };
      } finally {
        optimizer.dispose();
        tf.dispose([x, labels]);
        model.dispose();
      }
    },
  }];
}
