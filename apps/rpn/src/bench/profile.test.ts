import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { readYaml } from '../config-file.js';
import { matMulFlop, profileExperiment } from './profile.js';
import { CONFIG_DIR, configPath } from './file-cases.js';

describe('rpn bench --config FILE --profile', () => {
  it('matMulFlop is 2·batch·M·K·N', () => {
    expect(matMulFlop([[2, 3], [3, 4]], [2, 4])).toBe(2 * 2 * 3 * 4);
    expect(matMulFlop([[5, 2, 3], [5, 3, 4]], [5, 2, 4])).toBe(2 * 5 * 2 * 3 * 4);
  });

  it('profiles one training step of the elementary file: kernel classes add up, no transpose-flag matMul, no leaks', async () => {
    const before = tf.memory().numTensors;
    const r = await profileExperiment(readYaml(configPath(CONFIG_DIR, 'elementary_configs.yaml')), 'elementary_configs.yaml', { warm: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const classes = r.classes as { kernel: string; count: number }[];
    expect(classes.reduce((a, c) => a + c.count, 0)).toBe(r.kernels_per_step);
    expect(r.kernels_per_step as number).toBeGreaterThan(10);
    // the reconciliation's product: the lorr JS kernel on wasm and cpu (b·D·r is small), else a matMul
    expect(classes.map((c) => c.kernel).some((k) => k === 'BatchMatMul' || k === 'RpnLorrProduct')).toBe(true);
    expect(r.transpose_flag_matmuls).toBe(0);
    // the wrapper of the matMul kernel is removed again
    const flagged = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true));
    expect(Array.from(flagged.dataSync())).toEqual([3, 3, 3, 3]);
    flagged.dispose();
  });
});
