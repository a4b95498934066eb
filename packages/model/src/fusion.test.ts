import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { ConfigError, ShapeError, UnknownNameError, ValueError, describeOptions, type Fusion, type RpnError } from '@rpn/core';
import { fusionEntries, medianFusion, metricFusion, parameterizedWeightedSummationFusion, parameterizedConcatenationFusion, weightedSummationFusion, meanFusion, rpnOutput } from './index.js';
import { testRegistry } from './test-utils.js';

describe('fusion', () => {
  it('registers the 20 tinyBIG fusion classes', () => {
    expect(fusionEntries.length).toBe(20);
    const reg = testRegistry();
    for (const e of fusionEntries) expect(reg.resolve(`tinybig.fusion.${e.className}`, 'fusion')).toBe(e);
  });

  it('median is the lower middle value and differentiable', () => {
    const xs = [1, 4, 2, 3].map((v) => tf.tensor2d([[v, -v]]));
    const f = medianFusion({ dims: [2, 2, 2, 2] });
    const y = f.forward(xs);
    expect(Array.from(y.dataSync())).toEqual([2, -3]);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(f.forward([a, b, c, d])))(xs);
    expect(g.map((t) => Array.from(t.dataSync()))).toEqual([[0, 0], [0, 0], [1, 0], [0, 1]]);
    tf.dispose([...xs, y, ...g]);
  });

  it('parameterized weighted summation accepts [k] and [1, k] weights', () => {
    const xs = [tf.ones([2, 3]), tf.fill([2, 3], 2)];
    const f = parameterizedWeightedSummationFusion({ dims: [3, 3] });
    expect(f.calculateL()).toBe(2);
    for (const w of [tf.tensor1d([0.5, 2]), tf.tensor2d([[0.5, 2]])]) {
      const y = f.forward(xs, w);
      expect(Array.from(y.dataSync())).toEqual(Array(6).fill(4.5));
      tf.dispose([w, y]);
    }
    const ws = weightedSummationFusion({ dims: [3, 3], weights: [1, -1] });
    const y2 = ws.forward(xs);
    expect(Array.from(y2.dataSync())).toEqual(Array(6).fill(-1));
    tf.dispose([...xs, y2]);
  });

  it('metric_fusion resolves tinyBIG metric names', () => {
    const xs = [tf.tensor2d([[1]]), tf.tensor2d([[3]])];
    const y = metricFusion({ dims: [1, 1], metric: 'tinybig.koala.statistics.batch_std' }).forward(xs);
    expect(y.dataSync()[0]).toBeCloseTo(Math.SQRT2, 5);
    expect(() => metricFusion({ dims: [1, 1], metric: 'batch_nonsense' })).toThrow(UnknownNameError);
    tf.dispose([...xs, y]);
  });

  it('parameterized concatenation: n, l and X·Wᵀ', () => {
    const f = parameterizedConcatenationFusion({ n: 2, dims: [1, 2] });
    expect(f.calculateN()).toBe(2);
    expect(f.calculateL()).toBe(6);
    const xs = [tf.tensor2d([[1]]), tf.tensor2d([[2, 3]])];
    const w = tf.tensor2d([[1, 0, 0, 0, 1, 1]]);
    const y = f.forward(xs, w);
    expect(Array.from(y.dataSync())).toEqual([1, 5]);
    tf.dispose([...xs, w, y]);
  });

  it('rejects inputs of different shapes or counts', () => {
    const f = meanFusion({ dims: [2, 2] });
    const a = tf.zeros([1, 2]);
    const b = tf.zeros([1, 3]);
    expect(() => f.forward([a, b])).toThrow(ShapeError);
    expect(() => f.forward([a])).toThrow(ShapeError);
    tf.dispose([a, b]);
  });

  it('round-trips every non-parameterized fusion config', () => {
    const reg = testRegistry();
    for (const cls of ['summation_fusion', 'average_fusion', 'mean_fusion', 'max_fusion', 'l2_norm_fusion', 'concatenation_fusion']) {
      const f = reg.build<ReturnType<typeof meanFusion>>({ function_class: cls, function_parameters: { dims: [2, 2] } }, 'fusion');
      const g = reg.build<ReturnType<typeof meanFusion>>(JSON.parse(JSON.stringify(f.toConfig())), 'fusion');
      expect(g.toConfig()).toEqual(f.toConfig());
    }
  });
});

