import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, RpnError, ShapeError, createRegistry, type Registry } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { interdependenceEntries } from '@rpn/interdependence';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { modelEntries } from '../index.js';
import type { RpnModule } from '../module.js';

/** Golden cases of the chain architectures, read from the repository's vendored `golden/`. */
interface JsonTensor { shape: number[]; data: number[] }
interface Case {
  id: string;
  config: { class: string; parameters: Record<string, unknown> };
  state_dict: Record<string, JsonTensor>;
  structure: { A?: JsonTensor; head_class: string }[];
  input: JsonTensor;
  output: JsonTensor;
  loss: { weights: JsonTensor };
  grads: Record<string, JsonTensor | null>;
  grad_input: JsonTensor;
  tolerance: { rtol: number; atol: number };
  grad_tolerance: { rtol: number; atol: number };
  heads_mode?: string;
  shared_parameters?: string[][];
  list_modules?: Record<string, { class: string; mode?: string }>;
}

const goldenFile = (family: string) => new URL(`../../../../golden/${family}.json`, import.meta.url);
const casesOf = (family: string, pattern: RegExp): Case[] => (JSON.parse(readFileSync(goldenFile(family), 'utf8')).cases as Case[]).filter((c) => pattern.test(c.id));

const registry: Registry = createRegistry(expansionEntries, reconciliationEntries, remainderEntries, interdependenceEntries, modelEntries);
const KIND: Record<string, 'head' | 'layer' | 'model'> = { architecture_head: 'head', architecture_layer: 'layer', architecture_model: 'model' };
const build = (kind: 'head' | 'layer' | 'model', cls: string, parameters: Record<string, unknown>): RpnModule =>
  registry.build<RpnModule>({ [`${kind}_class`]: cls, [`${kind}_parameters`]: parameters }, kind);

/** The DESIGN tolerance: rtol max(case, 1e-4), atol max(case, 1e-5·max(1, max|expected|)). */
function expectClose(what: string, got: ArrayLike<number>, expected: JsonTensor, tol: { rtol: number; atol: number }): void {
  expect(got.length, `${what}: length`).toBe(expected.data.length);
  const big = Math.max(1, ...expected.data.map(Math.abs));
  const rtol = Math.max(tol.rtol, 1e-4);
  const atol = Math.max(tol.atol, 1e-5 * big);
  for (let i = 0; i < got.length; i++) {
    const e = expected.data[i];
    if (!(Math.abs(got[i] - e) <= atol + rtol * Math.abs(e))) throw new Error(`${what}[${i}] = ${got[i]}, expected ${e}`);
  }
}

function loadState(net: RpnModule, state: Record<string, JsonTensor>): void {
  const named = new Map(net.namedParameters().map((p) => [p.name, p.variable]));
  for (const [key, t] of Object.entries(state)) {
    const v = named.get(key);
    if (!v) throw new Error(`state_dict key ${key} has no parameter`);
    expect(v.shape, key).toEqual(t.shape);
    const value = tf.tensor(t.data, t.shape, 'float32');
    v.assign(value);
    value.dispose();
  }
}

