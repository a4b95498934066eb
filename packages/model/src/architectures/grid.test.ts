import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, flatLayout, gridLayout } from '@rpn/core';
import type { RpnModule } from '../module.js';
import type { RpnModel } from '../model.js';
import type { GridHead, GridLayer } from './grid-heads.js';
import { copyParameters, fillParameters, gridCases, gridRegistry, maxAbs, uniform } from './grid-test/test-utils.js';

const registry = gridRegistry();
type Kind = 'head' | 'layer' | 'model';
const build = <T = RpnModule>(kind: Kind, cls: string, params: Record<string, unknown>): T => registry.build<T>({ [`${kind}_class`]: cls, [`${kind}_parameters`]: params }, kind);

const CONV = { h: 5, w: 4, in_channel: 2, out_channel: 3, p_h: 1, enable_bias: true, with_batch_norm: true, with_residual: true };
const POOL = { h: 4, w: 4, channel_num: 2, pooling_metric: 'batch_max', p_h: 1, cd_h: 2, cd_w: 2 };
const CNN = { h: 6, w: 6, channel_nums: [1, 2, 3], fc_dims: [4, 2], p_h: 1, pooling_p_h: 1, pooling_cd_h: 2, pooling_cd_w: 2 };
const CLASSES: Array<[Kind, string, string, Record<string, unknown>]> = [
  ['head', 'grid_interdependence_head', 'grid_based_heads', CONV],
  ['head', 'grid_compression_head', 'grid_based_heads', POOL],
  ['layer', 'grid_interdependence_layer', 'grid_based_layers', { ...CONV, width: 2 }],
  ['layer', 'grid_compression_layer', 'grid_based_layers', { ...POOL, with_dropout: true }],
  ['model', 'cnn', 'rpn_cnn', CNN],
  ['model', 'resnet', 'rpn_cnn', { ...CNN, with_batch_norm: false }],
];

const rows = (m: number, b = 3, seed = 5) => tf.tensor2d(uniform(b * m, seed), [b, m]);

describe('every grid class builds from a tinyBIG config under its short, tinybig.X and dotted names', () => {
  for (const [kind, cls, file, params] of CLASSES) {
    it(cls, () => {
      for (const name of [cls, `tinybig.${kind}.${cls}`, `tinybig.${kind}.${file}.${cls}`]) {
        const net = build(kind, name, params);
        const x = rows(net.m);
        net.eval();
        const y = net.forward(x);
        expect(y.shape).toEqual([3, net.n]);
        tf.dispose([x, y]);
        net.dispose();
      }
    });
  }
});

describe('structure and state_dict names match every grid golden case', () => {
  const cases = [...gridCases('architecture_head'), ...gridCases('architecture_layer'), ...gridCases('architecture_model')];
  for (const c of cases) {
    it(c.id, () => {
      const kind: Kind = c.id.startsWith('architecture_head') ? 'head' : c.id.startsWith('architecture_layer') ? 'layer' : 'model';
      const net = build(kind, c.config.class, c.config.parameters);
      try {
        const named = net.namedParameters().filter((p) => !p.optional);
        expect(Object.fromEntries(named.map((p) => [p.name, [...p.variable.shape]]))).toEqual(Object.fromEntries(Object.entries(c.state_dict).map(([k, t]) => [k, t.shape])));
        const heads: RpnModule[] = kind === 'head' ? [net] : kind === 'layer' ? [...(net as unknown as GridLayer & { heads: RpnModule[] }).heads] : (net as unknown as RpnModel).layers.flatMap((l) => [...(l as unknown as { heads: RpnModule[] }).heads]);
        const distinct = kind === 'layer' && c.structure.length === 1 ? heads.slice(0, 1) : heads;
        expect(distinct.length).toBe(c.structure.length);
        distinct.forEach((h, i) => {
          const s = c.structure[i];
          expect([h.m, h.n]).toEqual([s.m, s.n]);
          if (s.l != null) expect((h as unknown as { l: number }).l).toBe(s.l);
          if (s.patch_size == null) return;
          const g = h as GridHead;
          expect(g.patchSize).toBe(s.patch_size);
          expect(g.patchNum).toBe(s.patch_num);
          expect([...g.centerDistances]).toEqual(s.cd);
          expect([...g.inputGridShape]).toEqual(s.grid_shape);
          expect([...g.outputGridShape]).toEqual(s.output_grid_shape);
          expect(g.patchOffsets.map((o) => [...o])).toEqual(s.patch_offsets);
        });
      } finally {
        net.dispose();
      }
    });
  }
});

