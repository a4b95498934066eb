import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, ValueError, createRegistry, describeOptions, type Remainder } from '@rpn/core';
import { constantRemainder, identityRemainder, linearRemainder, oneRemainder, remainderEntries, zeroRemainder } from './index.js';

const registry = createRegistry(remainderEntries);
const x = () => tf.tensor2d([[0.5, -1, 2], [1, 0, -0.5]]);

describe('remainders', () => {
  it('constant / one / zero give length-n vectors (activation applied)', () => {
    const c = constantRemainder({ c: 0.3, activationFunctions: 'sigmoid' }).forward(null, null, null, 3, 2);
    expect(Array.from(c.dataSync())).toEqual([1 / (1 + Math.exp(-0.3)), 1 / (1 + Math.exp(-0.3))].map((v) => Math.fround(v)));
    expect(Array.from(oneRemainder().forward(null, null, null, 3, 2).dataSync())).toEqual([1, 1]);
    const z = zeroRemainder();
    expect(z.isZero).toBe(true);
    expect(Array.from(z.forward(null, null, null, 3, 2).dataSync())).toEqual([0, 0]);
  });
  it('identity needs m = n and applies the activation', () => {
    const xi = x();
    const y = identityRemainder({ activationFunctions: 'tanh' }).forward(xi, null, null, 3, 3);
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.tanh(xi).dataSync()));
    expect(() => identityRemainder().forward(xi, null, null, 3, 2)).toThrow(ValueError);
    expect(() => identityRemainder().forward(xi, null, null, 4, 4)).toThrow(ShapeError);
  });
  it('linear computes σ(x·wᵀ + b), returns x when w is null, checks shapes, differentiates', () => {
    const xi = x();
    const w = tf.tensor2d([[1, 2, 3], [0, -1, 1]]);
    const b = tf.tensor1d([0.5, -0.5]);
    const f = linearRemainder({ enableBias: true });
    expect(f.requireParameters).toBe(true);
    const y = f.forward(xi, w, b, 3, 2);
    const expected = [0.5 * 1 - 1 * 2 + 2 * 3 + 0.5, 0 + 1 + 2 - 0.5, 1 + 0 - 1.5 + 0.5, 0 - 0 - 0.5 - 0.5];
    expect(Array.from(y.dataSync())).toEqual(expected);
    expect(Array.from(linearRemainder().forward(xi, null, null, 3, 3).dataSync())).toEqual(Array.from(xi.dataSync()));
    expect(() => f.forward(xi, tf.zeros([3, 3]), null, 3, 2)).toThrow(ShapeError);
    const [gw, gb] = tf.grads((ww: tf.Tensor, bb: tf.Tensor) => tf.sum(f.forward(xi, ww, bb, 3, 2)))([w, b]);
    expect(Array.from(gw.dataSync())).toEqual([1.5, -1, 1.5, 1.5, -1, 1.5]);
    expect(Array.from(gb.dataSync())).toEqual([2, 2]);
  });
  it('linear x·wᵀ is the same for b < n and b ≥ n, in values and gradients', () => {
    const f = linearRemainder({ enableBias: true });
    const m = 5;
    const n = 4;
    for (const b of [1, 3, 4, 7]) {
      const xi = tf.randomUniform([b, m], -1, 1, 'float32', 11 + b);
      const w = tf.randomUniform([n, m], -1, 1, 'float32', 29 + b);
      const bias = tf.randomUniform([n], -1, 1, 'float32', 41 + b);
      const dy = tf.randomUniform([b, n], -1, 1, 'float32', 53 + b);
      const ref = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.add(tf.matMul(xx, tf.transpose(ww)), bb);
      const loss = (g: typeof ref) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(g(xx, ww, bb), dy));
      const y1 = f.forward(xi, w, bias, m, n);
      const y2 = ref(xi, w, bias);
      expect(y1.shape).toEqual([b, n]);
      const g1 = tf.grads(loss((xx, ww, bb) => f.forward(xx, ww, bb, m, n)))([xi, w, bias]);
      const g2 = tf.grads(loss(ref))([xi, w, bias]);
      for (const [u, v] of [[y1, y2], ...g1.map((g, i) => [g, g2[i]])]) {
        const a = u.dataSync();
        const e = v.dataSync();
        expect(u.shape).toEqual(v.shape);
        a.forEach((z, i) => expect(Math.abs(z - e[i])).toBeLessThan(1e-5));
      }
      const before = tf.memory().numTensors;
      f.forward(xi, w, bias, m, n).dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([xi, w, bias, dy, y1, y2, ...g1, ...g2]);
    }
  });
  it('round-trips through its config and does not leak', () => {
    for (const f of [zeroRemainder(), constantRemainder({ c: 0.25 }), oneRemainder(), identityRemainder({ activationFunctions: 'tanh' }), linearRemainder({ enableBias: true, activationFunctionConfigs: [{ function_class: 'torch.nn.SiLU' }] })]) {
      const g = registry.build<Remainder>(f.toConfig(), 'remainder');
      expect(g.toConfig()).toEqual(f.toConfig());
      expect(g.className).toBe(f.className);
      const xi = x();
      const w = tf.ones([3, 3]);
      const b = tf.ones([3]);
      const before = tf.memory().numTensors;
      const y = f.forward(xi, f.requireParameters ? w : null, f.enableBias ? b : null, 3, 3);
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([xi, w, b]);
    }
  });
  it('rejects unknown options', () => {
    expect(() => constantRemainder({ k: 1 } as never)).toThrow(ValueError);
    expect(() => registry.build({ function_class: 'constant_remainder', function_parameters: { k: 1 } })).toThrow(ConfigError);
  });
  it('a config\'s bad flag is a ConfigError naming the tinyBIG key', () => {
    try {
      registry.build({ function_class: 'linear_remainder', function_parameters: { enable_bias: 'yes' } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).argument).toBe('enable_bias');
    }
  });
  it('a non-string name is an error (it silently became the class name)', () => {
    expect(() => zeroRemainder({ name: 1 } as never)).toThrow(ValueError);
  });
  it('every entry declares its options', () => {
    for (const e of remainderEntries) expect(describeOptions(e.options!).map((o) => o.configKey), e.className).toContain('activation_function_configs');
    expect(describeOptions(remainderEntries.find((e) => e.className === 'linear_remainder')!.options!).find((o) => o.key === 'requireParameters')).toMatchObject({ default: true });
  });
});
