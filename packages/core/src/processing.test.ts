import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { processingChain, processingFunction } from './processing.js';
import { ConfigError, UnknownNameError } from './errors.js';
import { createRegistry, defineEntry } from './registry.js';
import { processingEntries } from './processing-entries.js';

const x = () => tf.tensor2d([[-1.5, 0, 0.5, 2], [0.25, -0.75, 1, -2]]);

describe('processing functions', () => {
  it('resolves tinyBIG names case-insensitively and by dotted path', () => {
    for (const n of ['sigmoid', 'Sigmoid', 'torch.nn.functional.sigmoid']) {
      const y = processingFunction(n).forward(x());
      expect(y.dataSync()[1]).toBeCloseTo(0.5, 6);
    }
  });
  it('computes gelu (erf form), celu, leaky_relu', () => {
    const v = tf.tensor1d([-1, 1]);
    const g = processingFunction('gelu').forward(v).dataSync();
    expect(g[0]).toBeCloseTo(-0.15865525, 5);
    expect(g[1]).toBeCloseTo(0.84134475, 5);
    expect(processingFunction('celu').forward(v).dataSync()[0]).toBeCloseTo(Math.exp(-1) - 1, 6);
    expect(processingFunction('leaky_relu').forward(v).dataSync()[0]).toBeCloseTo(-0.01, 7);
  });
  it('layer_norm normalises the last axis with biased variance', () => {
    const y = processingFunction('layer_norm').forward(x());
    const r = (y.arraySync() as number[][])[0];
    const mean = r.reduce((a, b) => a + b) / 4;
    expect(mean).toBeCloseTo(0, 5);
    expect(r.reduce((a, b) => a + b * b, 0) / 4).toBeCloseTo(1, 3);
  });
  it('rejects unknown names with the list of known ones', () => {
    expect(() => processingFunction('not_a_function')).toThrow(UnknownNameError);
    expect(() => processingFunction('not_a_function')).toThrow(/sigmoid/);
  });
  it('a single LayerNorm config declares trainable affine parameters; in a list it has none (no-affine, as tinyBIG computes)', () => {
    const cfg = { function_class: 'torch.nn.LayerNorm', function_parameters: { normalized_shape: 4 } };
    expect(processingChain(cfg).parameterSpecs().map((s) => [s.name, s.trainable])).toEqual([['weight', true], ['bias', true]]);
    const listed = processingChain([cfg]).parameterSpecs();
    expect(listed).toEqual([]);
  });
  it('a BatchNorm1d in a list keeps weight/bias as optional non-trainable buffers and applies them in eval', () => {
    const chain = processingChain(['relu', { function_class: 'torch.nn.BatchNorm1d', function_parameters: { num_features: 4 } }]);
    const specs = chain.parameterSpecs();
    expect(specs.map((s) => s.name)).toEqual(['1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
    expect(specs.every((s) => s.optional && !s.trainable)).toBe(true);
    const params = Object.fromEntries(specs.map((s) => [s.name, tf.variable(s.init === 'ones' ? tf.ones(s.shape as number[], s.dtype) : tf.zeros(s.shape as number[], s.dtype), s.trainable)]));
    params['1.weight'].assign(tf.tensor1d([2, 2, 2, 2]));
    params['1.bias'].assign(tf.tensor1d([1, 1, 1, 1]));
    const y = chain.forward(tf.tensor2d([[1, -1, 0.5, 4]]), { training: false, params });
    // eval: (relu(x) − 0)/√(1 + 1e-5)·2 + 1
    const expected = [1, 0, 0.5, 4].map((v) => (v / Math.sqrt(1 + 1e-5)) * 2 + 1);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    Object.values(params).forEach((v) => v.dispose());
  });
  it('BatchNorm1d uses batch statistics in training and running statistics in eval', () => {
    const chain = processingChain({ function_class: 'torch.nn.BatchNorm1d', function_parameters: { num_features: 4 } });
    const specs = chain.parameterSpecs();
    const params = Object.fromEntries(specs.map((s) => [s.name, tf.variable(s.init === 'ones' ? tf.ones(s.shape as number[], s.dtype) : tf.zeros(s.shape as number[], s.dtype), s.trainable)]));
    const yTrain = chain.forward(x(), { training: true, params });
    expect((yTrain.arraySync() as number[][])[0][0]).toBeCloseTo(-1, 4);
    expect(params.running_mean.dataSync()[0]).toBeCloseTo(0.1 * (-1.5 + 0.25) / 2, 6);
    const yEval = chain.forward(x(), { training: false, params });
    expect(yEval.dataSync()[0]).not.toBeCloseTo(yTrain.dataSync()[0], 2);
  });
  it('dropout is active only in training', () => {
    const d = processingFunction('dropout');
    const a = d.forward(tf.ones([100, 10]), { training: false });
    expect(tf.sum(a).dataSync()[0]).toBe(1000);
    const b = d.forward(tf.ones([100, 10]), { training: true }).dataSync();
    expect(b.some((v) => v === 0)).toBe(true);
  });
  it('applies a list left to right and leaks nothing', () => {
    const input = x();
    const before = tf.memory().numTensors;
    const y = processingChain(['tanh', 'layer_norm']).forward(input);
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
    input.dispose();
  });
});

describe('processing functions as registry entries', () => {
  // a user's activation: y = x³ (a formula no built-in computes)
  const cube = defineEntry('processing', 'cube_activation', (o) => Object.freeze({
    name: 'cube_activation', kind: 'processing' as const, className: 'cube_activation',
    forward: (t: tf.Tensor) => tf.tidy(() => tf.mul(tf.pow(t, 3), (o.scale as number | undefined) ?? 1)),
    toConfig: () => ({ function_class: 'cube_activation', function_parameters: o }),
  }), { module: 'my.activations' });
  const reg = createRegistry([cube]);
  it('the built-ins are processing entries (short forms, modules, torch callables)', () => {
    const names = processingEntries.map((e) => e.className);
    for (const n of ['layer_norm', 'dropout', 'torch.nn.LayerNorm', 'torch.nn.BatchNorm1d', 'torch.nn.functional.gelu', 'torch.exp']) expect(names).toContain(n);
    expect(processingEntries.every((e) => e.kind === 'processing')).toBe(true);
  });
  it('resolves a custom entry by name, dotted name and config through the given registry', () => {
    const v = tf.tensor1d([-2, 3]);
    expect(Array.from(processingFunction('cube_activation', reg).forward(v).dataSync())).toEqual([-8, 27]);
    expect(Array.from(processingFunction('my.activations.cube_activation', reg).forward(v).dataSync())).toEqual([-8, 27]);
    expect(Array.from(processingFunction({ function_class: 'cube_activation', function_parameters: { scale: 2 } }, reg).forward(v).dataSync())).toEqual([-16, 54]);
    // the built-ins stay available beside the registry's entries
    expect(processingChain(['cube_activation', 'torch.nn.functional.relu'], reg).forward(v).dataSync()[0]).toBe(0);
    expect(() => processingFunction('cube_activation')).toThrow(UnknownNameError);
  });
  it('a factory built by registry.build resolves the registry\'s entries with no context', () => {
    const r = createRegistry([cube, defineEntry('head', 'probe_head', (o) => processingChain(o.outputProcessFunctionConfigs as string))]);
    const chain = r.build<ReturnType<typeof processingChain>>({ head_class: 'probe_head', head_parameters: { output_process_function_configs: 'cube_activation' } });
    expect(Array.from(chain.forward(tf.tensor1d([2])).dataSync())).toEqual([8]);
  });
  it('an unknown name lists the registry\'s processing names with the built-ins', () => {
    let err: unknown;
    try { processingFunction('cube_activaton', reg); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UnknownNameError);
    expect((err as UnknownNameError).known).toContain('cube_activation');
    expect((err as UnknownNameError).known).toContain('torch.nn.functional.sigmoid');
  });
  it('a torch.nn module named after an element-wise op keeps its class name', () => {
    const f = processingFunction({ function_class: 'torch.nn.Hardtanh', function_parameters: { min_val: -0.5, max_val: 0.5 } });
    expect(f.className).toBe('torch.nn.Hardtanh');
    expect(Array.from(f.forward(tf.tensor1d([-2, 0.25, 2])).dataSync())).toEqual([-0.5, 0.25, 0.5]);
    expect(f.toConfig().function_class).toBe('torch.nn.Hardtanh');
  });
  it('a custom entry that makes no processing function is a ConfigError', () => {
    const bad = createRegistry([defineEntry('processing', 'broken', () => 42)]);
    expect(() => processingFunction('broken', bad)).toThrow(ConfigError);
  });
});