describe('toConfig → build round-trips with the same outputs', () => {
  for (const [kind, cls, , params] of CLASSES) {
    it(cls, () => {
      const a = build(kind, cls, params);
      const cfg = a.toConfig() as Record<string, unknown>;
      expect(String(cfg[`${kind}_class`])).toMatch(new RegExp(`\\.${cls}$`));
      const b = registry.build<RpnModule>(JSON.parse(JSON.stringify(cfg)), kind);
      fillParameters(a, 17);
      copyParameters(a, b);
      a.eval();
      b.eval();
      const x = rows(a.m);
      const [ya, yb] = [a.forward(x), b.forward(x)];
      expect(maxAbs(ya.dataSync(), yb.dataSync())).toBe(0);
      expect(b.toConfig()).toEqual(cfg);
      tf.dispose([x, ya, yb]);
      a.dispose();
      b.dispose();
    });
  }
});

describe('a forward and an SGD training step leak no tensor', () => {
  for (const [kind, cls, , params] of CLASSES) {
    it(cls, () => {
      const net = build(kind, cls, { ...params, seed: 5 }); // seeded init: the same start every run
      const x = rows(net.m, 4);
      const target = tf.tensor2d(uniform(4 * net.n, 9), [4, net.n]);
      const opt = tf.train.sgd(0.02);
      const vars = net.trainableVariables();
      // training mode with one fixed dropout seed: the same objective every step, so SGD must lower it
      const step = () => {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(net.forward(x, { training: true, seed: 11 }), target))) as tf.Scalar, vars.length ? vars : undefined);
        const loss = value.dataSync()[0];
        opt.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
        return loss;
      };
      if (vars.length === 0) {
        const before = tf.memory().numTensors;
        tf.dispose(net.forward(x));
        expect(tf.memory().numTensors).toBe(before);
      } else {
        const first = step();
        const before = tf.memory().numTensors;
        tf.dispose(net.forward(x));
        expect(tf.memory().numTensors).toBe(before);
        let last = first;
        for (let i = 0; i < 5; i++) last = step();
        expect(tf.memory().numTensors).toBe(before);
        expect(Number.isFinite(last)).toBe(true);
        expect(last).toBeLessThan(first);
      }
      opt.dispose();
      tf.dispose([x, target]);
      net.dispose();
    });
  }
});

describe('RPN_FAST_PATHS=0 agrees (lorr and dual_lphm conv heads, a cnn with lorr)', () => {
  for (const [kind, cls, params] of [
    ['head', 'grid_interdependence_head', { ...CONV, with_lorr: true, r: 2 }],
    ['head', 'grid_interdependence_head', { ...CONV, with_dual_lphm: true, r: 1, with_batch_norm: false }],
    ['model', 'cnn', { ...CNN, with_lorr: true, r: 1, with_batch_norm: false }],
  ] as Array<[Kind, string, Record<string, unknown>]>) {
    it(`${cls} ${JSON.stringify(params).slice(0, 60)}`, () => {
      const fast = build(kind, cls, { ...params, fast_paths: true });
      const plain = build(kind, cls, { ...params, fast_paths: false });
      fillParameters(fast, 3);
      copyParameters(fast, plain);
      [fast, plain].forEach((n) => n.eval());
      const x = rows(fast.m);
      const grads = (n: RpnModule) => {
        const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.square(n.forward(x))) as tf.Scalar, n.trainableVariables());
        const out = n.trainableVariables().map((v) => Array.from(g[v.name].dataSync()));
        tf.dispose([value, ...Object.values(g)]);
        return out;
      };
      const [ya, yb] = [fast.forward(x), plain.forward(x)];
      expect(maxAbs(ya.dataSync(), yb.dataSync())).toBeLessThan(1e-5);
      const [ga, gb] = [grads(fast), grads(plain)];
      ga.forEach((g, i) => expect(maxAbs(g, gb[i])).toBeLessThan(1e-4 * Math.max(1, ...gb[i].map(Math.abs))));
      tf.dispose([x, ya, yb]);
      fast.dispose();
      plain.dispose();
    });
  }
});

