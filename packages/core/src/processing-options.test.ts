import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { processingFunction } from './processing.js';
import { ConfigError, ValueError } from './errors.js';
import { elementwiseFunction, elementwiseNames } from './elementwise.js';
import { PROCESSING_OPTIONS, processingEntries } from './processing-entries.js';
import { describeOptions } from './options.js';

function thrown(f: () => unknown): { argument?: string } {
  try {
    f();
  } catch (e) {
    return e as { argument?: string };
  }
  throw new Error('did not throw');
}

const cfg = (cls: string, p: Record<string, unknown>) => ({ function_class: cls, function_parameters: p });

describe('processing and element-wise functions declare their options', () => {
  it('every processing entry carries a schema that describeOptions lists', () => {
    expect(processingEntries.length).toBe(20 + elementwiseNames().length);
    for (const e of processingEntries) {
      expect(e.options, e.className).toBeDefined();
      expect(describeOptions(e.options!).map((d) => d.key), e.className).toContain('name');
    }
    expect(describeOptions(PROCESSING_OPTIONS['torch.nn.LeakyReLU']).find((d) => d.key === 'negativeSlope')).toMatchObject({ configKey: 'negative_slope', type: 'number', default: 0.01 });
    expect(describeOptions(elementwiseFunction('torch.nn.functional.softplus').options).filter((d) => d.default !== undefined).map((d) => [d.configKey, d.default])).toEqual([['beta', 1], ['threshold', 20]]);
  });

  it('a wrong type was silently replaced by the default (num(v, d)); from a config it is now a ConfigError naming the tinyBIG key', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['torch.nn.LeakyReLU', { negative_slope: '0.2' }, 'negative_slope'],
      ['torch.nn.functional.leaky_relu', { negative_slope: '0.2' }, 'negative_slope'],
      ['torch.nn.Softplus', { beta: 'two' }, 'beta'],
      ['torch.nn.functional.softplus', { threshold: null, beta: [1] }, 'beta'],
      ['torch.nn.Dropout', { p: 1.5 }, 'p'],
      ['dropout', { p: 'half' }, 'p'],
      ['layer_norm', { eps: 'small' }, 'eps'],
      ['torch.nn.BatchNorm1d', { num_features: 3, momentum: 'fast' }, 'momentum'],
      ['torch.nn.LayerNorm', { normalized_shape: 'four' }, 'normalized_shape'],
      ['torch.nn.Softmax', { dim: 'last' }, 'dim'],
      ['torch.nn.Hardtanh', { min_val: 'low' }, 'min_val'],
      ['torch.nn.GELU', { approximate: 'fast' }, 'approximate'],
    ];
    for (const [cls, p, key] of cases) {
      const e = thrown(() => processingFunction(cfg(cls, p)));
      expect(e, cls).toBeInstanceOf(ConfigError);
      expect(e.argument, cls).toBe(key);
      const u = thrown(() => processingFunction(cfg(cls, { negative_slop: 0.1 })));
      expect(u, cls).toBeInstanceOf(ConfigError);
      expect(u.argument, cls).toBe('negative_slop');
    }
  });

  it('in code a wrong type or unknown key is a ValueError naming the camelCase option', () => {
    const x = tf.tensor1d([-1, 2]);
    const before = tf.memory().numTensors;
    const f = elementwiseFunction('torch.nn.functional.leaky_relu');
    const e = thrown(() => f.apply(x, { negativeSlope: '0.2' }));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.argument).toBe('negativeSlope');
    expect(thrown(() => f.apply(x, { negativeSlop: 0.2 })).argument).toBe('negativeSlop');
    const maker = processingEntries.find((en) => en.className === 'torch.nn.Softplus')!;
    const e2 = thrown(() => maker.create({ beta: 'two' }, undefined as never));
    expect(e2).toBeInstanceOf(ValueError);
    expect(e2.argument).toBe('beta');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('declared options are used: torch.nn.ELU(alpha) and torch.nn.GELU(approximate) were ignored before', () => {
    const x = tf.tensor1d([-1, 1]);
    const elu = processingFunction(cfg('torch.nn.ELU', { alpha: 2 }));
    const y = elu.forward(x);
    expect(Array.from(y.dataSync())[0]).toBeCloseTo(2 * (Math.exp(-1) - 1), 6);
    const g = processingFunction(cfg('torch.nn.GELU', { approximate: 'tanh' })).forward(x);
    const tanhForm = 0.5 * 1 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715)));
    expect(Array.from(g.dataSync())[1]).toBeCloseTo(tanhForm, 6);
    const lr = processingFunction(cfg('torch.nn.functional.leaky_relu', { negative_slope: 0.2 })).forward(x);
    expect(Array.from(lr.dataSync())[0]).toBeCloseTo(-0.2, 6);
    tf.dispose([x, y, g, lr]);
  });
});
