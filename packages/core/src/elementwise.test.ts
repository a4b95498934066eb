import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { elementwiseFunction, elementwiseNames, isElementwiseName } from './elementwise.js';
import { processingChain, processingFunction } from './processing.js';
import { UnknownNameError } from './errors.js';

const xs = [-2, -0.75, -0.25, 0.3, 0.5, 1.5, 3];
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const sp = (v: number) => Math.log(1 + Math.exp(v));

/** Reference formulas, written from torch's documentation, evaluated in float64. */
const REFERENCE: Record<string, (v: number) => number> = {
  'torch.tanh': Math.tanh,
  'torch.sigmoid': sig,
  'torch.relu': (v) => Math.max(0, v),
  'torch.abs': Math.abs,
  'torch.sin': Math.sin,
  'torch.cos': Math.cos,
  'torch.exp': Math.exp,
  'torch.square': (v) => v * v,
  'torch.special.expit': sig,
  'torch.nn.functional.silu': (v) => v * sig(v),
  'torch.nn.functional.elu': (v) => (v > 0 ? v : Math.exp(v) - 1),
  'torch.nn.functional.selu': (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.exp(v) - 1)),
  'torch.nn.functional.leaky_relu': (v) => (v > 0 ? v : 0.01 * v),
  'torch.nn.functional.softplus': sp,
  'torch.nn.functional.softsign': (v) => v / (1 + Math.abs(v)),
  'torch.nn.functional.hardtanh': (v) => Math.min(1, Math.max(-1, v)),
  'torch.nn.functional.relu6': (v) => Math.min(6, Math.max(0, v)),
  'torch.nn.functional.mish': (v) => v * Math.tanh(sp(v)),
  'torch.nn.functional.logsigmoid': (v) => Math.log(sig(v)),
  'torch.nn.functional.hardsigmoid': (v) => Math.min(1, Math.max(0, v / 6 + 0.5)),
  'torch.nn.functional.hardswish': (v) => v * Math.min(1, Math.max(0, v / 6 + 0.5)),
  'torch.nn.functional.tanhshrink': (v) => v - Math.tanh(v),
  'torch.nn.functional.softshrink': (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0),
  'torch.nn.functional.hardshrink': (v) => (Math.abs(v) > 0.5 ? v : 0),
};

describe('element-wise torch callables', () => {
  it('computes each named function as its formula', () => {
    const x = tf.tensor1d(xs);
    for (const [name, ref] of Object.entries(REFERENCE)) {
      const y = elementwiseFunction(name).apply(x);
      const got = Array.from(y.dataSync());
      y.dispose();
      got.forEach((g, i) => expect(g, `${name}(${xs[i]})`).toBeCloseTo(ref(xs[i]), 5));
    }
    x.dispose();
  });
  it('computes log and sqrt on positive input', () => {
    const x = tf.tensor1d([0.25, 1, 4]);
    const l = elementwiseFunction('torch.log').apply(x).dataSync();
    [Math.log(0.25), 0, Math.log(4)].forEach((v, i) => expect(l[i]).toBeCloseTo(v, 6));
    const r = elementwiseFunction('torch.sqrt').apply(x).dataSync();
    [0.5, 1, 2].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 6));
  });
  it('honours torch keyword options (negative_slope, alpha, beta, min_val/max_val)', () => {
    const x = tf.tensor1d([-2, 3]);
    expect(Array.from(elementwiseFunction('torch.nn.functional.leaky_relu').apply(x, { negativeSlope: 0.2 }).dataSync())).toEqual([-0.4, 3].map(Math.fround));
    expect(elementwiseFunction('torch.nn.functional.elu').apply(x, { alpha: 2 }).dataSync()[0]).toBeCloseTo(2 * (Math.exp(-2) - 1), 6);
    expect(Array.from(elementwiseFunction('torch.nn.functional.hardtanh').apply(x, { minVal: -1.5, maxVal: 2 }).dataSync())).toEqual([-1.5, 2]);
  });
  it('resolves dot-free names as torch.nn.functional.<lower(name)>, as tinyBIG does', () => {
    expect(elementwiseFunction('Tanh').functionClass).toBe('torch.nn.functional.tanh');
    expect(elementwiseFunction('exp').functionClass).toBe('torch.exp');
    expect(isElementwiseName('torch.nn.functional.GELU')).toBe(true);
  });
  it('rejects an unknown name with a typed error listing the known names', () => {
    let err: unknown;
    try { elementwiseFunction('torch.tanhh'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UnknownNameError);
    const u = err as UnknownNameError;
    expect(u.known).toEqual(elementwiseNames());
    expect(u.known).toContain('torch.tanh');
    expect(u.message).toContain('torch.nn.functional.silu');
    expect(u.received).toBe('"torch.tanhh"');
  });
  it('differentiates the piecewise functions without comparison ops on the tape', () => {
    const x = tf.tensor1d([-1, 2]);
    for (const name of ['torch.nn.functional.elu', 'torch.nn.functional.softshrink', 'torch.nn.functional.hardtanh', 'torch.nn.functional.mish']) {
      const g = tf.grad((v: tf.Tensor) => tf.sum(elementwiseFunction(name).apply(v)))(x);
      expect(Array.from(g.dataSync()).every(Number.isFinite), name).toBe(true);
      g.dispose();
    }
    const ge = tf.grad((v: tf.Tensor) => tf.sum(elementwiseFunction('torch.nn.functional.elu').apply(v)))(x).dataSync();
    expect(ge[0]).toBeCloseTo(Math.exp(-1), 6);
    expect(ge[1]).toBeCloseTo(1, 6);
    x.dispose();
  });
  it('leaks no tensors', () => {
    const x = tf.tensor1d(xs);
    const before = tf.memory().numTensors;
    for (const name of elementwiseNames()) elementwiseFunction(name).apply(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('processing functions share the element-wise table', () => {
  it('applies torch.tanh, torch.abs and torch.nn.functional.mish as processing functions', () => {
    const x = tf.tensor2d([[-1, 0.5]]);
    const t = processingFunction('torch.tanh').forward(x).dataSync();
    expect(t[0]).toBeCloseTo(Math.tanh(-1), 6);
    expect(t[1]).toBeCloseTo(Math.tanh(0.5), 6);
    const c = processingChain(['torch.abs', 'torch.sqrt']).forward(x).dataSync();
    expect(c[0]).toBeCloseTo(1, 6);
    expect(c[1]).toBeCloseTo(Math.sqrt(0.5), 6);
    expect(processingFunction('torch.nn.functional.mish').forward(x).dataSync()[0]).toBeCloseTo(-Math.tanh(sp(-1)), 6);
  });
  it('builds torch.nn module classes of element-wise functions with their parameters', () => {
    const x = tf.tensor1d([-3, 0.5, 4]);
    const f = processingFunction({ function_class: 'torch.nn.Hardtanh', function_parameters: { min_val: -2, max_val: 2 } });
    expect(Array.from(f.forward(x).dataSync())).toEqual([-2, 0.5, 2]);
    expect(f.toConfig().function_class).toBe('torch.nn.Hardtanh');
    expect(processingFunction('torch.nn.SELU').forward(x).dataSync()[2]).toBeCloseTo(1.0507009873554805 * 4, 5);
  });
  it('writes the dotted name back in toConfig', () => {
    expect(processingFunction('torch.sin').toConfig().function_class).toBe('torch.sin');
    expect(processingFunction({ function_class: 'torch.nn.functional.leaky_relu', function_parameters: { negative_slope: 0.3 } }).forward(tf.tensor1d([-1])).dataSync()[0]).toBeCloseTo(-0.3, 6);
  });
});
