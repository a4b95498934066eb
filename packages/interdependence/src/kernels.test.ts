import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { UnknownNameError, createRegistry, type Interdependence } from '@rpn/core';
import { interdependenceEntries, kernelNames } from './index.js';

const registry = createRegistry(interdependenceEntries);
const build = (cls: string, params: Record<string, unknown>) =>
  registry.build({ function_class: cls, function_parameters: { b: 3, m: 2, ...params } }) as Interdependence;

// Columns x0 = [0, 3, 1], x1 = [4, 0, 1]: x0 − x1 = [−4, 3, 0] → ‖·‖₂ = 5, ‖·‖₁ = 7, ‖·‖∞ = 4,
// Canberra Σ|a−b|/(|a|+|b|) = 4/4 + 3/3 + 0/2 = 2.
const X = [[0, 4], [3, 0], [1, 1]];

function matrixOf(f: Interdependence): number[][] {
  const x = tf.tensor2d(X);
  const before = tf.memory().numTensors;
  const A = f.calculateA(x);
  const out = A.arraySync() as number[][];
  A.dispose();
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
  return out;
}
function expectMatrix(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => row.forEach((v, j) => expect(v, `A[${i}][${j}]`).toBeCloseTo(want[i][j], 5)));
}

describe('distance callables as kernels (tinyBIG uses the raw distance)', () => {
  const raw: Record<string, number> = {
    'tinybig.koala.linear_algebra.batch_euclidean_distance': 5,
    'tinybig.koala.linear_algebra.batch_manhattan_distance': 7,
    'tinybig.koala.linear_algebra.batch_chebyshev_distance': 4,
    'tinybig.koala.linear_algebra.batch_canberra_distance': 2,
    'tinybig.koala.linear_algebra.euclidean_distance': 5,
  };
  for (const [kernel, d] of Object.entries(raw)) {
    it(`numerical_kernel_based_interdependence with ${kernel.split('.').pop()} gives D (diagonal 0)`, () => {
      expectMatrix(matrixOf(build('numerical_kernel_based_interdependence', { kernel })), [[0, d], [d, 0]]);
    });
  }
  it('minkowski distance honours p', () => {
    const A = matrixOf(build('numerical_kernel_based_interdependence', { kernel: 'tinybig.koala.linear_algebra.batch_minkowski_distance' }));
    expectMatrix(A, [[0, 5], [5, 0]]);
  });
  it('the *_distance_kernel callables are exp(−d) (diagonal 1)', () => {
    expectMatrix(matrixOf(build('numerical_kernel_based_interdependence', { kernel: 'tinybig.koala.linear_algebra.euclidean_distance_kernel' })), [[1, Math.exp(-5)], [Math.exp(-5), 1]]);
    expectMatrix(matrixOf(build('numerical_kernel_based_interdependence', { kernel: 'tinybig.koala.linear_algebra.manhattan_distance_kernel' })), [[1, Math.exp(-7)], [Math.exp(-7), 1]]);
  });
  it('the named *_distance_interdependence classes keep exp(−d)', () => {
    expectMatrix(matrixOf(build('euclidean_distance_interdependence', {})), [[1, Math.exp(-5)], [Math.exp(-5), 1]]);
    expectMatrix(matrixOf(build('manhattan_distance_interdependence', {})), [[1, Math.exp(-7)], [Math.exp(-7), 1]]);
    expectMatrix(matrixOf(build('canberra_distance_interdependence', {})), [[1, Math.exp(-2)], [Math.exp(-2), 1]]);
  });
  it('custom_hybrid_kernel_interdependence sums raw distances with its weights', () => {
    const f = build('custom_hybrid_kernel_interdependence', {
      kernels: ['tinybig.koala.linear_algebra.batch_euclidean_distance', 'tinybig.koala.linear_algebra.batch_manhattan_distance'],
      weights: [0.5, 0.25],
    });
    expectMatrix(matrixOf(f), [[0, 0.5 * 5 + 0.25 * 7], [0.5 * 5 + 0.25 * 7, 0]]);
  });
  it('custom_hybrid mixes a raw distance and a kernel (uniform weights)', () => {
    const f = build('custom_hybrid_kernel_interdependence', {
      kernels: ['tinybig.koala.linear_algebra.batch_euclidean_distance', 'tinybig.koala.linear_algebra.batch_linear_kernel'],
    });
    // XᵀX = [[10, 1], [1, 17]]
    expectMatrix(matrixOf(f), [[5, (5 + 1) / 2], [(5 + 1) / 2, 8.5]]);
  });
});

describe('element-wise torch callables as kernels', () => {
  it('numerical_kernel_based_interdependence applies torch.tanh to X (b = m)', () => {
    const f = registry.build({ function_class: 'numerical_kernel_based_interdependence', function_parameters: { b: 2, m: 2, kernel: 'torch.tanh' } }) as Interdependence;
    const x = tf.tensor2d([[0.5, -1], [2, 0]]);
    const A = f.calculateA(x).arraySync() as number[][];
    expectMatrix(A, [[Math.tanh(0.5), Math.tanh(-1)], [Math.tanh(2), 0]]);
  });
  it('an unknown kernel is an UnknownNameError listing the known names', () => {
    let err: unknown;
    try { build('numerical_kernel_based_interdependence', { kernel: 'tinybig.koala.linear_algebra.batch_no_such_distance' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UnknownNameError);
    const known = (err as UnknownNameError).known;
    expect(known).toEqual(kernelNames());
    expect(known).toContain('tinybig.koala.linear_algebra.batch_euclidean_distance');
    expect(known).toContain('tinybig.koala.statistics.batch_pearson_correlation_kernel');
    expect(known).toContain('torch.tanh');
  });
});
