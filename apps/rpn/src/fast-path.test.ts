import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { appRegistry } from './registry.js';
import { mnistModelConfig } from './bench/mnist-cases.js';

// tinyBIG's MNIST dual-LPHM model (Taylor order 2 with a LayerNorm given as a LIST) must keep the
// fused order-2 Taylor path: built plainly, κ(x) of its first layer is b × 615,440 floats, which
// cannot exist at b = 1000 (a LayerNorm list member that declared buffers once switched it off).
describe('fused Taylor path on tinyBIG\'s MNIST dual-LPHM config', () => {
  it('a b = 1000 forward runs (κ(x) is never built) and leaks nothing', () => {
    const model = appRegistry().build<{ forward(x: tf.Tensor): tf.Tensor; dispose(): void }>(mnistModelConfig('mnist_dual_lphm_configs.yaml', true), 'model');
    const x = tf.randomNormal([1000, 784], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const y = model.forward(x);
    expect(y.shape).toEqual([1000, 10]);
    expect(Number.isFinite(tf.tidy(() => tf.sum(y).dataSync()[0]))).toBe(true);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