/** Runs one case: load, eval, forward, loss = Σ out ⊙ weights, gradients of every parameter and the input. */
function runCase(c: Case, family: string): void {
  expect(Object.values(c.list_modules ?? {}).every((mod) => /ReLU|Softmax|Dropout/.test(mod.class))).toBe(true);
  const net = build(KIND[family], c.config.class, c.config.parameters);
  const before = tf.memory().numTensors;
  try {
    loadState(net, c.state_dict);
    net.eval();
    const named = new Map(net.namedParameters().map((p) => [p.name, p.variable]));
    const x0 = tf.tensor(c.input.data, c.input.shape, 'float32');
    const x = tf.variable(x0);
    x0.dispose();
    const weights = tf.tensor(c.loss.weights.data, c.loss.weights.shape, 'float32');
    let out: tf.Tensor | null = null;
    const keys = Object.keys(c.grads);
    const { value, grads } = tf.variableGrads(() => {
      out = tf.keep(net.forward(x));
      return tf.sum(tf.mul(out, weights)) as tf.Scalar;
    }, [x, ...keys.map((k) => named.get(k)!)]);
    expect(out!.shape).toEqual(c.output.shape);
    expectClose(`${c.id} output`, out!.dataSync(), c.output, c.tolerance);
    const shared = c.heads_mode === 'tinybig' ? (c.shared_parameters ?? []).filter((g) => g.length > 1) : [];
    const grouped = new Set(shared.flat());
    const gradOf = (k: string) => grads[named.get(k)!.name].dataSync();
    for (const k of keys) {
      const e = c.grads[k];
      if (grouped.has(k)) continue;
      if (e === null) expect(Math.max(...Array.from(gradOf(k), Math.abs))).toBeLessThan(1e-6);
      else expectClose(`${c.id} grads[${k}]`, gradOf(k), e, c.grad_tolerance);
    }
    for (const g of shared) {
      const sum = new Float32Array(c.grads[g[0]]!.data.length);
      for (const k of g) gradOf(k).forEach((v, i) => { sum[i] += v; });
      expectClose(`${c.id} grads[${g.join('+')}]`, sum, c.grads[g[0]]!, c.grad_tolerance);
    }
    expectClose(`${c.id} grad_input`, grads[x.name].dataSync(), c.grad_input, c.grad_tolerance);
    tf.dispose([value, out!, x, weights, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    net.dispose();
  }
}

const FAMILIES: [string, RegExp, number][] = [
  ['architecture_head', /chain_interdependence_head/, 8],
  ['architecture_layer', /chain_interdependence_layer/, 4],
  ['architecture_model', /\/(rnn|regression_rnn)\//, 2],
];

describe('tinyBIG golden cases of the chain architectures (forward, parameter gradients, input gradients)', () => {
  for (const [family, pattern, count] of FAMILIES) {
    const cases = casesOf(family, pattern);
    it(`${family} has the ${count} chain cases`, () => expect(cases.length).toBe(count));
    for (const c of cases) {
      it(c.id, () => runCase(c, family));
      it(`${c.id} with RPN_FAST_PATHS=0`, () => runCase({ ...c, config: { ...c.config, parameters: { ...c.config.parameters, fast_paths: false } } }, family));
    }
  }

  it('the chain matrix each head uses is the one tinyBIG used (structure.A)', () => {
    for (const c of casesOf('architecture_head', /chain_interdependence_head/)) {
      const head = build('head', c.config.class, c.config.parameters) as RpnModule & { instanceInterdependence: { calculateA(x: null): tf.Tensor } };
      const A = head.instanceInterdependence.calculateA(null);
      expectClose(`${c.id} A`, A.dataSync(), c.structure[0].A!, { rtol: 1e-6, atol: 1e-6 });
      A.dispose();
      head.dispose();
    }
  });
});

const input = (b: number, w: number, seed = 3) => tf.randomUniform([b, w], -1, 1, 'float32', seed);

const CONFIGS: [string, 'head' | 'layer' | 'model', Record<string, unknown>, number][] = [
  ['chain_interdependence_head', 'head', { m: 3, n: 2, chain_length: 5, with_lorr: true, r: 1, enable_bias: true, with_residual: true, with_batch_norm: true, with_dropout: true, p: 0.3 }, 15],
  ['tinybig.head.chain_interdependence_head', 'head', { m: 3, n: 4, chain_length: 4, channel_num: 2, with_dual_lphm: true, r: 2, bi_directional: true }, 12],
  ['tinybig.layer.chain_interdependence_layer', 'layer', { m: 2, n: 3, chain_length: 3, width: 2, with_multihop: true, h: 2, with_softmax: false }, 6],
  ['tinybig.model.rnn', 'model', { chain_length: 4, dims: [3, 5, 4, 2], with_residual: true, enable_bias: true, with_dropout: true, channel_num: 2, width: 2 }, 12],
  ['tinybig.model.regression_rnn', 'model', { chain_length: 3, dims: [2, 3, 1], with_exponential_approx: true, with_softmax: false, with_batch_norm: true }, 6],
];

describe('chain architectures build from tinyBIG configs, round-trip, train and do not leak', () => {
  for (const [cls, kind, params, width] of CONFIGS) {
    it(`${cls}: forward, toConfig → build (same outputs), a training step, no leak`, () => {
      const net = build(kind, cls, { ...params, seed: 7 });
      const x = input(6, width);
      const before = tf.memory().numTensors;
      net.eval();
      const y = net.forward(x);
      const config = net.toConfig();
      const again = registry.build<RpnModule>(config, kind);
      const mine = net.namedParameters();
      const theirs = new Map(again.namedParameters().map((p) => [p.name, p.variable]));
      expect([...theirs.keys()]).toEqual(mine.map((p) => p.name));
      for (const p of mine) theirs.get(p.name)!.assign(p.variable);
      again.eval();
      const y2 = again.forward(x);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y, y2))).dataSync()[0])).toBe(0);
      tf.dispose([y, y2]);
      again.dispose();

      net.train();
      const vars = net.trainableVariables();
      const start = vars.map((v) => v.dataSync().slice());
      const baseline = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, { seed: 1 }))) as tf.Scalar, vars);
      tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.1)))));
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(baseline);
      expect(vars.some((v, i) => v.dataSync().some((val, j) => val !== start[i][j]))).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      net.dispose();
      x.dispose();
    });
  }

  it('rnn keeps tinyBIG layer indices and shapes (layers.0 per step, layers.1 chain, layers.2 output on the step mean)', () => {
    const net = build('model', 'rnn', { chain_length: 3, dims: [3, 2, 2] });
    expect(net.namedParameters().map((p) => `${p.name} [${p.variable.shape}]`)).toEqual(['layers.0.heads.0.w [1,6]', 'layers.1.heads.0.w [1,4]', 'layers.2.heads.0.w [1,4]']);
    expect(net.m).toBe(9);
    expect(net.n).toBe(2);
    expect((net as unknown as { layers: RpnModule[] }).layers.map((l) => l.name)).toEqual(['perceptron_layer', 'chain_interdependence_layer', 'output_layer']);
    net.dispose();
    const reg = build('model', 'regression_rnn', { chain_length: 4, dims: [3, 2, 2] });
    expect(reg.namedParameters().map((p) => p.variable.shape[1])).toEqual([6, 4, 16]);
    reg.dispose();
  });

  it('with_batch_norm normalises each of the n features over the b·L step rows, honouring train/eval', () => {
    const head = build('head', 'chain_interdependence_head', { m: 3, n: 2, chain_length: 4, with_batch_norm: true, with_relu: false, with_softmax: false, seed: 2 });
    expect(head.namedParameters().filter((p) => p.name.startsWith('output_process_functions.0.')).map((p) => `${p.name} [${p.variable.shape}] ${p.trainable}`)).toEqual([
      'output_process_functions.0.weight [2] false', 'output_process_functions.0.bias [2] false', 'output_process_functions.0.running_mean [2] false',
      'output_process_functions.0.running_var [2] false', 'output_process_functions.0.num_batches_tracked [] false',
    ]);
    const x = input(5, 12);
    head.train();
    const rows = tf.tidy(() => tf.reshape(head.forward(x), [20, 2]));
    const { mean, variance } = tf.moments(rows, 0);
    Array.from(mean.dataSync()).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-5));
    Array.from(variance.dataSync()).forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-3));
    const running = head.namedParameters().find((p) => p.name === 'output_process_functions.0.running_mean')!.variable;
    expect(Array.from(running.dataSync()).some((v) => v !== 0)).toBe(true);
    head.eval();
    const evalOut = head.forward(x);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(tf.reshape(evalOut, [20, 2]), rows))).dataSync()[0])).toBeGreaterThan(1e-2);
    tf.dispose([rows, mean, variance, evalOut, x]);
    head.dispose();
  });

  it('with_dropout drops in training and is the identity in eval', () => {
    const params = { m: 3, n: 4, chain_length: 4, with_relu: false, with_softmax: false, seed: 4 };
    const plain = build('head', 'chain_interdependence_head', params);
    const dropped = build('head', 'chain_interdependence_head', { ...params, with_dropout: true, p: 0.5 });
    const x = input(4, 12);
    dropped.train();
    const yt = dropped.forward(x, { seed: 3 });
    expect(Array.from(yt.dataSync()).filter((v) => v === 0).length).toBeGreaterThan(8);
    dropped.eval();
    const [ye, yp] = [dropped.forward(x), plain.forward(x, { training: false })];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ye, yp))).dataSync()[0])).toBe(0);
    tf.dispose([yt, ye, yp, x]);
    plain.dispose();
    dropped.dispose();
  });

  it('regression_rnn fits a small sequence task from flat rows (the loss falls well below its start)', () => {
    const [b, L, m] = [32, 5, 2];
    const net = build('model', 'regression_rnn', { chain_length: L, dims: [m, 4, 1], with_softmax: false, enable_bias: true, seed: 3 });
    const x = tf.randomUniform([b, L * m], -1, 1, 'float32', 8);
    // target: a weighted sum over the steps of the first feature
    const y = tf.tidy(() => tf.matMul(x, tf.tensor2d(Array.from({ length: L * m }, (_, k) => (k % m === 0 ? (k / m + 1) / L : 0)), [L * m, 1])));
    const opt = tf.train.adam(0.05);
    const loss = () => tf.tidy(() => tf.mean(tf.squaredDifference(net.forward(x), y)).dataSync()[0]);
    const start = loss();
    for (let i = 0; i < 150; i++) opt.minimize(() => tf.mean(tf.squaredDifference(net.forward(x), y)) as tf.Scalar, true, net.trainableVariables())?.dispose();
    expect(loss()).toBeLessThan(0.2 * start);
    opt.dispose();
    tf.dispose([x, y]);
    net.dispose();
  });

  it('a layer builds INDEPENDENT heads (each its own parameters)', () => {
    const layer = build('layer', 'chain_interdependence_layer', { m: 2, n: 2, chain_length: 3, width: 2, seed: 1 });
    const [a, b] = layer.namedParameters().map((p) => p.variable);
    expect(a).not.toBe(b);
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    layer.dispose();
  });
});

