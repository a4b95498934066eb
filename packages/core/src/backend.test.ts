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

describe('Sum and Mean gradients: the ones are filled by the backend, not in JavaScript', () => {
  const x = () => tf.tensor3d(Array.from({ length: 24 }, (_, i) => (i - 11) / 7), [2, 3, 4]);
  const c = () => tf.tensor3d(Array.from({ length: 24 }, (_, i) => ((i * 5) % 7) - 3), [2, 3, 4]);
  for (const axis of [undefined, 0, 1, [0, 2], -1, [0, 1, 2]] as (number | number[] | undefined)[]) {
    for (const keepDims of [false, true]) {
      it(`axis ${JSON.stringify(axis)}, keepDims ${keepDims}: ∂Σ(c⊙x)/∂x = c and ∂mean(c⊙x)/∂x = c/|axes|`, () => {
        const [a, w] = [x(), c()];
        const size = axis === undefined ? 24 : ([axis].flat() as number[]).reduce((p, k) => p * [2, 3, 4][(k + 3) % 3], 1);
        // weight the reduced result too, so dy is not all ones: y = Σ u ⊙ reduce(c ⊙ x)
        const u = (r: tf.Tensor) => tf.add(tf.mul(tf.reshape(tf.range(0, r.size, 1, 'float32'), r.shape), 0.5), 1);
        const gs = tf.grad((t: tf.Tensor) => { const r = tf.sum(tf.mul(w, t), axis, keepDims); return tf.sum(tf.mul(u(r), r)); })(a);
        const gm = tf.grad((t: tf.Tensor) => { const r = tf.mean(tf.mul(w, t), axis, keepDims); return tf.sum(tf.mul(u(r), r)); })(a);
        const r0 = tf.sum(tf.mul(w, a), axis, true);
        const want = tf.mul(w, tf.broadcastTo(u(r0), [2, 3, 4]));
        close(gs, want, 1e-6);
        close(gm, tf.div(want, size), 1e-6);
        tf.dispose([a, w, gs, gm, r0, want]);
      });
    }
  }
  it('the backward pass of a sum and of a mean fills its ones with a kernel (tfjs builds them in JavaScript)', async () => {
    const a = x();
    const info = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.add(tf.sum(t, 1), tf.mean(t, 1)))(a));
    expect(info.kernels.filter((k) => k.name === 'Fill')).toHaveLength(2);
    tf.dispose([a, info.result as tf.Tensor]);
  });
});

describe('wasm Identity shares its buffer', () => {
  it.runIf(tf.getBackend() === 'wasm')('a clone is the same buffer, outlives its source, and the buffer is freed with the last reference', () => {
    const before = tf.memory();
    const x = tf.tensor2d([[1, 2], [3, -4]]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers); // no second buffer
    expect((y as unknown as { dataId: unknown }).dataId).toBe((x as unknown as { dataId: unknown }).dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, -4]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });
  it.runIf(tf.getBackend() === 'wasm')('a taped kernel keeps its saved inputs right when the forward values are freed (gradient of x·x through a tidy)', () => {
    const x = tf.tensor1d([0.5, -2, 3]);
    const g = tf.grad((a: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(tf.exp(a), tf.exp(a)))))(x);
    expect(Array.from(g.dataSync()).map((v) => +v.toFixed(4))).toEqual([0.5, -2, 3].map((v) => +(2 * Math.exp(2 * v)).toFixed(4)));
    tf.dispose([x, g]);
  });
});

describe('setupBackend: wasm paths, errors, threads', () => {
  it('reports the thread count tfjs\'s wasm thread pool uses (not a fixed number)', async () => {
    const { setupBackend } = await import('./backend.js');
    const info = await setupBackend();
    if (info.backend !== 'wasm') return expect(info.threads).toBe(1);
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    expect(info.threads).toBe(wasm.getThreadsCount());
  });
  it("threads: 'auto' in Node runs 1 thread with no warning; a count above 1 is a ValueError before anything initialises", async () => {
    const { setupBackend } = await import('./backend.js');
    const { ValueError } = await import('./errors.js');
    if ((process.env.RPN_BACKEND ?? 'wasm') !== 'wasm') return;
    const info = await setupBackend({ threads: 'auto' });
    expect(info).toMatchObject({ backend: 'wasm', threads: 1, warnings: [] });
    await expect(setupBackend({ threads: 2 })).rejects.toThrow(ValueError);
    await expect(setupBackend({ threads: 2 })).rejects.toThrow(/no threads in Node by itself.*setupNodeBackend/);
    await expect(setupBackend({ threads: 0 })).rejects.toThrow(ValueError);
    await expect(setupBackend({ backend: 'cpu', threads: 2 })).rejects.toThrow(/wasm backend only/);
    expect(tf.getBackend()).toBe('wasm');
  });
  it('a per-file map must name all three binaries (a typed error, before tfjs sees it)', async () => {
    const { checkWasmPaths } = await import('./wasm-paths.js');
    const { ValueError } = await import('./errors.js');
    expect(() => checkWasmPaths({ 'tfjs-backend-wasm-simd.wasm': '/a.wasm' })).toThrow(ValueError);
    expect(() => checkWasmPaths({ 'tfjs-backend-wasm-simd.wasm': '/a.wasm' })).toThrow(/tfjs-backend-wasm\.wasm, tfjs-backend-wasm-threaded-simd\.wasm/);
    expect(() => checkWasmPaths('/wasm/')).not.toThrow();
  });
  it('a .wasm that cannot be loaded is an error naming the URL tried and the fix (fresh process)', async () => {
    const { execFileSync } = await import('node:child_process');
    const path = await import('node:path');
    const script = `
      import { setupBackend } from './dist/index.js';
      try { await setupBackend({ backend: 'wasm', wasmPaths: '/nonexistent-rpn/' }); console.log('NO ERROR'); }
      catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message, received: e.received })); }`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.join(import.meta.dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    const e = JSON.parse(out);
    expect(e.name).toBe('ValueError');
    expect(e.received).toMatch(/^\/nonexistent-rpn\/tfjs-backend-wasm(-simd)?\.wasm$/);
    expect(e.message).toContain('wasmPaths');
  });
});
