import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError, gridLayout, type Reconciliation } from '@rpn/core';
import { dualLphmReconciliation, identityReconciliation, lorrReconciliation } from '@rpn/reconciliation';
import { rpnHead } from '../head.js';
import { gridKernel } from './grid.js';
import { gridGeometry, type GridGeometry, type GridGeometryOptions } from './patches.js';
import { maxAbs, uniform } from '../architectures/grid-test/test-utils.js';

/**
 * The convolution written from its definition with plain loops over coordinates (no gather index):
 * out[b, co·P + p] = Σ_{c, o} x[b, c, centre_p + offset_o] · W[co, c·S + o] + bias[co·P + p], and the
 * gradients of L = Σ out ⊙ G with respect to x, W and bias.
 */
function reference(g: GridGeometry, xs: number[], b: number, W: number[], Co: number, bias: number[] | null, G: number[]) {
  const { h, w, d, channels: C, patchSize: S } = g;
  const [ch, cw, cd] = g.centerDistances;
  const N = h * w * d;
  const centres: [number, number, number][] = [];
  for (let i = 0; i < h; i += ch) for (let j = 0; j < w; j += cw) for (let k = 0; k < d; k += cd) centres.push([i, j, k]);
  const P = centres.length;
  const n = Co * P;
  const out = new Array(b * n).fill(0);
  const dx = new Array(b * C * N).fill(0);
  const dW = new Array(Co * C * S).fill(0);
  const db = new Array(n).fill(0);
  for (let r = 0; r < b; r++) {
    centres.forEach(([i, j, k], p) => {
      for (let co = 0; co < Co; co++) {
        const gv = G[r * n + co * P + p];
        let s = bias ? bias[co * P + p] : 0;
        for (let c = 0; c < C; c++) {
          g.patch.offsets.forEach(([di, dj, dk], o) => {
            const [ii, jj, kk] = [i + di, j + dj, k + dk];
            if (ii < 0 || ii >= h || jj < 0 || jj >= w || kk < 0 || kk >= d) return;
            const col = c * N + kk + jj * d + ii * d * w;
            const wv = W[co * C * S + c * S + o];
            s += xs[r * C * N + col] * wv;
            dx[r * C * N + col] += gv * wv;
            dW[co * C * S + c * S + o] += gv * xs[r * C * N + col];
          });
        }
        out[r * n + co * P + p] = s;
        db[co * P + p] += gv;
      }
    });
  }
  return { out, dx, dW, db, P, n };
}

const GEOMETRIES: Array<[string, GridGeometryOptions, number]> = [
  ['asymmetric cuboid, stride (2, 1, 1), 2 channels', { h: 5, w: 4, channels: 2, pH: 1, pHPrime: 0, pW: 1, pWPrime: 2, cdH: 2, cdW: 1, cdD: 1 }, 3],
  ['sphere on a 3-D grid', { h: 3, w: 3, d: 3, channels: 1, patchShape: 'sphere', pR: 1 }, 2],
  ['cylinder with depth, complete_square packing', { h: 4, w: 3, d: 2, channels: 2, patchShape: 'cylinder', pR: 1, pD: 1, packingStrategy: 'complete_square' }, 2],
  ['3×3 cuboid, sparse_square packing (stride 3)', { h: 7, w: 5, channels: 3, pH: 1, packingStrategy: 'sparse_square' }, 4],
];

