import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { PSI_KEYS, parameterizedBilinearInterdependence } from './index.js';

/**
 * The bilinear interdependence A = Xᵀ·ψ(w)·X through ψ's structured product (fast paths on) must
 * equal the plain path (W = ψ(w) built, RPN_FAST_PATHS=0) in values and gradients, and with the
 * low-rank ψ it must not build the k × k matrix W.
 */

const rand = (shape: number[], seed: number): Tensor => tf.randomNormal(shape, 0, 1, 'float32', seed);
const saved = process.env.RPN_FAST_PATHS;
afterEach(() => {
  if (saved === undefined) delete process.env.RPN_FAST_PATHS;
  else process.env.RPN_FAST_PATHS = saved;
});

/** A, dA/dx and dA/dw of a fixed scalar loss Σ A ⊙ C (C a fixed random weighting), on the path the env selects. */
function valuesAndGradients(make: () => ReturnType<typeof parameterizedBilinearInterdependence>, x: Tensor, w: Tensor, fast: boolean) {
  process.env.RPN_FAST_PATHS = fast ? '1' : '0';
  const f = make();
  const A = f.calculateA(x, w);
  const C = rand(A.shape as number[], 11);
  const { grads } = tf.tidy(() => ({ grads: tf.grads((xx: Tensor, ww: Tensor) => tf.sum(tf.mul(f.calculateA(xx, ww), C)))([x, w]) }));
  const out = { A: Array.from(A.dataSync()), gx: Array.from(grads[0].dataSync()), gw: Array.from(grads[1].dataSync()) };
  tf.dispose([A, C, ...grads]);
  return out;
}

const close = (a: number[], b: number[]) => {
  expect(a.length).toBe(b.length);
  const scale = Math.max(1, ...b.map(Math.abs));
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-5 * scale));
};

describe('parameterized bilinear interdependence: structured product', () => {
  for (const kind of ['plain', 'lowrank', 'hm', 'lphm', 'dual_lphm', 'random_matrix_adaption'] as const) {
    for (const type of ['instance', 'attribute'] as const) {
      it(`${kind} ${type}: the product path equals the plain path in values and gradients (x and w)`, () => {
        const psi: Record<string, number> = { r: 2, p: 2, q: 2, seed: 7 };
        const o = { b: 6, m: 4, interdependenceType: type, ...Object.fromEntries((PSI_KEYS[kind] as readonly string[]).filter((k) => k in psi).map((k) => [k, psi[k]])) };
        const make = () => parameterizedBilinearInterdependence(kind, o);
        const l = make().calculateL();
        const x = rand([6, 4], 3);
        const w = rand([1, l], 4);
        const before = tf.memory().numTensors;
        const fast = valuesAndGradients(make, x, w, true);
        const plain = valuesAndGradients(make, x, w, false);
        expect(tf.memory().numTensors).toBe(before);
        close(fast.A, plain.A);
        close(fast.gx, plain.gx);
        close(fast.gw, plain.gw);
        tf.dispose([x, w]);
      });
    }
  }

  it('lowrank instance A = x·P·Qᵀ·xᵀ (P, Q from w by hand) without any k × k tensor (k = 300)', async () => {
    const k = 300, b = 5, r = 3;
    const f = parameterizedBilinearInterdependence('lowrank', { m: k, r, interdependenceType: 'instance' });
    const x = rand([b, k], 5);
    const w = rand([1, f.calculateL()], 6);
    let A: Tensor | null = null;
    const info = await tf.profile(() => { A = f.calculateA(x, w); return A; });
    const square = info.kernels.filter((kr) => kr.outputShapes.some((s) => s != null && s.length === 2 && s[0] === k && s[1] === k));
    expect(square.map((kr) => kr.name)).toEqual([]);
    // lorr: P = reshape(w[:r·k], [k, r]), Q = reshape(w[r·k:], [r, k]), W = P·Q
    const wv = w.dataSync(), xv = x.dataSync();
    const xp = Array.from({ length: b }, (_, i) => Array.from({ length: r }, (_, c) => { let s = 0; for (let j = 0; j < k; j++) s += xv[i * k + j] * wv[j * r + c]; return s; }));
    const xq = Array.from({ length: b }, (_, i) => Array.from({ length: r }, (_, c) => { let s = 0; for (let j = 0; j < k; j++) s += xv[i * k + j] * wv[r * k + c * k + j]; return s; }));
    const got = A!.dataSync();
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) {
      const want = xp[i].reduce((s, v, c) => s + v * xq[j][c], 0);
      expect(Math.abs(got[i * b + j] - want)).toBeLessThan(1e-3 * Math.max(1, Math.abs(want)));
    }
    tf.dispose([x, w, A!]);
  });
});
