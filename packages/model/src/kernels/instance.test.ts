import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, functionConfig, type Interdependence } from '@rpn/core';
import { rpnHead } from '../head.js';
import { instanceKernel, normalizeInstanceMatrix, type InstanceKernelOptions } from './instance.js';
import { identityTestReconciliation, input, linearTestRemainder, lowRankTestReconciliation, maxDiff, squareExpansion } from '../test-utils.js';

/** A fixed instance matrix (a "graph"): A given row-major, N × N. */
function constantInstance(values: number[], N: number): Interdependence {
  return Object.freeze({
    kind: 'interdependence' as const, name: 'const_test', className: 'const_test', type: 'instance' as const,
    requireData: false, requireParameters: false,
    calculateL: () => 0, calculateMPrime: (m?: number) => m ?? 0, calculateBPrime: () => N,
    calculateA: () => tf.tensor2d(values, [N, N]),
    forward: () => { throw new Error('the kernel reads calculateA'); },
    toConfig: () => functionConfig('test.const_test', {}),
  });
}

/** A data- and parameter-dependent instance matrix S = x W xᵀ, W = reshape(w, [m, m]). */
function bilinearInstance(m: number): Interdependence {
  return Object.freeze({
    kind: 'interdependence' as const, name: 'bilinear_test', className: 'bilinear_test', type: 'instance' as const,
    requireData: true, requireParameters: true,
    calculateL: () => m * m, calculateMPrime: (mm?: number) => mm ?? m, calculateBPrime: (b?: number) => b ?? 0,
    calculateA: (x: Tensor | null, w?: Tensor | null) => tf.tidy(() => tf.matMul(tf.matMul(x!, tf.reshape(w!, [m, m])), x!, false, true)),
    forward: () => { throw new Error('the kernel reads calculateA'); },
    toConfig: () => functionConfig('test.bilinear_test', {}),
  });
}

/** A directed ring with unequal weights (A ≠ Aᵀ, so a transposition slip shows). */
const RING = (N: number): number[] => {
  const a = new Array(N * N).fill(0);
  for (let i = 0; i < N; i++) { a[i * N + i] = 0.5; a[i * N + (i + 1) % N] = 0.25; a[((i + 1) % N) * N + i] = 0.1; }
  return a;
};

const gradsOf = (head: ReturnType<typeof rpnHead>, x: tf.Tensor): number[][] => {
  const weights = tf.randomUniform([x.shape[0] as number, head.n], -1, 1, 'float32', 3);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(head.forward(x), weights)) as tf.Scalar, head.trainableVariables());
  const out = head.trainableVariables().map((v) => Array.from(grads[v.name].dataSync()));
  tf.dispose([value, weights, ...Object.values(grads)]);
  return out;
};

describe('normalizeInstanceMatrix (tinyBIG operator_based_normalize_matrix, mask_zeros)', () => {
  it('gives M ⊙ column-softmax of the rescaled non-zeros, computed by hand', () => {
    const a = [[0, 1, 2], [0.5, 0, -1], [0, 3, 0]];
    const r = 2;
    const want: number[][] = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let j = 0; j < 3; j++) {
      const nz = [0, 1, 2].filter((i) => a[i][j] !== 0);
      const z = nz.reduce((s, i) => s + Math.exp(r * a[i][j]), 0);
      for (const i of nz) want[i][j] = Math.exp(r * a[i][j]) / z;
    }
    const got = normalizeInstanceMatrix(tf.tensor2d(a), { rescale: r, maskZeros: true, mode: 'column' });
    const g = got.arraySync() as number[][];
    g.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 6)));
    got.dispose();
  });

  it('has the gradient of the formula (central differences) and leaks nothing', () => {
    const a0 = [0.3, 0, -0.2, 0.7, 0.1, 0, -0.4, 0.2, 0.5];
    const wts = [0.9, -0.3, 0.4, 0.2, -0.8, 0.6, 0.1, 0.5, -0.7];
    const o = { rescale: 1.5, maskZeros: true, mode: 'column' as const };
    const loss = (v: number[]) => tf.tidy(() => tf.sum(tf.mul(normalizeInstanceMatrix(tf.tensor2d(v, [3, 3]), o), tf.tensor2d(wts, [3, 3]))).dataSync()[0]);
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => Array.from(tf.grad((t: Tensor) => tf.sum(tf.mul(normalizeInstanceMatrix(t, o), tf.tensor2d(wts, [3, 3]))))(tf.tensor2d(a0, [3, 3])).dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    const h = 1e-2;
    a0.forEach((v, i) => {
      if (v === 0) { expect(g[i]).toBe(0); return; }
      const up = [...a0]; up[i] = v + h;
      const dn = [...a0]; dn[i] = v - h;
      expect(g[i]).toBeCloseTo((loss(up) - loss(dn)) / (2 * h), 3);
    });
  });
});

