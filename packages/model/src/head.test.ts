import * as tf from '@tensorflow/tfjs-core';
import { describe, it, expect } from 'vitest';
import { ConfigError, ShapeError, UnknownNameError } from '@rpn/core';
import { rpnHead, parameterizedWeightedSummationFusion, copyParameters, fromConfig } from './index.js';
import { identityTestReconciliation, input, linearTestRemainder, lowRankTestReconciliation, maxDiff, squareExpansion, testRegistry, zeroTestRemainder } from './test-utils.js';

const registry = testRegistry();

function grads(head: ReturnType<typeof rpnHead>, x: tf.Tensor) {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(head.forward(x))) as tf.Scalar, head.trainableVariables());
  const out = Object.values(grads).map((g) => Array.from(g.dataSync()));
  value.dispose();
  tf.dispose(Object.values(grads));
  return out;
}

describe('rpnHead', () => {
  it('building and disposing a head whose output list holds a BatchNorm1d (spec buffers) leaks no tensor', () => {
    const before = tf.memory().numTensors;
    const head = rpnHead({ m: 3, n: 4, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), outputProcessFunctions: [{ function_class: 'torch.nn.BatchNorm1d', function_parameters: { num_features: 4 } }, 'relu'] });
    expect(head.namedParameters().map((p) => p.name)).toContain('output_process_functions.0.running_mean');
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it('fast paths (productFromInput, product) equal the plain path in values and gradients', () => {
    const x = input(5, 3);
    for (const C of [1, 3]) {
      const heads = [true, false].map((fastPaths) => rpnHead({ m: 3, n: 4, channelNum: C, expansion: squareExpansion(), reconciliation: lowRankTestReconciliation({ r: 2, enableBias: true, fused: true }), remainder: linearTestRemainder({ enableBias: true }), fastPaths, seed: 11 }));
      const plainOnly = rpnHead({ m: 3, n: 4, channelNum: C, expansion: squareExpansion(), reconciliation: lowRankTestReconciliation({ r: 2, enableBias: true, fused: false }), remainder: linearTestRemainder({ enableBias: true }), seed: 11 });
      const [fast, plain] = heads;
      const a = fast.forward(x);
      const b = plain.forward(x);
      const c = plainOnly.forward(x);
      expect(maxDiff(a, b)).toBeLessThan(1e-5);
      expect(maxDiff(c, b)).toBeLessThan(1e-5);
      const ga = grads(fast, x);
      const gb = grads(plain, x);
      const gc = grads(plainOnly, x);
      ga.forEach((g, i) => g.forEach((v, j) => {
        expect(Math.abs(v - gb[i][j])).toBeLessThan(1e-4);
        expect(Math.abs(gc[i][j] - gb[i][j])).toBeLessThan(1e-4);
      }));
      tf.dispose([a, b, c]);
      [fast, plain, plainOnly].forEach((h) => h.dispose());
    }
    x.dispose();
  });

  it('gives each channel its row of w the exact gradient (flattened row views, C = 1 and 3)', () => {
    // κ(x) = [x, x²], W_c = reshape(w[c], [n, D]), mean fusion: ∂Σ(r ⊙ out)/∂W_c = (1/C)·rᵀ·κ(x).
    const x = input(5, 3);
    const kx = tf.concat([x, tf.square(x)], 1);
    const r = tf.randomUniform([5, 4], -1, 1, 'float32', 3);
    for (const C of [1, 3]) {
      for (const fastPaths of [true, false]) {
        const head = rpnHead({ m: 3, n: 4, channelNum: C, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), fastPaths, seed: 5 });
        const [w] = head.trainableVariables();
        const before = tf.memory().numTensors;
        const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(head.forward(x), r)) as tf.Scalar, [w]);
        const want = tf.tidy(() => tf.tile(tf.reshape(tf.div(tf.matMul(tf.transpose(r), kx), C), [1, 24]), [C, 1]));
        expect(g[w.name].shape).toEqual([C, 24]);
        expect(maxDiff(g[w.name], want)).toBeLessThan(1e-5);
        tf.dispose([value, want, ...Object.values(g)]);
        expect(tf.memory().numTensors).toBe(before);
        head.dispose();
      }
    }
    tf.dispose([x, kx, r]);
  });

  it('RPN_FAST_PATHS=0 forces the plain path', () => {
    let called = 0;
    const base = lowRankTestReconciliation({ r: 1 });
    const spy = Object.freeze({ ...base, product: (k: tf.Tensor, w: tf.Tensor | null, n: number) => { called++; return base.product!(k, w, n); } });
    const prev = process.env.RPN_FAST_PATHS;
    process.env.RPN_FAST_PATHS = '0';
    try {
      const h = rpnHead({ m: 2, n: 2, expansion: squareExpansion(), reconciliation: spy });
      const x = input(2, 2);
      tf.dispose([h.forward(x), x]);
      h.dispose();
      expect(called).toBe(0);
    } finally {
      if (prev === undefined) delete process.env.RPN_FAST_PATHS;
      else process.env.RPN_FAST_PATHS = prev;
    }
    const h = rpnHead({ m: 2, n: 2, expansion: squareExpansion(), reconciliation: spy });
    const x = input(2, 2);
    tf.dispose([h.forward(x), x]);
    h.dispose();
    expect(called).toBe(1);
  });

  it("names parameters as tinyBIG's state_dict, in registration order", () => {
    const h = rpnHead({
      m: 3, n: 2, channelNum: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation({ enableBias: true }),
      remainder: linearTestRemainder({ enableBias: true }), channelFusion: parameterizedWeightedSummationFusion({ dims: [2, 2] }),
      outputProcessFunctions: { function_class: 'torch.nn.BatchNorm1d', function_parameters: { num_features: 2 } },
    });
    const names = h.namedParameters().map((p) => [p.name, p.variable.shape, p.trainable]);
    expect(names).toEqual([
      ['w', [2, 12], true], ['b', [2], true], ['w_remainder', [2, 3], true], ['b_remainder', [2], true], ['w_channel_fusion', [1, 2], true],
      ['output_process_functions.weight', [2], true], ['output_process_functions.bias', [2], true],
      ['output_process_functions.running_mean', [2], false], ['output_process_functions.running_var', [2], false], ['output_process_functions.num_batches_tracked', [], false],
    ]);
    expect(h.summary().total).toBe(24 + 2 + 6 + 2 + 2 + 2 + 2);
    expect(h.summary().rows.map((r) => r.name)).not.toContain('output_process_functions.running_mean');
    // [1, k] channel-fusion weights work (tinyBIG's parameterized_weighted_summation asserts on them)
    const x = input(4, 3);
    const y = h.forward(x);
    expect(y.shape).toEqual([4, 2]);
    tf.dispose([x, y]);
    h.dispose();
  });

  it('leaks no tensors in forward passes and training steps', () => {
    const h = rpnHead({ m: 3, n: 2, channelNum: 2, expansion: squareExpansion(), reconciliation: lowRankTestReconciliation({ enableBias: true }), remainder: linearTestRemainder(), outputProcessFunctions: ['relu', { function_class: 'torch.nn.Dropout', function_parameters: { p: 0.3 } }] });
    const x = input(6, 3);
    const opt = tf.train.adam(0.01);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(h.forward(x))) as tf.Scalar, h.trainableVariables());
      opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
      value.dispose();
      tf.dispose(Object.values(grads));
    };
    step(); // optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    tf.dispose(h.forward(x));
    h.eval();
    tf.dispose(h.forward(x));
    h.train();
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    x.dispose();
    h.dispose();
  });

  it('trains through batch norm (running statistics updated inside variableGrads) without leaks', () => {
    const h = rpnHead({ m: 3, n: 4, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), outputProcessFunctions: { function_class: 'torch.nn.BatchNorm1d', function_parameters: { num_features: 4 } } });
    const x = input(6, 3);
    const opt = tf.train.sgd(0.1);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(h.forward(x), 1))) as tf.Scalar, h.trainableVariables());
      opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
      value.dispose();
      tf.dispose(Object.values(grads));
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    const nb = h.namedParameters().find((p) => p.name === 'output_process_functions.num_batches_tracked')!;
    expect(nb.variable.dataSync()[0]).toBe(3);
    opt.dispose();
    x.dispose();
    h.dispose();
  });

  it('gives typed errors', () => {
    const h = rpnHead({ m: 3, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation() });
    const x = input(2, 4);
    expect(() => h.forward(x)).toThrow(ShapeError);
    expect(() => h.forward(x)).toThrow(/expected shape \[b, 3\]; received shape \[2, 4\]/);
    x.dispose();
    h.dispose();
    expect(() => registry.build({ head_class: 'rpn_head', head_parameters: { n: 2 } }, 'head')).toThrow(ConfigError);
    expect(() => registry.build({ head_class: 'rpn_head', head_parameters: { n: 2 } }, 'head')).toThrow(/rpn_head: missing option/);
    expect(() => registry.build({ head_class: 'rpn_head', head_parameters: { n: 2 } }, 'head')).toThrow(expect.objectContaining({ argument: 'm' }));
    expect(() => registry.build({ head_class: 'rpn_head', head_parameters: { m: 2, n: 2, data_transformation_configs: { function_class: 'no_such_expansion' } } }, 'head')).toThrow(UnknownNameError);
    expect(() => registry.build({ head_class: 'rpn_head', head_parameters: { m: 2, n: 2, output_process_function_configs: 'no_such_activation' } }, 'head')).toThrow(UnknownNameError);
    expect(() => registry.build({ head_class: 'rpn_head', head_parameters: { m: 2, n: 2, chanel_num: 2 } }, 'head')).toThrow(expect.objectContaining({ name: 'ConfigError', argument: 'chanel_num' }));
    expect(() => rpnHead({ m: 3, n: 2, expansion: { function_class: 'square_expansion' } })).toThrow(/no registry/);
    expect(() => rpnHead({ m: 3, n: 2, parametersInitMethod: 'he' as never })).toThrow(/parameters_init_method/);
  });

  it('round-trips toConfig/fromConfig with the same outputs', () => {
    const h = registry.build<ReturnType<typeof rpnHead>>({
      head_class: 'tinybig.module.rpn_head',
      head_parameters: {
        m: 3, n: 2, channel_num: 2,
        data_transformation_configs: { function_class: 'square_expansion' },
        parameter_fabrication_configs: { function_class: 'lowrank_test_reconciliation', function_parameters: { r: 1, enable_bias: true } },
        remainder_configs: { function_class: 'linear_remainder' },
        channel_fusion_configs: { function_class: 'tinybig.fusion.parameterized_weighted_summation_fusion', function_parameters: { dims: [2, 2] } },
        output_process_function_configs: { function_class: 'torch.nn.LayerNorm', function_parameters: { normalized_shape: 2 } },
      },
    }, 'head');
    const cfg = h.toConfig();
    const h2 = fromConfig(JSON.parse(JSON.stringify(cfg)), registry);
    expect(h2.toConfig()).toEqual(cfg);
    expect(h2.namedParameters().map((p) => p.name)).toEqual(h.namedParameters().map((p) => p.name));
    copyParameters(h, h2);
    const x = input(4, 3);
    const a = h.forward(x);
    const b = h2.forward(x);
    expect(maxDiff(a, b)).toBe(0);
    tf.dispose([a, b, x]);
    h.dispose();
    h2.dispose();
  });

  it('honours train/eval for dropout and batch norm', () => {
    const x = input(8, 3);
    const drop = rpnHead({ m: 3, n: 4, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), outputProcessFunctions: { function_class: 'torch.nn.Dropout', function_parameters: { p: 0.5 } } });
    const noDrop = rpnHead({ m: 3, n: 4, expansion: squareExpansion(), reconciliation: identityTestReconciliation() });
    copyParameters(drop, noDrop);
    expect(drop.training).toBe(true);
    drop.eval();
    expect(drop.training).toBe(false);
    const ref = noDrop.forward(x);
    const e1 = drop.forward(x);
    expect(maxDiff(e1, ref)).toBe(0);
    const t1 = drop.forward(x, { training: true, seed: 3 });
    const zeros = tf.tidy(() => tf.sum(tf.cast(tf.equal(t1, 0), 'float32')).dataSync()[0]);
    expect(zeros).toBeGreaterThan(0);
    tf.dispose([ref, e1, t1]);

    const bn = rpnHead({ m: 3, n: 4, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), outputProcessFunctions: { function_class: 'torch.nn.BatchNorm1d', function_parameters: { num_features: 4 } } });
    const byName = Object.fromEntries(bn.namedParameters().map((p) => [p.name, p.variable]));
    const rm0 = Array.from(byName['output_process_functions.running_mean'].dataSync());
    bn.train();
    const yt = bn.forward(x);
    const rm1 = Array.from(byName['output_process_functions.running_mean'].dataSync());
    expect(rm1).not.toEqual(rm0);
    expect(byName['output_process_functions.num_batches_tracked'].dataSync()[0]).toBe(1);
    // training output is batch-normalised: per-feature mean ≈ 0
    const colMean = tf.tidy(() => Array.from(tf.mean(yt, 0).dataSync()));
    colMean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    bn.eval();
    const ye = bn.forward(x);
    const ye2 = bn.forward(x);
    expect(Array.from(byName['output_process_functions.running_mean'].dataSync())).toEqual(rm1);
    expect(maxDiff(ye, ye2)).toBe(0);
    expect(maxDiff(ye, yt)).toBeGreaterThan(1e-3);
    tf.dispose([yt, ye, ye2, x]);
    [drop, noDrop, bn].forEach((h) => h.dispose());
  });

  it('skips the zero remainder, rejects parameter-free remainders when m ≠ n, and disposes its variables', () => {
    const before = tf.memory().numTensors;
    const h = rpnHead({ m: 3, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), remainder: zeroTestRemainder() });
    expect(h.namedParameters().map((p) => p.name)).toEqual(['w']);
    h.dispose();
    expect(h.disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const identityRem = Object.freeze({ ...zeroTestRemainder(), className: 'identity_remainder', isZero: false });
    expect(() => rpnHead({ m: 3, n: 2, expansion: squareExpansion(), reconciliation: identityTestReconciliation(), remainder: identityRem })).toThrow(ConfigError);
  });
});

describe('library head flags and numbers', () => {
  it('a non-boolean with_* flag or a non-numeric r is a ConfigError naming the key (it was coerced: "false" meant true)', () => {
    const reg = testRegistry();
    const build = (p: Record<string, unknown>) => reg.build({ head_class: 'perceptron_head', head_parameters: { m: 3, n: 2, ...p } }, 'head');
    for (const [p, key] of [[{ with_relu: 'false' }, 'with_relu'], [{ with_lorr: 1 }, 'with_lorr'], [{ with_lorr: true, r: '2' }, 'r']] as const) {
      let err: unknown;
      try { build(p); } catch (e) { err = e; }
      expect(err, JSON.stringify(p)).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).argument).toBe(key);
    }
    expect(() => build({ with_relu: true, with_lorr: false, r: 1 })).not.toThrow();
  });
});
