import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { appRegistry } from '../registry.js';
import { trainCommand } from './train.js';
import { readRows } from './predict.js';

const configs = path.resolve(import.meta.dirname, '..', '..', 'configs');
const backend = { backend: tf.getBackend(), simd: false, threads: 1 };

describe('trainCommand in-process', () => {
  it('trains tinyBIG\'s elementary model with its own YAML, loss falls, no tensor leaks', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const run = await trainCommand(path.join(configs, 'elementary_configs.yaml'), { registry: appRegistry(), backend, epochs: 8, out: null, print: (l) => lines.push(l), progress: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(run.parameters).toBe(47);
    expect(run.records).toHaveLength(8);
    expect(run.records[7].testLoss!).toBeLessThan(run.records[0].testLoss!);
    expect(lines.at(-1)).toBe(`final test mse: ${run.final < 1e-3 ? run.final.toExponential(4) : run.final.toFixed(4)}`);
  });

  it('readRows rejects non-numeric rows with the row number', () => {
    expect(() => readRows(path.join(configs, 'iris_configs.yaml'))).toThrow(/row/);
  });
});
