import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { ConfigError, ShapeError, UnknownNameError } from '@rpn/core';
import { rpnHead, rpnLayer, rpnModel, copyParameters, fromConfig, concatenationFusion, type RpnLayer, type RpnModel } from './index.js';
import { identityTestReconciliation, input, linearTestRemainder, lowRankTestReconciliation, maxDiff, squareExpansion, testRegistry } from './test-utils.js';

const registry = testRegistry();

const headCfg = (r = 1) => ({
  head_class: 'tinybig.module.rpn_head',
  head_parameters: {
    data_transformation_configs: { function_class: 'square_expansion' },
    parameter_fabrication_configs: { function_class: 'lowrank_test_reconciliation', function_parameters: { r } },
    remainder_configs: { function_class: 'linear_remainder', function_parameters: { enable_bias: true } },
  },
});

const modelCfg = {
  model_class: 'tinybig.model.rpn',
  model_parameters: {
    name: 'test_rpn',
    depth: 3,
    depth_alloc: [2, 1],
    layer_configs: [
      { layer_class: 'tinybig.module.rpn_layer', layer_parameters: { m: 3, n: 3, head_configs: headCfg(1) } },
      { layer_class: 'tinybig.module.rpn_layer', layer_parameters: { m: 3, n: 2, width: 2, head_configs: [headCfg(1), headCfg(2)], head_fusion_configs: { function_class: 'tinybig.fusion.lowrank_parameterized_concatenation_fusion', function_parameters: { n: 2, dims: [2, 2], r: 1 } } } },
    ],
  },
};

describe('rpnLayer', () => {
  it('builds independent heads from configs, overwriting m and n, and fuses by mean without head_fusion_configs', () => {
    const layer = registry.build<RpnLayer>({ layer_class: 'rpn_layer', layer_parameters: { m: 3, n: 2, width: 3, width_alloc: [2, 1], head_configs: [{ ...headCfg(1), head_parameters: { ...headCfg(1).head_parameters, m: 99, n: 99 } }, headCfg(2)] } }, 'layer');
    expect(layer.width).toBe(3);
    expect(layer.heads.map((h) => [h.m, h.n])).toEqual([[3, 2], [3, 2], [3, 2]]);
    expect(layer.headFusion?.className).toBe('mean_fusion');
    const names = layer.namedParameters().map((p) => p.name);
    expect(names).toEqual(['heads.0.w', 'heads.0.w_remainder', 'heads.0.b_remainder', 'heads.1.w', 'heads.1.w_remainder', 'heads.1.b_remainder', 'heads.2.w', 'heads.2.w_remainder', 'heads.2.b_remainder']);
    // heads are independent objects with their own parameters
    expect(layer.namedParameters()[0].variable).not.toBe(layer.namedParameters()[3].variable);
    const x = input(4, 3);
    const y = layer.forward(x);
    const parts = layer.heads.map((h) => h.forward(x));
    const mean = tf.div(tf.addN(parts), 3);
    expect(maxDiff(y, mean)).toBeLessThan(1e-6);
    tf.dispose([x, y, mean, ...parts]);
    layer.dispose();
  });

  it('concatenation head fusion changes the width; parameterized fusion owns w_head_fusion first', () => {
    const heads = [0, 1].map(() => rpnHead({ m: 3, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation() }));
    const layer = rpnLayer({ m: 3, n: 2, heads, headFusion: concatenationFusion({ dims: [2, 2] }) });
    expect(layer.n).toBe(4);
    const x = input(5, 3);
    const y = layer.forward(x);
    expect(y.shape).toEqual([5, 4]);
    tf.dispose([x, y]);
    layer.dispose();
    const pl = registry.build<RpnLayer>(modelCfg.model_parameters.layer_configs[1], 'layer');
    expect(pl.namedParameters()[0].name).toBe('w_head_fusion');
    expect(pl.namedParameters()[0].variable.shape).toEqual([1, 2 + 4]);
    pl.dispose();
  });

  it('rejects a wrong input width and heads that do not match', () => {
    const layer = rpnLayer({ m: 3, n: 2, head: { expansion: squareExpansion(), reconciliation: identityTestReconciliation() } });
    const x = input(2, 5);
    expect(() => layer.forward(x)).toThrow(ShapeError);
    x.dispose();
    const h = rpnHead({ m: 4, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation() });
    expect(() => rpnLayer({ m: 3, n: 2, heads: [h] })).toThrow(ConfigError);
    h.dispose();
    layer.dispose();
    expect(() => registry.build({ layer_class: 'rpn_layer', layer_parameters: { m: 3, n: 2, width: 3, width_alloc: [1, 1], head_configs: [headCfg(), headCfg()] } }, 'layer')).toThrow(ConfigError);
    expect(() => registry.build({ layer_class: 'rpn_layer', layer_parameters: { m: 3, n: 2 } }, 'layer')).toThrow(ConfigError);
  });
});