describe('chain architectures reject bad input with typed errors naming the argument', () => {
  const argumentOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(RpnError);
      return (e as RpnError).argument;
    }
    throw new Error('no error');
  };

  it('an input whose width is not L·m (a chain length that does not divide the row) is a ShapeError naming x', () => {
    const head = build('head', 'chain_interdependence_head', { m: 3, n: 2, chain_length: 4 });
    const x = input(2, 10);
    expect(() => head.forward(x)).toThrow(ShapeError);
    expect(argumentOf(() => head.forward(x))).toBe('x');
    const model = build('model', 'rnn', { chain_length: 4, dims: [3, 2, 2] });
    expect(() => model.forward(x)).toThrow(/\[L=4, m=3\]/);
    x.dispose();
    head.dispose();
    model.dispose();
  });

  it('chain_length < 1, missing or fractional is a ConfigError naming chain_length', () => {
    for (const L of [0, -2, 1.5, undefined]) {
      expect(argumentOf(() => build('head', 'chain_interdependence_head', { m: 3, n: 2, chain_length: L }))).toBe('chain_length');
      expect(argumentOf(() => build('model', 'regression_rnn', { dims: [3, 2, 2], chain_length: L }))).toBe('chain_length');
    }
  });

  it('unknown keys, bad m / n / width / h are ConfigErrors naming them', () => {
    expect(argumentOf(() => build('head', 'chain_interdependence_head', { m: 3, n: 2, chain_length: 4, with_relus: true }))).toBe('with_relus');
    expect(argumentOf(() => build('head', 'chain_interdependence_head', { m: 0, n: 2, chain_length: 4 }))).toBe('m');
    expect(argumentOf(() => build('layer', 'chain_interdependence_layer', { m: 2, n: 2, chain_length: 4, width: 0 }))).toBe('width');
    expect(argumentOf(() => build('head', 'chain_interdependence_head', { m: 2, n: 2, chain_length: 4, with_multihop: true, h: 0 }))).toBe('h');
    expect(() => build('model', 'rnn', { chain_length: 4, dims: [3] })).toThrow(ConfigError);
  });

  it('conflicting chain flags resolve as tinyBIG does: exponential, then inverse, then multihop', () => {
    const A = (p: Record<string, unknown>) => {
      const head = build('head', 'chain_interdependence_head', { m: 1, n: 1, chain_length: 3, ...p }) as RpnModule & { instanceInterdependence: { className: string } };
      const name = head.instanceInterdependence.className;
      head.dispose();
      return name;
    };
    expect(A({ with_exponential_approx: true, with_inverse_approx: true, with_multihop: true })).toBe('exponential_approx_multihop_chain_interdependence');
    expect(A({ with_inverse_approx: true, with_multihop: true })).toBe('inverse_approx_multihop_chain_interdependence');
    expect(A({ with_multihop: true })).toBe('multihop_chain_interdependence');
    expect(A({})).toBe('chain_interdependence');
  });
});
