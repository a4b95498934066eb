import * as tf from '@tensorflow/tfjs-core';
import { setupBackend } from '@rpn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { adam, adamW } from './optimizers.js';
import { FUSED_ADAM_KERNEL, FUSED_ADAM_MAX_SIZE, fusedAdamSimd } from './adam-fused.js';

const SHAPES = [[7, 13], [64], [3, 5, 2], [1]];

/** Runs `steps` optimizer steps on fresh variables with seeded gradients; returns the final values and the kernels of the last step. */
async function run(make: (vars: tf.Variable[]) => { step(g: tf.Tensor[]): void; dispose(): void }, fast: boolean, steps = 6): Promise<{ values: Float32Array[]; kernels: string[] }> {
  const prev = process.env.RPN_FAST_PATHS;
  process.env.RPN_FAST_PATHS = fast ? '1' : '0';
  try {
    const vars = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.randomNormal(s, 0, 1, "float32", 10 + i))));
    const opt = make(vars);
    let kernels: string[] = [];
    for (let t = 0; t < steps; t++) {
      // gradients of varied scale (some tiny, so ε matters), new each step
      const grads = SHAPES.map((s, i) => tf.tidy(() => tf.mul(tf.randomNormal(s, 0, 1, 'float32', 1000 + 100 * t + i), 10 ** (i - 2))));
      if (t === steps - 1) kernels = (await tf.profile(() => opt.step(grads))).kernels.map((k) => k.name);
      else opt.step(grads);
      tf.dispose(grads);
    }
    const values = vars.map((v) => v.dataSync() as Float32Array);
    opt.dispose();
    tf.dispose(vars);
    return { values, kernels };
  } finally {
    if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev;
  }
}

const CASES: [string, (v: tf.Variable[]) => ReturnType<typeof adamW>][] = [
  ['AdamW (decoupled weight decay)', (v) => adamW(v, { lr: 2e-3, weightDecay: 2e-4 })],
  ['AdamW with weight_decay 0', (v) => adamW(v, { lr: 1e-2, weightDecay: 0, betas: [0.8, 0.99] })],
  ['Adam (coupled L2 weight decay)', (v) => adam(v, { lr: 1e-3, weightDecay: 0.1, eps: 1e-6 })],
  ['Adam without weight decay', (v) => adam(v, { lr: 3e-3 })],
];

describe('the fused Adam/AdamW update (one kernel per tensor)', () => {
  afterEach(async () => { if (tf.getBackend() !== 'wasm') await setupBackend({ backend: 'wasm' }); });

  it.each(CASES)('%s: the same float32 bits as the plain 13-kernel path after 6 steps, one fused kernel per variable, no leaks', async (_name, make) => {
    const before = tf.memory().numTensors;
    const plain = await run(make, false);
    const fast = await run(make, true);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < SHAPES.length; i++) expect(Array.from(fast.values[i]), `variable ${i}`).toEqual(Array.from(plain.values[i]));
    expect(fast.kernels.filter((k) => k === FUSED_ADAM_KERNEL)).toHaveLength(SHAPES.length);
    expect(plain.kernels).not.toContain(FUSED_ADAM_KERNEL);
    expect(fast.kernels.length).toBeLessThan(plain.kernels.length / 4);
  });

  it('runs on the cpu backend too, with the same bits as its plain path', async () => {
    await setupBackend({ backend: 'cpu' });
    const make = CASES[0][1];
    const plain = await run(make, false, 3);
    const fast = await run(make, true, 3);
    for (let i = 0; i < SHAPES.length; i++) expect(Array.from(fast.values[i])).toEqual(Array.from(plain.values[i]));
    expect(fast.kernels).toContain(FUSED_ADAM_KERNEL);
  });

  it('on wasm, our SIMD kernel takes tensors of any size, with the same bits as the plain path (odd sizes test the tail)', async () => {
    expect(fusedAdamSimd()).toBe(true);
    const n = FUSED_ADAM_MAX_SIZE * 2 + 3;
    const once = (fast: boolean) => {
      const prev = process.env.RPN_FAST_PATHS;
      process.env.RPN_FAST_PATHS = fast ? '1' : '0';
      try {
        const p = tf.variable(tf.randomNormal([n], 0, 1, 'float32', 5));
        const opt = adamW([p], { lr: 2e-3, weightDecay: 2e-4 });
        for (let t = 0; t < 3; t++) {
          const g = tf.randomNormal([n], 0, 1e-3, 'float32', 50 + t);
          opt.step([g]);
          g.dispose();
        }
        const out = p.dataSync().slice() as Float32Array;
        opt.dispose();
        p.dispose();
        return out;
      } finally {
        if (prev === undefined) delete process.env.RPN_FAST_PATHS; else process.env.RPN_FAST_PATHS = prev;
      }
    };
    const plain = once(false);
    const fast = once(true);
    let differ = 0;
    for (let i = 0; i < n; i++) if (!Object.is(plain[i], fast[i])) differ++;
    expect(differ).toBe(0);
    const big = tf.variable(tf.zeros([n]));
    const opt = adamW([big]);
    const grads = [tf.onesLike(big)];
    const names = (await tf.profile(() => opt.step(grads))).kernels.map((k) => k.name);
    expect(names).toEqual([FUSED_ADAM_KERNEL]);
    opt.dispose();
    tf.dispose([big, ...grads]);
  });

  it('on cpu, tensors above FUSED_ADAM_MAX_SIZE keep the plain path (its loops beat the scalar JS pass there)', async () => {
    await setupBackend({ backend: 'cpu' });
    const big = tf.variable(tf.zeros([FUSED_ADAM_MAX_SIZE + 1]));
    const small = tf.variable(tf.zeros([16]));
    const opt = adamW([big, small]);
    const grads = [tf.onesLike(big), tf.onesLike(small)];
    const names = (await tf.profile(() => opt.step(grads))).kernels.map((k) => k.name);
    expect(names.filter((k) => k === FUSED_ADAM_KERNEL)).toHaveLength(1);
    expect(names).toContain('Sqrt');
    opt.dispose();
    tf.dispose([big, small, ...grads]);
  });

  it('amsgrad keeps the plain path', async () => {
    const r = await run((v) => adamW(v, { amsgrad: true }), true, 2);
    expect(r.kernels).not.toContain(FUSED_ADAM_KERNEL);
  });

  it('leaves the old parameter values intact for tensors that still view them (new buffers, not in-place)', () => {
    const p = tf.variable(tf.tensor1d([1, 2, 3]));
    const view = tf.reshape(p, [3, 1]); // shares p's buffer
    const opt = adamW([p], { lr: 0.1 });
    const g = tf.tensor1d([1, -1, 1]);
    opt.step([g]);
    expect(Array.from(view.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(p.dataSync())).not.toEqual([1, 2, 3]);
    opt.dispose();
    tf.dispose([p, view, g]);
  });
});
