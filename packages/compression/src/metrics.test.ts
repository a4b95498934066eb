import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { UnknownNameError, createRegistry } from '@rpn/core';
import { compressionEntries, tensorCallable } from './index.js';
import type { Transformation } from '@rpn/core';
import type { ProbabilisticCompression } from './index.js';

const registry = createRegistry(compressionEntries);
const X = [[-1.2, 0.4, 2.0, -0.3], [0.9, -2.5, 0.1, 1.7]];
const sig = (v: number) => 1 / (1 + Math.exp(-v));

describe('metric callables given by dotted torch name', () => {
  const cases: Record<string, (v: number) => number> = {
    'torch.tanh': Math.tanh,
    'torch.sigmoid': sig,
    'torch.abs': Math.abs,
    'torch.sin': Math.sin,
    'torch.nn.functional.silu': (v) => v * sig(v),
    'torch.nn.functional.softsign': (v) => v / (1 + Math.abs(v)),
  };
  for (const [name, f] of Object.entries(cases)) {
    it(`naive_probabilistic_compression takes ${name} as its metric: u = 0.99·σ(f(x)) + 0.001`, () => {
      const c = registry.build({ function_class: 'naive_probabilistic_compression', function_parameters: { k: 2, metric: name } }) as ProbabilisticCompression;
      const x = tf.tensor2d(X);
      const before = tf.memory().numTensors;
      const u = c.normalizedInput(x);
      const got = u.arraySync() as number[][];
      u.dispose();
      expect(tf.memory().numTensors).toBe(before);
      got.forEach((row, i) => row.forEach((g, j) => expect(g).toBeCloseTo(0.99 * sig(f(X[i][j])) + 0.001, 6)));
      const y = c.forward(x);
      expect(y.shape).toEqual([2, 2]);
      y.dispose();
      x.dispose();
      expect(c.toConfig().function_parameters?.metric).toBe(name);
    });
  }
  it('combinatorial_probabilistic_compression takes torch.tanh too', () => {
    const c = registry.build({ function_class: 'combinatorial_probabilistic_compression', function_parameters: { d: 1, k: 2, metric: 'torch.tanh' } }) as Transformation;
    const y = c.forward(tf.tensor2d(X));
    expect(y.shape[0]).toBe(2);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
  });
  it('still reads row metrics (batch_*) as [b, 1] columns', () => {
    const f = tensorCallable('tinybig.koala.statistics.batch_mean');
    const y = f(tf.tensor2d(X)).arraySync() as number[][];
    expect(y[0][0]).toBeCloseTo((-1.2 + 0.4 + 2.0 - 0.3) / 4, 6);
  });
  it('rejects an unknown callable with a typed error listing the known names', () => {
    let err: unknown;
    try { registry.build({ function_class: 'naive_probabilistic_compression', function_parameters: { k: 2, metric: 'torch.tanhh' } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UnknownNameError);
    const known = (err as UnknownNameError).known;
    expect(known).toContain('torch.tanh');
    expect(known).toContain('batch_std');
  });
});