describe('rpnModel', () => {
  it("builds from tinyBIG configs with depth_alloc and tinyBIG's state_dict names", () => {
    const model = registry.build<RpnModel>(modelCfg, 'model');
    expect(model.dims).toEqual([3, 3, 3, 2]);
    expect(model.namedParameters().map((p) => p.name)).toEqual([
      'layers.0.heads.0.w', 'layers.0.heads.0.w_remainder', 'layers.0.heads.0.b_remainder',
      'layers.1.heads.0.w', 'layers.1.heads.0.w_remainder', 'layers.1.heads.0.b_remainder',
      'layers.2.w_head_fusion',
      'layers.2.heads.0.w', 'layers.2.heads.0.w_remainder', 'layers.2.heads.0.b_remainder',
      'layers.2.heads.1.w', 'layers.2.heads.1.w_remainder', 'layers.2.heads.1.b_remainder',
    ]);
    const s = model.summary();
    expect(s.total).toBe(s.rows.reduce((a, r) => a + r.count, 0));
    expect(s.rows[0]).toEqual({ name: 'layers.0.heads.0.w', shape: [1, 9], count: 9 });
    model.dispose();
  });

  it('round-trips toConfig/fromConfig with the same outputs', () => {
    const model = registry.build<RpnModel>(modelCfg, 'model');
    const cfg = model.toConfig();
    expect(cfg.model_class).toBe('tinybig.model.rpn');
    const copy = fromConfig<RpnModel>(JSON.parse(JSON.stringify(cfg)), registry);
    expect(copy.toConfig()).toEqual(cfg);
    copyParameters(model, copy);
    const x = input(4, 3);
    const a = model.forward(x);
    const b = copy.forward(x);
    expect(maxDiff(a, b)).toBe(0);
    tf.dispose([a, b, x]);
    model.dispose();
    copy.dispose();
  });

  it('builds from a dimension list with per-layer function choices', () => {
    const model = rpnModel({
      dims: [4, 3, 2],
      layer: (i) => (i === 0
        ? { head: { expansion: squareExpansion(), reconciliation: lowRankTestReconciliation({ r: 1 }), remainder: linearTestRemainder() }, width: 2 }
        : { head: { expansion: squareExpansion(), reconciliation: identityTestReconciliation({ enableBias: true }) } }),
      seed: 5,
    });
    expect(model.namedParameters().map((p) => `${p.name} [${p.variable.shape.join(',')}]`)).toEqual([
      'layers.0.heads.0.w [1,11]', 'layers.0.heads.0.w_remainder [3,4]', 'layers.0.heads.1.w [1,11]', 'layers.0.heads.1.w_remainder [3,4]',
      'layers.1.heads.0.w [1,12]', 'layers.1.heads.0.b [2]',
    ]);
    const again = rpnModel({ dims: [4, 3, 2], layer: [{ head: { expansion: squareExpansion(), reconciliation: lowRankTestReconciliation({ r: 1 }), remainder: linearTestRemainder() }, width: 2 }, { head: { expansion: squareExpansion(), reconciliation: identityTestReconciliation({ enableBias: true }) } }], seed: 5 });
    const x = input(3, 4);
    const a = model.forward(x);
    const b = again.forward(x);
    expect(maxDiff(a, b)).toBe(0); // same seed, same initial values
    tf.dispose([a, b, x]);
    model.dispose();
    again.dispose();
  });

  it('rejects dimension lists and layers that do not chain', () => {
    const l1 = rpnLayer({ m: 3, n: 4, head: { expansion: squareExpansion(), reconciliation: identityTestReconciliation() } });
    const l2 = rpnLayer({ m: 5, n: 2, head: { expansion: squareExpansion(), reconciliation: identityTestReconciliation() } });
    expect(() => rpnModel({ layers: [l1, l2] })).toThrow(ConfigError);
    expect(() => rpnModel({ layers: [l1, l2] })).toThrow(/layers\[1\]\.m`; expected 4/);
    l1.dispose();
    l2.dispose();
    expect(() => rpnModel({ dims: [3] })).toThrow(ConfigError);
    expect(() => rpnModel({ dims: [3, 0, 2] })).toThrow(/dims\[1\]/);
    const bad = JSON.parse(JSON.stringify(modelCfg));
    bad.model_parameters.layer_configs[1].layer_parameters.m = 4;
    expect(() => registry.build(bad, 'model')).toThrow(ConfigError);
    const unknown = JSON.parse(JSON.stringify(modelCfg));
    unknown.model_parameters.layer_configs[0].layer_parameters.head_configs.head_parameters.remainder_configs.function_class = 'nope_remainder';
    const before = tf.memory().numTensors;
    expect(() => registry.build(unknown, 'model')).toThrow(UnknownNameError);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => registry.build({ model_class: 'rpn', model_parameters: { depth: 2 } }, 'model')).toThrow(/missing layer_configs/);
  });

  it('leaks no tensors in forward passes and training steps', () => {
    const model = registry.build<RpnModel>(modelCfg, 'model');
    const x = input(6, 3);
    const opt = tf.train.sgd(0.01);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.forward(x))) as tf.Scalar, model.trainableVariables());
      opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
      value.dispose();
      tf.dispose(Object.values(grads));
    };
    step();
    const before = tf.memory().numTensors;
    tf.dispose(model.forward(x));
    step();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    x.dispose();
    model.dispose();
  });

  it('propagates train/eval and re-initialises reproducibly', () => {
    const model = registry.build<RpnModel>(modelCfg, 'model');
    model.eval();
    expect(model.layers.every((l) => !l.training)).toBe(true);
    model.train();
    expect(model.layers.every((l) => l.training)).toBe(true);
    model.initializeParameters('xavier_uniform', 42);
    const a = model.namedParameters().map((p) => Array.from(p.variable.dataSync()));
    model.initializeParameters('kaiming_uniform', 1);
    model.initializeParameters('xavier_uniform', 42);
    const b = model.namedParameters().map((p) => Array.from(p.variable.dataSync()));
    expect(b).toEqual(a);
    model.dispose();
  });
});
