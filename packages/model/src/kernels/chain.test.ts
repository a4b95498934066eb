import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, createRegistry, type BuildContext, type FunctionConfig } from '@rpn/core';
import { expansionEntries } from '@rpn/expansion';
import { interdependenceEntries } from '@rpn/interdependence';
import { reconciliationEntries } from '@rpn/reconciliation';
import { remainderEntries } from '@rpn/remainder';
import { modelEntries } from '../index.js';
import { rpnHead, type RpnHead } from '../head.js';
import { chainKernel } from './chain.js';

const registry = createRegistry(expansionEntries, reconciliationEntries, remainderEntries, interdependenceEntries, modelEntries);
const ctx: BuildContext = { registry, build: (c, k) => registry.build(c, k) };
const fc = (cls: string, p: Record<string, unknown> = {}): FunctionConfig => ({ function_class: cls, function_parameters: p });
const chain = (L: number, extra: Record<string, unknown> = {}) => fc('chain_interdependence', { b: L, chain_length: L, interdependence_type: 'instance', ...extra });

function head(L: number, m: number, n: number, o: { psi?: FunctionConfig | null; C?: number; fast?: boolean; inst?: FunctionConfig; residual?: boolean; seed?: number } = {}): RpnHead {
  return rpnHead({
    m: L * m, n, channelNum: o.C ?? 1, kernel: chainKernel(L), context: ctx, seed: o.seed ?? 11, fastPaths: o.fast,
    instanceInterdependence: o.inst ?? chain(L),
    parameterFabrication: o.psi === undefined ? fc('identity_reconciliation', { enable_bias: true }) : o.psi,
    remainder: o.residual ? fc('linear_remainder', { enable_bias: true }) : undefined,
  });
}

