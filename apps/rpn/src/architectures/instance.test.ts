import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, type RpnError } from '@rpn/core';
import type { RpnHead, RpnModule } from '@rpn/model';
import { appRegistry } from '../registry.js';
import { defaultGoldenDir, loadCases, runCase } from '../golden/runner.js';
import { decodeParams, jsonNumbers, toTensor, type GoldenCase, type JsonTensor } from '../golden/types.js';

/**
 * The graph (GCN), GAT and attention architectures against tinyBIG's golden cases, plus what the
 * golden runner does not check: the dense A of the graph heads, config round trips, a training
 * step without leaks, and the typed errors of bad graphs and batches.
 */
const registry = appRegistry();
const dir = defaultGoldenDir();
const MINE = /\/(graph_interdependence|graph_bilinear_interdependence|bilinear_interdependence)_(head|layer)\/|\/(gcn|gat|transformer)\//;
const cases = ['architecture_head', 'architecture_layer', 'architecture_model'].flatMap((f) => loadCases(dir, f)).filter((c) => MINE.test(c.id));
const caseOf = (id: string): GoldenCase => cases.find((c) => c.id === id)!;
const kindOf = (c: GoldenCase): 'head' | 'layer' | 'model' => (c.family === 'architecture_head' ? 'head' : c.family === 'architecture_layer' ? 'layer' : 'model');
const build = (c: GoldenCase, params?: Record<string, unknown>, cls = c.config.class as string): RpnModule =>
  registry.build<RpnModule>({ [`${kindOf(c)}_class`]: cls, [`${kindOf(c)}_parameters`]: params ?? decodeParams(c.config.parameters ?? {}, c) }, kindOf(c));
const errorOf = (f: () => unknown): RpnError => {
  try { f(); } catch (e) { return e as RpnError; }
  throw new Error('no error thrown');
};

afterEach(() => { delete process.env.RPN_FAST_PATHS; });

describe('golden: graph, GAT and attention cases (forward, every gradient, grad_input)', () => {
  it('covers the public cases of the three families', () => {
    expect(cases.length).toBe(21);
  });
  for (const c of cases) {
    const shared = c.heads_mode === 'tinybig' && Array.isArray(c.shared_parameters) && c.shared_parameters.length > 0;
    for (const fast of ['1', '0']) {
      it(`${c.id} ${shared ? 'is a documented shared-heads difference' : 'passes'} (RPN_FAST_PATHS=${fast})`, async () => {
        process.env.RPN_FAST_PATHS = fast;
        const before = tf.memory().numTensors;
        const r = await runCase(c, registry, dir);
        expect(tf.memory().numTensors).toBe(before);
        if (shared) expect(r.message).toMatch(/^shared-heads-gradients/);
        else expect(r.message).toBeUndefined();
        expect(r.status).toBe(shared ? 'documented' : 'passed');
      });
    }
  }
});

describe('graph heads use the dense A tinyBIG used (structure.A)', () => {
  for (const c of cases.filter((k) => k.id.startsWith('architecture_head/graph_interdependence_head/'))) {
    it(c.id, () => {
      const head = build(c) as RpnHead;
      const expected = (c.structure as { A: JsonTensor }[])[0].A;
      const A = head.instanceInterdependence!.calculateA(null);
      expect(A.shape).toEqual(expected.shape);
      const got = A.dataSync();
      jsonNumbers(expected).forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-6 + 1e-5 * Math.abs(v)));
      A.dispose();
      head.dispose();
    });
  }
});

/** One case per class: the registry builds it by short and dotted name, toConfig rebuilds the same network, a training step leaks nothing. */
const ONE_PER_CLASS = [
  'architecture_head/graph_interdependence_head/3', 'architecture_head/graph_bilinear_interdependence_head/1', 'architecture_head/bilinear_interdependence_head/1',
  'architecture_layer/graph_interdependence_layer/2', 'architecture_layer/graph_bilinear_interdependence_layer/2', 'architecture_layer/bilinear_interdependence_layer/2',
  'architecture_model/gcn/0', 'architecture_model/gat/0', 'architecture_model/transformer/0',
];