describe('layers: independent heads, mean fusion, output grid', () => {
  it('width 2 builds two heads with their own parameters; the output is their mean', () => {
    const layer = build<GridLayer & { heads: RpnModule[] }>('layer', 'grid_interdependence_layer', { ...CONV, width: 2, with_batch_norm: false, seed: 4 });
    expect(layer.heads.length).toBe(2);
    const [w0, w1] = layer.heads.map((h) => h.namedParameters().find((p) => p.name === 'w')!.variable);
    expect(w0).not.toBe(w1);
    expect(maxAbs(w0.dataSync(), w1.dataSync())).toBeGreaterThan(0);
    const x = rows(layer.m);
    const y = layer.forward(x);
    const [a, b] = layer.heads.map((h) => h.forward(x));
    const mean = tf.div(tf.add(a, b), 2);
    expect(maxAbs(y.dataSync(), mean.dataSync())).toBeLessThan(1e-6);
    expect([...layer.outputGridShape]).toEqual([5, 4, 1]);
    expect(layer.outLayout).toEqual(gridLayout(5, 4, 1, 3));
    tf.dispose([x, y, a, b, mean]);
    layer.dispose();
  });
  it('a pooling layer defaults to no Dropout, its head to Dropout(0.5)', () => {
    const layer = build<GridLayer & { heads: GridHead[] }>('layer', 'grid_compression_layer', POOL);
    expect(layer.heads[0].outputProcess.length).toBe(0);
    const head = build<GridHead>('head', 'grid_compression_head', POOL);
    expect(head.outputProcess.toConfigValue()).toEqual([{ function_class: 'torch.nn.Dropout', function_parameters: { p: 0.5 } }]);
    layer.dispose();
    head.dispose();
  });
  it('a BatchNorm conv head honours train/eval (batch statistics, then the saved running ones)', () => {
    const head = build<GridHead>('head', 'grid_interdependence_head', { ...CONV, with_residual: false });
    const names = head.namedParameters().map((p) => p.name);
    expect(names).toContain('output_process_functions.0.running_mean');
    const x = rows(head.m, 6);
    head.train();
    const t = head.forward(x);
    head.eval();
    const e = head.forward(x);
    expect(maxAbs(t.dataSync(), e.dataSync())).toBeGreaterThan(1e-3);
    const rm = head.namedParameters().find((p) => p.name === 'output_process_functions.0.running_mean')!.variable;
    expect(maxAbs(rm.dataSync(), new Float32Array(rm.size))).toBeGreaterThan(0);
    tf.dispose([x, t, e]);
    head.dispose();
  });
});

describe('cnn and resnet composition', () => {
  const kinds = (m: RpnModel) => m.layers.map((l) => l.name);
  it('a pooling layer whenever len(layers) % (gaps+1) == gaps, counted in the layer indices', () => {
    const m = build<RpnModel>('model', 'cnn', { ...CNN, channel_nums: [1, 2, 2, 2, 2], pooling_layer_gaps: 2, pooling_cd_h: 1, pooling_cd_w: 1 });
    expect(kinds(m)).toEqual(['grid_interdependence_layer', 'grid_interdependence_layer', 'grid_compression_layer', 'grid_interdependence_layer', 'grid_interdependence_layer', 'grid_compression_layer', 'perceptron_layer', 'perceptron_layer']);
    expect(m.namedParameters().filter((p) => !p.optional && p.name.endsWith('.w')).map((p) => p.name)).toEqual(
      ['layers.0.heads.0.w', 'layers.1.heads.0.w', 'layers.3.heads.0.w', 'layers.4.heads.0.w', 'layers.6.heads.0.w', 'layers.7.heads.0.w']);
    expect(m.inLayout).toEqual(gridLayout(6, 6, 1, 1));
    expect(m.outLayout).toEqual(flatLayout(2));
    m.dispose();
    const every = build<RpnModel>('model', 'cnn', { ...CNN, pooling_layer_gaps: 0, pooling_cd_h: 1, pooling_cd_w: 1 });
    expect(kinds(every).slice(0, 4)).toEqual(['grid_interdependence_layer', 'grid_compression_layer', 'grid_interdependence_layer', 'grid_compression_layer']);
    every.dispose();
  });
  it('patch_size_half_after_pooling halves the extents as tinyBIG does (max(int(v/2), 1), so p_d 0 → 1)', () => {
    const m = build<RpnModel>('model', 'cnn', { ...CNN, h: 8, w: 8, p_h: 2, channel_nums: [1, 2, 2], pooling_layer_gaps: 1, patch_size_half_after_pooling: true, pooling_p_h: 1 });
    const [conv1, pool1, conv2] = m.layers as unknown as GridLayer[];
    expect(conv1.patchSize).toBe(25);
    expect(pool1.patchSize).toBe(9);
    expect(conv2.patchSize).toBe(27); // p_h = p_w = 1, p_d = 1 on a depth-1 grid (padding)
    m.dispose();
  });
  it('fc layers: BatchNorm/ReLU/Dropout where n != fc_dims[-1], Softmax on the last pair only with with_softmax', () => {
    const m = build<RpnModel>('model', 'cnn', { ...CNN, with_softmax: true, p_fc: 0.3 });
    const fc = m.layers.slice(-2).map((l) => ((l as unknown as { heads: Array<{ outputProcess: { toConfigValue(): unknown } }> }).heads[0].outputProcess.toConfigValue() as Array<{ function_class: string }> ?? []).map((f) => f.function_class));
    expect(fc).toEqual([['torch.nn.BatchNorm1d', 'torch.nn.ReLU', 'torch.nn.Dropout'], ['torch.nn.Softmax']]);
    m.dispose();
  });
  it('resnet puts a linear remainder in every conv and fc head, none in the pooling head', () => {
    const m = build<RpnModel>('model', 'resnet', { ...CNN, with_residual: false });
    expect(m.namedParameters().filter((p) => p.name.endsWith('w_remainder')).map((p) => p.name)).toEqual(
      ['layers.0.heads.0.w_remainder', 'layers.1.heads.0.w_remainder', 'layers.3.heads.0.w_remainder', 'layers.4.heads.0.w_remainder']);
    expect((m.toConfig() as { model_class: string }).model_class).toBe('tinybig.model.rpn_cnn.resnet');
    m.dispose();
  });
});