const gradsOf = (h: RpnHead, x: tf.Tensor): Float32Array[] => tf.tidy(() => {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(h.forward(x))) as tf.Scalar, h.trainableVariables());
  value.dispose();
  return h.trainableVariables().map((v) => grads[v.name].dataSync() as Float32Array);
});
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('the chain kernel', () => {
  it('describes chains: layouts, per-step bias and remainder, l of ψ(n, m)', () => {
    const h = head(5, 3, 2, { psi: fc('lorr_reconciliation', { r: 1, enable_bias: true }), residual: true });
    const k = h.kernel;
    expect(k.kind).toBe('chain');
    expect(k.inLayout).toEqual({ kind: 'chain', L: 5, m: 3 });
    expect(k.outLayout).toEqual({ kind: 'chain', L: 5, m: 2 });
    expect([k.D, k.l, k.biasShape, k.remainder]).toEqual([3, 5, [2], { m: 3, n: 2, steps: 5 }]);
    expect(h.namedParameters().map((p) => `${p.name} [${p.variable.shape}]`)).toEqual(['w [1,5]', 'b [2]', 'w_remainder [2,3]', 'b_remainder [2]']);
    h.dispose();
  });

  it('equals an independent per-step computation: y[t] = (X[t] + X[t−1])·Wᵀ + bias, channels fused by mean', () => {
    const [L, m, n, b, C] = [4, 3, 2, 2, 3];
    const h = head(L, m, n, { C });
    const x = tf.randomUniform([b, L * m], -1, 1, 'float32', 5);
    const y = h.forward(x);
    const X = x.arraySync() as number[][];
    const W = h.namedParameters().find((p) => p.name === 'w')!.variable.arraySync() as number[][];
    const bias = h.namedParameters().find((p) => p.name === 'b')!.variable.arraySync() as number[];
    const expected = X.map((row) => {
      const out: number[] = [];
      for (let t = 0; t < L; t++) for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < C; c++) {
          let v = bias[i];
          for (let j = 0; j < m; j++) v += (row[t * m + j] + (t > 0 ? row[(t - 1) * m + j] : 0)) * W[c][i * m + j];
          s += v / C;
        }
        out.push(s);
      }
      return out;
    });
    const got = y.arraySync() as number[][];
    got.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(1e-5)));
    tf.dispose([x, y]);
    h.dispose();
  });

  for (const [label, m, n] of [['n < D (fast path applies W before the step mixing)', 5, 2], ['n ≥ D', 2, 4]] as const) {
    it(`fast and plain paths agree in values and gradients, ${label}`, () => {
      const x = tf.randomUniform([3, 4 * m], -1, 1, 'float32', 9);
      for (const psi of [fc('identity_reconciliation', { enable_bias: true }), fc('lorr_reconciliation', { r: 2 }), fc('dual_lphm_reconciliation', { r: 1 })]) {
        for (const C of [1, 2]) {
          const fast = head(4, m, n, { psi, C, residual: true, inst: chain(4, { bi_directional: true }) });
          const plain = head(4, m, n, { psi, C, residual: true, inst: chain(4, { bi_directional: true }), fast: false });
          const [a, b] = [fast.forward(x), plain.forward(x)];
          expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
          const [ga, gb] = [gradsOf(fast, x), gradsOf(plain, x)];
          ga.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - gb[i][j])).toBeLessThan(1e-4)));
          tf.dispose([a, b]);
          fast.dispose();
          plain.dispose();
        }
      }
      x.dispose();
    });
  }

  it('never builds an (L·m)×(L·m) matrix: the peak memory of a long chain stays near the rows themselves', () => {
    const [L, m, n, b] = [400, 8, 8, 4];
    const h = head(L, m, n);
    const x = tf.randomUniform([b, L * m], -1, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    let peak = 0;
    return tf.profile(() => { tf.dispose(h.forward(x)); }).then((info) => {
      peak = info.peakBytes;
      const rows = b * L * m * 4;
      const dense = (L * m) ** 2 * 4;
      expect(peak).toBeGreaterThan(rows);
      expect(peak).toBeLessThan(6 * rows + L * L * 4 * 2);
      expect(peak).toBeLessThan(dense / 10);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      h.dispose();
    });
  });

  it('does not leak: one forward leaves the tensor count unchanged', () => {
    const h = head(3, 2, 2, { C: 2, residual: true });
    const x = tf.randomUniform([2, 6]);
    const before = tf.memory().numTensors;
    tf.dispose(h.forward(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    h.dispose();
  });
});

describe('the chain kernel rejects what it cannot compute, naming the argument', () => {
  const argumentOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).argument;
    }
    throw new Error('no error');
  };

  it('a chain length that does not divide the head width', () => {
    expect(argumentOf(() => rpnHead({ m: 10, n: 2, kernel: chainKernel(4), context: ctx, instanceInterdependence: chain(4), parameterFabrication: fc('identity_reconciliation') }))).toBe('chain_length');
  });

  it('a missing, attribute-type, data- or parameter-dependent, or wrongly sized interdependence', () => {
    const base = { m: 8, n: 2, kernel: chainKernel(4), context: ctx, parameterFabrication: fc('identity_reconciliation') };
    expect(argumentOf(() => rpnHead(base))).toBe('instance_interdependence');
    expect(argumentOf(() => rpnHead({ ...base, instanceInterdependence: fc('identity_interdependence', { interdependence_type: 'instance', b: 4, m: 2 }), attributeInterdependence: fc('identity_interdependence', { interdependence_type: 'attribute', m: 8 }) }))).toBe('attribute_interdependence');
    expect(argumentOf(() => rpnHead({ ...base, instanceInterdependence: fc('parameterized_interdependence', { interdependence_type: 'instance', b: 4, m: 2 }) }))).toBe('instance_interdependence');
    expect(argumentOf(() => rpnHead({ ...base, instanceInterdependence: chain(3) }))).toBe('chain_length');
  });

  it('no reconciliation and n ≠ D', () => {
    expect(argumentOf(() => head(4, 2, 3, { psi: null }))).toBe('n');
  });
});
