import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveThreads } from './threads.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/node.js');

// Each case starts its own Node process: a backend's thread count is fixed when it first starts.
// The script multiplies two seeded 192 × 160 and 160 × 224 matrices, prints the thread count tfjs
// reports, whether a pthread is running, and the product's bits; the process must end by itself
// (the pool's workers are unref'd), which `timeout` checks.
const script = (threads: string) => `
import * as tf from '@tensorflow/tfjs-core';
import { setupNodeBackend } from ${JSON.stringify(dist)};
const info = await setupNodeBackend({ threads: ${threads} });
const rnd = (n, s) => { const a = new Float32Array(n); let x = s; for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) % 2147483648; a[i] = x / 2147483648 - 0.5; } return a; };
const a = tf.tensor2d(rnd(192 * 160, 7), [192, 160]);
const b = tf.tensor2d(rnd(160 * 224, 11), [160, 224]);
const y = tf.matMul(a, b).dataSync();
const pool = tf.backend().wasm.PThread;
console.log(JSON.stringify({ info, running: pool ? pool.runningWorkers.length : 0, idle: pool ? pool.unusedWorkers.length : 0, bits: Buffer.from(y.buffer).toString('base64') }));
`;

function run(threads: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script(threads)], {
      cwd: path.dirname(dist), timeout: 60_000, env: { ...process.env, RPN_BACKEND: '', RPN_THREADS: '', ...env },
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout, err: stderr }));
    void child;
  });
}

describe('setupNodeBackend: wasm threads in Node', () => {
  it('starts 2 threads, runs a pthread, ends the idle pool workers, gives the same bits as 1 thread, and exits by itself', async () => {
    const [one, two] = await Promise.all([run('1'), run('2')]);
    expect(one.err).toBe('');
    expect(two.err).toBe('');
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    const r1 = JSON.parse(one.out) as { info: { threads: number; simd: boolean }; running: number; idle: number; bits: string };
    const r2 = JSON.parse(two.out) as typeof r1;
    expect(r1.info).toMatchObject({ backend: 'wasm', simd: true, threads: 1 });
    expect(r2.info).toMatchObject({ backend: 'wasm', simd: true, threads: 2 });
    expect(r1.running).toBe(0);
    expect(r2.running).toBe(1);
    expect(r2.idle).toBe(0); // the 7 idle pool workers the build starts are ended
    expect(r2.bits).toBe(r1.bits);
  });

  it('takes the count from RPN_THREADS when the option is absent', async () => {
    const r = await run('undefined', { RPN_THREADS: '2' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).info.threads).toBe(2);
  });

  it('refuses a bad count with a typed error naming the argument', async () => {
    expect(() => resolveThreads(0)).toThrow(/threads.*integer from 1 to 8/s);
    expect(() => resolveThreads(2.5)).toThrow(/2\.5/);
    expect(() => resolveThreads('many', 'RPN_THREADS')).toThrow(/RPN_THREADS/);
    expect(resolveThreads('3')).toBe(3);
    expect(resolveThreads(undefined)).toBe(1);
    expect(resolveThreads('auto')).toBeGreaterThanOrEqual(1);
    const r = await run('undefined', { RPN_THREADS: 'x' });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/RPN_THREADS/);
  });
});