describe('typed errors naming the argument', () => {
  const err = (f: () => unknown): ConfigError | ShapeError => {
    try { f(); } catch (e) { return e as ConfigError; }
    throw new Error('did not throw');
  };
  it('an input whose width is not h·w·d·C: ShapeError naming x (head, layer, model)', () => {
    for (const [kind, cls, , params] of CLASSES) {
      const net = build(kind, cls, params);
      const bad = tf.zeros([2, net.m + 1]);
      const e = err(() => net.forward(bad));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe('x');
      bad.dispose();
      net.dispose();
    }
  });
  it('settings that leave no patch, bad patch_shape, unknown metric, unknown keys, bad dims', () => {
    const expectConfig = (kind: Kind, cls: string, params: Record<string, unknown>, argument: string) => {
      const e = err(() => build(kind, cls, params));
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.argument).toBe(argument);
    };
    expectConfig('head', 'grid_interdependence_head', { ...CONV, cd_h: 0, cd_w: 1 }, 'cd_h');
    expectConfig('head', 'grid_interdependence_head', { ...CONV, p_h: null }, 'p_h');
    expectConfig('head', 'grid_interdependence_head', { ...CONV, p_h: -1 }, 'p_h');
    expectConfig('head', 'grid_interdependence_head', { ...CONV, patch_shape: 'cube' }, 'patch_shape');
    expectConfig('head', 'grid_interdependence_head', { ...CONV, patch_shape: 'sphere' }, 'p_r');
    expectConfig('head', 'grid_interdependence_head', { ...CONV, out_channel: 0 }, 'out_channel');
    expectConfig('head', 'grid_interdependence_head', { ...CONV, p_q: 1 }, 'p_q');
    expectConfig('head', 'grid_interdependence_head', { ...CONV, m: 7 }, 'm');
    expectConfig('head', 'grid_compression_head', { ...POOL, pooling_metric: 'batch_mean' }, 'pooling_metric');
    expectConfig('layer', 'grid_compression_layer', { ...POOL, cd_w: -2 }, 'cd_w');
    expectConfig('model', 'cnn', { ...CNN, channel_nums: [1] }, 'channel_nums');
    expectConfig('model', 'cnn', { ...CNN, pooling_layer_gaps: -1 }, 'pooling_layer_gaps');
    expectConfig('model', 'cnn', { ...CNN, fc_dims: undefined }, 'fc_dims');
    expectConfig('model', 'cnn', { ...CNN, pooling_metric: 'mean' }, 'pooling_metric');
  });
});
