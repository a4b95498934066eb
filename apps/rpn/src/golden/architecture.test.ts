import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { appRegistry } from '../registry.js';
import { defaultGoldenDir, loadCases, runCase } from './runner.js';
import { documentedRule } from './differences.js';
import type { GoldenCase, JsonTensor } from './types.js';

const dir = defaultGoldenDir();
const registry = appRegistry();
const models = loadCases(dir, 'architecture_model');
const byId = (id: string): GoldenCase => {
  const c = models.find((k) => k.id === id);
  if (!c) throw new Error(`${id} missing from architecture_model.json`);
  return c;
};
const copy = <T>(v: T): T => structuredClone(v);
const run = async (c: GoldenCase) => {
  const before = tf.memory().numTensors;
  const r = await runCase(c, registry, dir);
  expect(tf.memory().numTensors).toBe(before);
  return r;
};
/** Adds `delta` to element `i` of a golden tensor (in place on a copy). */
const bump = (t: JsonTensor, i: number, delta: number): void => {
  (t.data as number[])[i] = Number(t.data[i]) + delta;
};

const FLAT = ['mlp/0', 'kan/0', 'svm/0', 'naive_bayes/0', 'pgm/0'].map((s) => `architecture_model/${s}`);

describe('architecture harness: flat library models (forward and gradients)', () => {
  for (const id of FLAT) {
    it(`${id} passes`, async () => {
      const r = await run(byId(id));
      expect(r.message).toBeUndefined();
      expect(r.status).toBe('passed');
    });
  }
});

describe('architecture harness catches mismatches', () => {
  it('fails on a wrong recorded gradient of a parameter', async () => {
    const c = copy(byId('architecture_model/mlp/0'));
    const key = 'layers.0.heads.0.w';
    const t = c.grads[key] as JsonTensor;
    const i = (t.data as number[]).findIndex((v) => Math.abs(v) > 1e-3);
    bump(t, i, 1e-2 + 0.01 * Math.abs(Number(t.data[i])));
    const r = await run(c);
    expect(r.status).toBe('failed');
    expect(r.message).toContain(`grads[${key}]`);
  });
  it('fails on a wrong gradient of the input', async () => {
    const c = copy(byId('architecture_model/kan/0'));
    bump(c.grad_input, 0, 1e-2);
    const r = await run(c);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('grad_input');
  });
  it('fails on a wrong forward output', async () => {
    const c = copy(byId('architecture_model/svm/0'));
    bump(c.output, 3, 1e-3);
    const r = await run(c);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^output: element 3/);
  });
  it('fails when a state_dict key is not ours (strict loading)', async () => {
    const c = copy(byId('architecture_model/mlp/0'));
    c.state_dict['layers.0.heads.0.w_extra'] = c.state_dict['layers.0.heads.0.b'];
    const r = await run(c);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('unexpected: layers.0.heads.0.w_extra');
  });
  it('fails a train-mode BatchNorm together with an active Dropout instead of guessing', async () => {
    const c = copy(byId('architecture_model/mlp/0'));
    c.list_modules['layers.0.heads.0.output_process_functions.0'] = { class: 'torch.nn.BatchNorm1d', num_features: 3, mode: 'train' };
    const r = await run(c);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/would also activate Dropout/);
  });
});

/**
 * A shared-heads case built from mlp/0 alone: tinyBIG's `[head] * 2` in layer 0 (one head object,
 * mean-fused with itself) computes exactly mlp/0's function, and the gradient of its ONE shared
 * Parameter is mlp/0's gradient (each use contributes half, two uses). So the recorded forward,
 * totals and input gradient are mlp/0's own tinyBIG values.
 */
function sharedFromMlp(): GoldenCase {
  const c = copy(byId('architecture_model/mlp/0'));
  const p = c.config.parameters;
  const layer = (m: number, n: number, width: number) => ({
    layer_class: 'tinybig.layer.basic_layers.perceptron_layer',
    layer_parameters: { m, n, width, with_taylor: p.with_taylor, d: p.d, with_lorr: p.with_lorr, r: p.r, enable_bias: p.enable_bias },
  });
  c.id = 'architecture_model/synthetic_shared_mlp/0';
  c.config = { class: 'tinybig.model.rpn.rpn', parameters: { layer_configs: [layer(p.dims[0], p.dims[1], 2), layer(p.dims[1], p.dims[2], 1)] } };
  c.heads_mode = 'tinybig';
  const sd = c.state_dict;
  const grads = c.grads;
  for (const name of ['w', 'b']) {
    sd[`layers.0.heads.1.${name}`] = sd[`layers.0.heads.0.${name}`];
    grads[`layers.0.heads.1.${name}`] = grads[`layers.0.heads.0.${name}`];
  }
  c.shared_parameters = [['layers.0.heads.0.w', 'layers.0.heads.1.w'], ['layers.0.heads.0.b', 'layers.0.heads.1.b']];
  return c;
}