describe('every graph/attention class: config, round trip, training step', () => {
  for (const id of ONE_PER_CLASS) {
    it(`${id.split('/')[1]}: builds from its short name, round-trips through toConfig, trains without leaks`, () => {
      const c = caseOf(id);
      const dotted = c.config.class as string;
      const net = build(c, undefined, dotted.slice(dotted.lastIndexOf('.') + 1));
      // the case's own parameter values, not an unseeded random init (which can leave every ReLU dead)
      for (const p of net.namedParameters()) {
        const t = c.state_dict?.[p.name] as JsonTensor | undefined;
        if (t) tf.tidy(() => p.variable.assign(tf.reshape(toTensor(t), p.variable.shape)));
      }
      const x = toTensor(c.input);
      const config = net.toConfig();
      expect(Object.values(config)[0]).toBe(dotted);
      const again = registry.build<RpnModule>(config, kindOf(c));
      const theirs = new Map(again.namedParameters().map((p) => [p.name, p.variable]));
      expect([...theirs.keys()]).toEqual(net.namedParameters().map((p) => p.name));
      for (const p of net.namedParameters()) theirs.get(p.name)!.assign(p.variable);
      net.eval();
      again.eval();
      const [a, b] = [net.forward(x), again.forward(x)];
      expect(a.shape).toEqual((c.output as JsonTensor).shape);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBe(0);
      tf.dispose([a, b]);
      again.dispose();

      net.train();
      const before = tf.memory().numTensors;
      const vars = net.trainableVariables();
      const w0 = vars.map((v) => Array.from(v.dataSync()));
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, { seed: 11 }))) as tf.Scalar, vars); // seeded dropout: the same objective every run
      for (const v of vars) tf.tidy(() => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.05))));
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      expect(vars.some((v, i) => Array.from(v.dataSync()).some((u, j) => u !== w0[i][j]))).toBe(true);
      x.dispose();
      net.dispose();
    });
  }
});

describe('typed errors for bad graphs and batches', () => {
  const gcn = caseOf('architecture_model/gcn/0');
  const params = () => decodeParams(gcn.config.parameters, gcn) as Record<string, unknown>;

  it('a batch whose row count is not the node count: ShapeError naming x', () => {
    const net = build(gcn);
    const x = tf.zeros([5, 3]);
    const e = errorOf(() => net.forward(x));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.argument).toBe('x');
    expect(e.message).toMatch(/6 nodes/);
    x.dispose();
    net.dispose();
  });

  it('links to an unknown node: ConfigError naming links', () => {
    const p = params();
    p.links = [...(p.links as number[][]), [0, 9]];
    const e = errorOf(() => build(gcn, p));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.argument).toBe('links');
    expect(e.received).toMatch(/9/);
  });

  it('a graph_file_path (no file I/O in the model core) and unknown keys: ConfigError naming them', () => {
    const p = { ...params(), graph_file_path: 'cora.pkl' };
    expect(errorOf(() => build(gcn, p)).argument).toBe('graph_file_path');
    expect(errorOf(() => build(gcn, { ...params(), with_multi_hop: true })).argument).toBe('with_multi_hop');
  });

  it('a graph given as graph: {nodes, links} builds the same model', () => {
    const { nodes, links, ...rest } = params();
    const a = build(gcn);
    const b = build(gcn, { ...rest, graph: { nodes, links } });
    const A = (a as unknown as { layers: RpnModule[] }).layers[0];
    expect(b.namedParameters().map((p) => p.name)).toEqual(a.namedParameters().map((p) => p.name));
    expect(A.inLayout).toEqual(b.inLayout);
    a.dispose();
    b.dispose();
  });

  it('attention with batch_num and a batch of another size: ShapeError naming x', () => {
    const c = caseOf('architecture_head/bilinear_interdependence_head/0');
    const head = build(c);
    const x = tf.zeros([5, 3]);
    const e = errorOf(() => head.forward(x));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.argument).toBe('x');
    x.dispose();
    head.dispose();
  });

  it('attention without batch_num takes any number of tokens', () => {
    const c = caseOf('architecture_head/bilinear_interdependence_head/0');
    const { batch_num: _b, ...p } = decodeParams(c.config.parameters, c) as Record<string, unknown>;
    const head = build(c, p);
    const x = tf.randomUniform([7, 3], -1, 1, 'float32', 1);
    const y = head.forward(x);
    expect(y.shape).toEqual([7, 2]);
    tf.dispose([x, y]);
    head.dispose();
  });
});
