import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { crossEntropyLoss } from './losses.js';
import { FUSED_CROSS_ENTROPY_GRAD_KERNEL, FUSED_CROSS_ENTROPY_KERNEL } from './cross-entropy-fused.js';

async function withFast<T>(fast: boolean, fn: () => Promise<T> | T): Promise<T> {
  const prev = process.env.RPN_FAST_PATHS;
  process.env.RPN_FAST_PATHS = fast ? '1' : '0';
  try {
    return await fn();
  } finally {
    if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev;
  }
}

/** The loss and its gradient in the scores (through a weighted sum upstream, so dy is not 1), and the kernels. */
async function evaluate(o: { reduction: 'mean' | 'sum'; labelSmoothing: number }, s: tf.Tensor, y: tf.Tensor, fast: boolean) {
  return withFast(fast, async () => {
    const loss = crossEntropyLoss(o);
    const f = (u: tf.Tensor) => tf.mul(loss(u, y), 1.5);
    const prof = await tf.profile(() => { const g = tf.grad(f)(s); g.dispose(); });
    const v = loss(s, y);
    const g = tf.grad(f)(s);
    const out = { v: v.dataSync()[0], g: Array.from(g.dataSync()), kernels: prof.kernels.map((k) => k.name) };
    tf.dispose([v, g]);
    return out;
  });
}

describe('CrossEntropyLoss as one kernel each way, against the log-softmax path', () => {
  afterEach(async () => { if (tf.getBackend() !== 'wasm') await setupBackend({ backend: 'wasm' }); });

  for (const backend of ['wasm', 'cpu'] as const) {
    for (const o of [{ reduction: 'mean', labelSmoothing: 0 }, { reduction: 'sum', labelSmoothing: 0 }, { reduction: 'mean', labelSmoothing: 0.1 }] as const) {
      for (const yKind of ['int32 [b]', 'float32 [b, 1]'] as const) {
        it(`${backend}, ${o.reduction}, label smoothing ${o.labelSmoothing}, targets ${yKind}: value and gradient agree; 2 kernels; no leaks`, async () => {
          await setupBackend({ backend });
          const b = 13;
          const c = 7;
          const s = tf.randomNormal([b, c], 0, 3, 'float32', 5);
          const cls = Array.from({ length: b }, (_, i) => (i * 5) % c);
          const y = yKind === 'int32 [b]' ? tf.tensor1d(cls, 'int32') : tf.tensor2d(cls, [b, 1], 'float32');
          const before = tf.memory().numTensors;
          const plain = await evaluate(o, s, y, false);
          const fast = await evaluate(o, s, y, true);
          expect(tf.memory().numTensors).toBe(before);
          expect(Math.abs(fast.v - plain.v)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(plain.v));
          for (let i = 0; i < plain.g.length; i++) expect(Math.abs(fast.g[i] - plain.g[i]), `gradient ${i}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(plain.g[i]));
          expect(fast.kernels.filter((k) => k === FUSED_CROSS_ENTROPY_KERNEL)).toHaveLength(1);
          expect(fast.kernels.filter((k) => k === FUSED_CROSS_ENTROPY_GRAD_KERNEL)).toHaveLength(1);
          expect(plain.kernels).not.toContain(FUSED_CROSS_ENTROPY_KERNEL);
          expect(fast.kernels.length).toBeLessThan(plain.kernels.length / 3);
          tf.dispose([s, y]);
        });
      }
    }
  }

  it('matches hand-computed values: s = [0, ln 3], y = 1 → loss ln(4/3), ds = [1/4, −1/4]', async () => {
    const s = tf.tensor2d([[0, Math.log(3)]]);
    const y = tf.tensor1d([1], 'int32');
    const r = await evaluate({ reduction: 'mean', labelSmoothing: 0 }, s, y, true);
    expect(r.v).toBeCloseTo(Math.log(4 / 3), 6);
    expect(r.g[0]).toBeCloseTo(1.5 * 0.25, 6);
    expect(r.g[1]).toBeCloseTo(1.5 * -0.25, 6);
    tf.dispose([s, y]);
  });

  it('a target outside [0, c) is a ValueError naming it (the one-hot path silently gave that row a loss of 0)', async () => {
    const s = tf.zeros([2, 3]);
    const y = tf.tensor1d([1, 3], 'int32');
    await withFast(true, () => {
      expect(() => crossEntropyLoss({})(s, y)).toThrow(/targets\[1\].*integer from 0 to 2.*3/s);
    });
    tf.dispose([s, y]);
  });

  it('class probabilities as targets keep the log-softmax path', async () => {
    const s = tf.randomNormal([4, 3], 0, 1, 'float32', 2);
    const y = tf.softmax(tf.randomNormal([4, 3], 0, 1, 'float32', 3));
    const fast = await evaluate({ reduction: 'mean', labelSmoothing: 0 }, s, y, true);
    expect(fast.kernels).not.toContain(FUSED_CROSS_ENTROPY_KERNEL);
    tf.dispose([s, y]);
  });
});