describe('the instance kernel', () => {
  const N = 5;
  const make = (opts: Partial<{ C: number; fast: boolean; D2: boolean; n: number; bilinear: boolean; kernel: InstanceKernelOptions }> = {}) => rpnHead({
    m: 3, n: opts.n ?? 2, channelNum: opts.C ?? 1, seed: 11, fastPaths: opts.fast ?? true,
    expansion: opts.D2 ? squareExpansion() : undefined,
    reconciliation: lowRankTestReconciliation({ r: 2, enableBias: true }),
    remainder: linearTestRemainder(),
    instanceInterdependence: opts.bilinear ? bilinearInstance(3) : constantInstance(RING(N), N),
    kernel: instanceKernel(opts.kernel ?? { axis: 'nodes', count: N, ...(opts.bilinear ? { normalization: { rescale: 1, maskZeros: true, mode: 'column' } } : {}) }),
  });

  it('computes Aᵀ·κ(x)·ψ(w)ᵀ + b over the rows (checked against A, W and b read back)', () => {
    const head = make({ fast: false });
    const x = input(N, 3);
    const A = tf.tensor2d(RING(N), [N, N]);
    const named = Object.fromEntries(head.namedParameters().map((p) => [p.name, p.variable]));
    const W = lowRankTestReconciliation({ r: 2 }).forward(tf.reshape(named.w, [-1]), 2, 3);
    const want = tf.tidy(() => tf.add(tf.add(tf.matMul(tf.matMul(A, x, true, false), W, false, true), named.b), tf.matMul(x, named.w_remainder, false, true)));
    const got = head.forward(x);
    expect(got.shape).toEqual([N, 2]);
    expect(maxDiff(got, want)).toBeLessThan(1e-5);
    expect(head.inLayout).toEqual({ kind: 'flat', m: 3, instances: { name: 'nodes', count: N } });
    expect(head.kernel.kind).toBe('instance');
    tf.dispose([x, A, W, want, got]);
    head.dispose();
  });

  it('the narrow-first fast path (n < D) and ψ.product equal the plain path in values and gradients', () => {
    const x = input(N, 3);
    for (const bilinear of [false, true]) {
      for (const C of [1, 3]) {
        const fast = make({ C, D2: true, bilinear });
        const plain = make({ C, D2: true, bilinear, fast: false });
        const a = fast.forward(x);
        const b = plain.forward(x);
        expect(maxDiff(a, b)).toBeLessThan(1e-5);
        const ga = gradsOf(fast, x);
        const gb = gradsOf(plain, x);
        expect(ga.length).toBe(bilinear ? 4 : 3);
        ga.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - gb[i][j])).toBeLessThan(1e-4)));
        tf.dispose([a, b]);
        fast.dispose();
        plain.dispose();
      }
    }
    x.dispose();
  });

  it('gradients reach w_instance_interdependence and the input when A depends on them', () => {
    const head = make({ bilinear: true });
    const x0 = input(N, 3);
    const x = tf.variable(x0);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(head.forward(x))) as tf.Scalar, [x, ...head.trainableVariables()]);
    const wi = head.namedParameters().find((p) => p.name === 'w_instance_interdependence')!.variable;
    expect(tf.tidy(() => tf.max(tf.abs(grads[wi.name])).dataSync()[0])).toBeGreaterThan(0);
    expect(tf.tidy(() => tf.max(tf.abs(grads[x.name])).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([value, x0, x, ...Object.values(grads)]);
    head.dispose();
  });

  it('a forward and an SGD step leak no tensor', () => {
    const head = make({ bilinear: true, C: 2 });
    const x = input(N, 3);
    const out0 = head.forward(x);
    out0.dispose();
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(head.forward(x)) as tf.Scalar, head.trainableVariables());
    for (const v of head.trainableVariables()) tf.tidy(() => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.1))));
    tf.dispose([value, ...Object.values(grads)]);
    tf.dispose(head.forward(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    head.dispose();
  });

  it('rejects a batch whose row count is not the instance count (ShapeError naming x)', () => {
    const head = make();
    const x = input(N + 1, 3);
    let err: unknown;
    try { head.forward(x); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as ShapeError).argument).toBe('x');
    expect((err as ShapeError).message).toMatch(/5 nodes/);
    x.dispose();
    head.dispose();
  });

  it('without a fixed count, a constant A still checks the row count (ShapeError naming x)', () => {
    const head = make({ kernel: { axis: 'nodes' } });
    const x = input(N - 1, 3);
    expect(() => head.forward(x)).toThrow(ShapeError);
    x.dispose();
    head.dispose();
  });

  it('needs an instance interdependence (ConfigError)', () => {
    expect(() => rpnHead({ m: 3, n: 3, reconciliation: identityTestReconciliation(), kernel: instanceKernel({ axis: 'tokens' }) })).toThrow(ConfigError);
  });
});