describe('architecture harness: shared heads (tinybig mode)', () => {
  it('the synthetic shared case is recognised by the generic rule', () => {
    expect(documentedRule(sharedFromMlp())?.name).toBe('shared-heads-gradients');
    expect(documentedRule({ ...sharedFromMlp(), heads_mode: 'independent_equal' })).toBeUndefined();
  });
  it('forward and summed shared gradients match: reported as a documented difference', async () => {
    const r = await run(sharedFromMlp());
    expect(r.status).toBe('documented');
    expect(r.message).toContain('tinyBIG repeats one head object; independent heads give per-head shares of its total gradient');
  });
  it('per-head gradients are shares, not the total: checked key by key the same case fails', async () => {
    const c = { ...sharedFromMlp(), heads_mode: 'independent_equal' };
    const r = await run(c);
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^grads\[layers\.0\.heads\.[01]\.[wb]\]/);
  });
  it('a perturbed total gradient fails rather than being documented', async () => {
    const c = sharedFromMlp();
    const t = copy(c.grads['layers.0.heads.0.w'] as JsonTensor);
    const i = (t.data as number[]).findIndex((v) => Math.abs(v) > 1e-3);
    bump(t, i, 1e-2 + 0.01 * Math.abs(Number(t.data[i])));
    c.grads['layers.0.heads.0.w'] = t;
    c.grads['layers.0.heads.1.w'] = t;
    const r = await run(c);
    expect(r.status).toBe('failed');
    expect(r.message).toContain('shared Parameter, total');
  });
  it('a perturbed forward of a shared case fails rather than being documented', async () => {
    const c = sharedFromMlp();
    bump(c.output, 0, 1e-3);
    const r = await run(c);
    expect(r.status).toBe('failed');
  });
});

/**
 * mlp/0 rebuilt as an rpn model whose first layer has a list BatchNorm1d in front of ReLU, recorded
 * in eval mode with identity statistics (weight 1, bias 0, mean 0, var 1 − eps): tinyBIG's output is
 * then mlp/0's own. `bias` shifts the recorded BatchNorm bias.
 */
function batchNormFromMlp(bias: number): GoldenCase {
  const c = copy(byId('architecture_model/mlp/0'));
  const p = c.config.parameters;
  const layer = (m: number, n: number, extra: Record<string, unknown> = {}) => ({
    layer_class: 'tinybig.layer.basic_layers.perceptron_layer',
    layer_parameters: { m, n, with_taylor: p.with_taylor, d: p.d, with_lorr: p.with_lorr, r: p.r, enable_bias: p.enable_bias, ...extra },
  });
  c.id = 'architecture_model/synthetic_batchnorm_mlp/0';
  c.config = { class: 'tinybig.model.rpn.rpn', parameters: { layer_configs: [layer(p.dims[0], p.dims[1], { with_batch_norm: true }), layer(p.dims[1], p.dims[2])] } };
  const n = p.dims[1];
  const vec = (v: number): JsonTensor => ({ shape: [n], dtype: 'float64', data: Array(n).fill(v) });
  const lm = c.list_modules;
  const head0 = 'layers.0.heads.0.output_process_functions';
  c.list_modules = {
    [`${head0}.0`]: { class: 'torch.nn.BatchNorm1d', num_features: n, eps: 1e-5, mode: 'eval', weight: vec(1), bias: vec(bias), running_mean: vec(0), running_var: vec(1 - 1e-5) },
    [`${head0}.1`]: lm[`${head0}.0`],
    [`${head0}.2`]: lm[`${head0}.1`],
    [`${head0}.3`]: lm[`${head0}.2`],
    ...Object.fromEntries(Object.entries(lm).filter(([k]) => k.startsWith('layers.1.'))),
  };
  return c;
}

describe('architecture harness: list BatchNorm in eval mode', () => {
  it('loads the recorded BatchNorm tensors into our list BatchNorm (identity statistics: mlp/0 still passes)', async () => {
    const r = await run(batchNormFromMlp(0));
    expect(r.message).toBeUndefined();
    expect(r.status).toBe('passed');
  });
  it('uses the recorded values: a shifted BatchNorm bias changes our output, so the recorded mlp/0 output no longer matches', async () => {
    const r = await run(batchNormFromMlp(0.5));
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^output:/);
  });
});
