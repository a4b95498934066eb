import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-4) {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i])).toBeLessThan(tol * (1 + Math.abs(y[i])));
}

describe('backend set-up', () => {
  it('runs on the selected backend (wasm by default, RPN_BACKEND honoured)', () => {
    expect(tf.getBackend()).toBe(process.env.RPN_BACKEND ?? 'wasm');
  });
  it('registers gradients (sum, exp, concat, slice)', () => {
    const x = tf.tensor2d([[0.1, 0.2], [0.3, -0.4]]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.exp(tf.concat([a, tf.slice(a, [0, 0], [2, 1])], 1))))(x);
    const e = tf.exp(x).arraySync() as number[][];
    close(g, tf.tensor2d([[2 * e[0][0], e[0][1]], [2 * e[1][0], e[1][1]]]));
    tf.dispose([x, g]);
  });
  it('matMul gradients are right for every transpose-flag combination', () => {
    const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const b = tf.tensor2d([[0.5, -1], [2, 0.25], [1, 1]]);
    const up = tf.tensor2d([[1, 2], [3, 4]]);
    // reference: d/da sum(up ⊙ (a·b)) = up·bᵀ, d/db = aᵀ·up, computed by hand
    const ga = tf.matMul(up, tf.transpose(b));
    const gb = tf.matMul(tf.transpose(a), up);
    const f = (x: tf.Tensor, y: tf.Tensor, ta: boolean, tb: boolean) => tf.sum(tf.mul(up, tf.matMul(ta ? tf.transpose(x) : x, tb ? tf.transpose(y) : y, ta, tb)));
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => f(x, y, ta, tb))([a, b]);
      close(da, ga);
      close(db, gb);
      tf.dispose([da, db]);
    }
    tf.dispose([a, b, up, ga, gb]);
  });
});
