import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@rpn/core';
import { rpnHead } from '../head.js';
import { poolKernel, poolingMetric, POOLING_METRICS } from './pool.js';
import { gridGeometry, type GridGeometry } from './patches.js';
import { maxAbs, uniform } from '../architectures/grid-test/test-utils.js';

/** Per metric: value and d value / d v_o of one patch (torch's rules), written out by hand. */
const RULES: Record<string, { value: (v: number[]) => number; grad: (v: number[]) => number[] }> = {
  batch_max: { value: (v) => Math.max(...v), grad: (v) => v.map((_, o) => (o === v.indexOf(Math.max(...v)) ? 1 : 0)) },
  batch_min: { value: (v) => Math.min(...v), grad: (v) => v.map((_, o) => (o === v.indexOf(Math.min(...v)) ? 1 : 0)) },
  batch_sum: { value: (v) => v.reduce((a, x) => a + x, 0), grad: (v) => v.map(() => 1) },
  batch_prod: { value: (v) => v.reduce((a, x) => a * x, 1), grad: (v) => v.map((_, o) => v.reduce((a, x, k) => (k === o ? a : a * x), 1)) },
  batch_l1_norm: { value: (v) => v.reduce((a, x) => a + Math.abs(x), 0), grad: (v) => v.map((x) => Math.sign(x)) },
  batch_l2_norm: {
    value: (v) => Math.sqrt(v.reduce((a, x) => a + x * x, 0)),
    grad: (v) => { const nrm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)); return v.map((x) => (nrm === 0 ? 0 : x / nrm)); },
  },
};

/** Pooling from its definition, over coordinates (zero padding included), and d(Σ out ⊙ G)/dx. */
function reference(g: GridGeometry, metric: string, xs: number[], b: number, G: number[]) {
  const { h, w, d, channels: C } = g;
  const [ch, cw, cd] = g.centerDistances;
  const N = h * w * d;
  const centres: [number, number, number][] = [];
  for (let i = 0; i < h; i += ch) for (let j = 0; j < w; j += cw) for (let k = 0; k < d; k += cd) centres.push([i, j, k]);
  const P = centres.length;
  const out: number[] = [];
  const dx = new Array(b * C * N).fill(0);
  for (let r = 0; r < b; r++) {
    for (let c = 0; c < C; c++) {
      centres.forEach(([i, j, k], p) => {
        const cols = g.patch.offsets.map(([di, dj, dk]) => {
          const [ii, jj, kk] = [i + di, j + dj, k + dk];
          return ii < 0 || ii >= h || jj < 0 || jj >= w || kk < 0 || kk >= d ? -1 : c * N + kk + jj * d + ii * d * w;
        });
        const v = cols.map((col) => (col < 0 ? 0 : xs[r * C * N + col]));
        out.push(RULES[metric].value(v));
        RULES[metric].grad(v).forEach((gv, o) => { if (cols[o] >= 0) dx[r * C * N + cols[o]] += gv * G[r * C * P + c * P + p]; });
      });
    }
  }
  return { out, dx, n: C * P };
}

describe('pooling kernel: every metric equals its definition, with torch gradients', () => {
  const g = gridGeometry({ h: 5, w: 4, channels: 2, pH: 1, cdH: 2, cdW: 2, cdD: 1 });
  const b = 2;
  // values away from 0 and 1 with a few exact ties and a block of zeros (an all-zero patch for l2)
  const xs = uniform(b * g.m, 21, 0.2, 1.2).map((v, i) => (i % 7 === 3 ? 0.7 : v));
  for (let k = 0; k < 2 * 4 + 2; k++) xs[g.m + (k < 8 ? k : 8 + k)] = 0;
  for (const metric of Object.keys(POOLING_METRICS)) for (const fastPaths of [true, false]) {
    it(`${metric} (${fastPaths ? 'per-offset slices' : 'gather, RPN_FAST_PATHS=0'})`, () => {
      const head = rpnHead({ m: g.m, n: g.channels * g.patchNum, kernel: poolKernel(g, poolingMetric(metric)), fastPaths });
      expect(head.namedParameters()).toEqual([]);
      const signed = metric === 'batch_l1_norm' ? xs.map((v, i) => (i % 3 === 0 ? -v : v)) : xs;
      const G = uniform(b * g.channels * g.patchNum, 22);
      const ref = reference(g, metric, signed, b, G);
      const x = tf.tensor2d(signed, [b, g.m]);
      const Gt = tf.tensor2d(G, [b, ref.n]);
      const before = tf.memory().numTensors;
      const y = head.forward(x);
      const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(head.forward(v), Gt)))(x);
      expect(maxAbs(y.dataSync(), ref.out)).toBeLessThan(1e-5 * Math.max(1, ...ref.out.map(Math.abs)));
      const got = Array.from(dx.dataSync());
      expect(got.every(Number.isFinite)).toBe(true);
      expect(maxAbs(got, ref.dx)).toBeLessThan(1e-4 * Math.max(1, ...ref.dx.map(Math.abs)));
      tf.dispose([y, dx]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, Gt]);
      head.dispose();
    });
  }

  it('max/min send the gradient to ONE element of a tie (the first), not to every tied one', () => {
    const one = gridGeometry({ h: 1, w: 3, channels: 1, pH: 0, pW: 1, cdH: 1, cdW: 3, cdD: 1 });
    for (const [metric, xsT, want] of [['batch_max', [0.5, 0.5, 0.1], [1, 0, 0]], ['batch_min', [0.9, -0.2, -0.2], [0, 1, 0]]] as const) for (const fastPaths of [true, false]) {
      const head = rpnHead({ m: 3, n: 1, kernel: poolKernel(one, poolingMetric(metric)), fastPaths });
      const x = tf.tensor2d([...xsT], [1, 3]);
      const dx = tf.grad((v: tf.Tensor) => tf.sum(head.forward(v)))(x);
      expect(Array.from(dx.dataSync())).toEqual(want);
      tf.dispose([x, dx]);
      head.dispose();
    }
  });

  it('l2 of an all-zero patch has gradient 0, not NaN', () => {
    const one = gridGeometry({ h: 1, w: 2, channels: 1, pH: 0, pW: 0 });
    for (const fastPaths of [true, false]) {
      const head = rpnHead({ m: 2, n: 2, kernel: poolKernel(one, poolingMetric('batch_l2_norm')), fastPaths });
      const x = tf.tensor2d([0, -0.6], [1, 2]);
      const dx = tf.grad((v: tf.Tensor) => tf.sum(head.forward(v)))(x);
      expect(Array.from(dx.dataSync())).toEqual([0, -1]);
      tf.dispose([x, dx]);
      head.dispose();
    }
  });

  it('rejects unknown metrics, batch_mean included, naming pooling_metric', () => {
    for (const bad of ['batch_mean', 'max', 'median', 42]) {
      let err: unknown;
      try { poolingMetric(bad); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).argument).toBe('pooling_metric');
    }
  });
});