describe('parameterized concatenation with @rpn/reconciliation ψ', () => {
  it('random_matrix_adaption round-trips its frozen random state through toConfig', () => {
    const reg = testRegistry();
    const f = reg.build<ReturnType<typeof meanFusion>>({ function_class: 'random_matrix_adaption_parameterized_concatenation_fusion', function_parameters: { r: 2, n: 3, dims: [2, 3] } }, 'fusion');
    const g = reg.build<ReturnType<typeof meanFusion>>(JSON.parse(JSON.stringify(f.toConfig())), 'fusion');
    const xs = [tf.randomUniform([4, 2], -1, 1, 'float32', 1), tf.randomUniform([4, 3], -1, 1, 'float32', 2)];
    const w = tf.randomUniform([1, f.calculateL()], -1, 1, 'float32', 3);
    const a = f.forward(xs, w);
    const b = g.forward(xs, w);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([...xs, w, a, b]);
  });

  it('lowrank/hm/lphm/dual_lphm variants compute l through ψ', () => {
    const reg = testRegistry();
    const l = (cls: string, p: Record<string, unknown>) => reg.build<ReturnType<typeof meanFusion>>({ function_class: cls, function_parameters: p }, 'fusion').calculateL();
    expect(l('lowrank_parameterized_concatenation_fusion', { r: 2, n: 3, dims: [2, 3] })).toBe(16);
    expect(l('hm_parameterized_concatenation_fusion', { p: 2, q: 3, n: 4, dims: [3, 3] })).toBe(10);
    expect(l('dual_lphm_parameterized_concatenation_fusion', { r: 2, p: 2, q: 3, n: 4, dims: [3, 3] })).toBe(18);
  });
});

describe('fusion options', () => {
  const errorOf = (f: () => unknown): RpnError => { try { f(); } catch (e) { return e as RpnError; } throw new Error('no error'); };
  it('unknown keys were silently accepted; now a typed error (ConfigError from a config, naming the tinyBIG key)', () => {
    const reg = testRegistry();
    const e = errorOf(() => reg.build({ function_class: 'mean_fusion', function_parameters: { dims: [2, 2], weight: [1, 1] } }, 'fusion'));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('weight');
    expect(e.expected).toContain('dims');
    expect(() => meanFusion({ dims: [2, 2], wieghts: 1 } as never)).toThrow(ValueError);
  });
  it('each parameterized concatenation takes only its ψ options', () => {
    const reg = testRegistry();
    expect(() => reg.build({ function_class: 'hm_parameterized_concatenation_fusion', function_parameters: { dims: [2, 2], n: 2, r: 2 } }, 'fusion')).toThrow(ConfigError);
    expect(reg.build<Fusion>({ function_class: 'lowrank_parameterized_concatenation_fusion', function_parameters: { dims: [2, 2], n: 2, r: 1 } }, 'fusion').calculateL()).toBe(1 * (2 + 4));
  });
  it('every fusion and rpn_output declare their options', () => {
    for (const e of fusionEntries) {
      expect(e.options?.className, e.className).toBe(e.className);
      expect(describeOptions(e.options!).find((o) => o.key === 'dims')).toMatchObject({ configKey: 'dims', type: 'list', items: 'int', nullable: true });
    }
    expect(() => rpnOutput({ name: 3 } as never)).toThrow(ValueError);
    expect(rpnOutput().name).toBe('rpn_output');
  });
});