describe('the grid kernel equals the convolution written with loops (values and gradients)', () => {
  for (const [name, opts, Co] of GEOMETRIES) for (const fastPaths of [true, false]) {
    it(`${name} (${fastPaths ? 'per-offset slices' : 'gather, RPN_FAST_PATHS=0'})`, () => {
      const g = gridGeometry(opts);
      const D = g.channels * g.patchSize;
      const b = 3;
      const head = rpnHead({ m: g.m, n: Co * g.patchNum, reconciliation: identityReconciliation({ enableBias: true }), kernel: gridKernel(g, Co), fastPaths });
      expect(head.inLayout).toEqual(gridLayout(g.h, g.w, g.d, g.channels));
      expect(head.outLayout).toEqual(gridLayout(...g.outputGridShape, Co));
      const [wv, bv] = head.namedParameters().map((p) => p.variable);
      expect(wv.shape).toEqual([1, Co * D]);
      expect(bv.shape).toEqual([Co * g.patchNum]);
      const W = uniform(Co * D, 3);
      const bias = uniform(Co * g.patchNum, 4);
      wv.assign(tf.tensor2d(W, [1, Co * D]));
      bv.assign(tf.tensor1d(bias));
      const xs = uniform(b * g.m, 5);
      const ref = reference(g, xs, b, W, Co, bias, uniform(b * Co * g.patchNum, 6));
      const x = tf.variable(tf.tensor2d(xs, [b, g.m]));
      const G = tf.tensor2d(uniform(b * ref.n, 6), [b, ref.n]);
      const before = tf.memory().numTensors;
      const y = head.forward(x);
      expect(y.shape).toEqual([b, ref.n]);
      expect(maxAbs(y.dataSync(), ref.out)).toBeLessThan(1e-5);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(head.forward(x), G)) as tf.Scalar, [x, wv, bv]);
      expect(maxAbs(grads[x.name].dataSync(), ref.dx)).toBeLessThan(1e-5);
      expect(maxAbs(grads[wv.name].dataSync(), ref.dW)).toBeLessThan(1e-5);
      expect(maxAbs(grads[bv.name].dataSync(), ref.db)).toBeLessThan(1e-5);
      tf.dispose([y, value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, G]);
      head.dispose();
    });
  }

  it('rejects an input whose width is not h·w·d·C (ShapeError naming x)', () => {
    const g = gridGeometry({ h: 4, w: 4, channels: 2, pH: 1 });
    const head = rpnHead({ m: g.m, n: 2 * g.patchNum, reconciliation: identityReconciliation(), kernel: gridKernel(g, 2) });
    const bad = tf.zeros([2, 16]);
    let err: unknown;
    try { head.forward(bad); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as ShapeError).argument).toBe('x');
    expect(String((err as ShapeError).message)).toMatch(/layout/);
    bad.dispose();
    head.dispose();
  });
});

describe('fast paths (per-offset slices) agree with the plain gather path (RPN_FAST_PATHS=0)', () => {
  const cases: Array<[string, () => Reconciliation]> = [
    ['lorr', () => lorrReconciliation({ r: 2, enableBias: true })],
    ['dual_lphm', () => dualLphmReconciliation({ r: 1 })],
    ['identity', () => identityReconciliation()],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const g = gridGeometry({ h: 4, w: 5, channels: 2, pH: 1, pW: 1 });
      const Co = 4;
      const heads = [true, false].map((fastPaths) => rpnHead({ m: g.m, n: Co * g.patchNum, reconciliation: make(), kernel: gridKernel(g, Co), fastPaths, seed: 9 }));
      const x = tf.tensor2d(uniform(2 * g.m, 8), [2, g.m]);
      const [a, b] = heads.map((h) => h.forward(x));
      expect(maxAbs(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
      const [ga, gb] = heads.map((h) => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(h.forward(x))) as tf.Scalar, h.trainableVariables());
        const out = h.trainableVariables().map((v) => Array.from(grads[v.name].dataSync()));
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      });
      ga.forEach((g1, i) => expect(maxAbs(g1, gb[i])).toBeLessThan(1e-4));
      tf.dispose([x, a, b]);
      heads.forEach((h) => h.dispose());
    });
  }
});

/**
 * Peak bytes of live buffers during a profiled call. tfjs's own `peakBytes` counts every tensor's
 * bytes, so a Reshape (a view sharing its input's buffer) counts as a copy; this discounts them.
 */
function bufferPeak(info: Awaited<ReturnType<typeof tf.profile>>, start: number): number {
  let views = 0;
  let peak = 0;
  for (const k of info.kernels) {
    if (k.name === 'Reshape') views += k.bytesAdded;
    peak = Math.max(peak, k.totalBytesSnapshot - start - views);
  }
  return peak;
}

describe('memory: a forward stays within a small multiple of the gathered patches b·P·C·S', () => {
  for (const fastPaths of [true, false]) it(`28×28, 8 → 16 channels, 3×3 (${fastPaths ? 'fast' : 'plain'}): under 2× the gathered patches, no n × D matrix (≈ 2.8 GB)`, async () => {
    const g = gridGeometry({ h: 28, w: 28, channels: 8, pH: 1 });
    const Co = 16;
    const b = 4;
    const head = rpnHead({ m: g.m, n: Co * g.patchNum, reconciliation: identityReconciliation({ enableBias: true }), kernel: gridKernel(g, Co), fastPaths });
    const x = tf.randomUniform([b, g.m], -1, 1, 'float32', 1);
    const gathered = b * g.patchNum * g.channels * g.patchSize * 4;
    const start = tf.memory().numBytes;
    const info = await tf.profile(() => { tf.dispose(head.forward(x)); });
    // plain: x with its zero column, the gathered patches, the [b·P, C_out] product and the output;
    // fast: the padded channel-last input, per-offset views and products, the output
    expect(bufferPeak(info, start)).toBeLessThan(2 * gathered);
    expect(info.kernels.some((k) => k.outputShapes.some((s) => s.reduce((a, v) => a * v, 1) > 4 * gathered / 4))).toBe(false);
    x.dispose();
    head.dispose();
  });
});
