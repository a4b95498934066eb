import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../errors.js';
import { setupBackend, type BackendInfo, type BackendOptions } from '../backend.js';
import { MAX_WASM_THREADS } from '../wasm-threads.js';
import { setHeapKernelHelperFactory } from '../wasm-heap.js';
import { nodeHeapKernelHelper } from './kernel-helper.js';

/** Options of {@link setupNodeBackend}: {@link BackendOptions} plus the thread count. */
export interface NodeBackendOptions extends BackendOptions {
  /**
   * Threads for the wasm backend: 1 (default: tfjs's single-threaded SIMD build), an integer 2–8,
   * or `'auto'` (the cores Node reports, `os.availableParallelism()`). Env `RPN_THREADS` sets it when
   * the option is absent. Ignored by other backends.
   */
  readonly threads?: number | 'auto';
}

const MAX_THREADS = MAX_WASM_THREADS;

function envThreads(): string | undefined {
  const v = process.env.RPN_THREADS;
  return v && v.length > 0 ? v : undefined;
}

/** The thread count asked for, checked: an integer in [1, 16] or 'auto'. */
export function resolveThreads(value: number | string | undefined, argument = 'threads'): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism()));
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new ValueError('invalid thread count', { argument, expected: `an integer from 1 to ${MAX_THREADS}, or 'auto'`, received: JSON.stringify(value) });
  }
  return n;
}

interface PThreadPool { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void; terminate(): unknown }[] }

/**
 * Runs `start` (which initialises tfjs's wasm backend) with the three patches Node needs for tfjs
 * 4.22's threaded-SIMD build, then removes them:
 * 1. Node's `Worker` cannot load the `blob:` URL tfjs makes of its pthread script, so `Blob`
 *    records its parts and `URL.createObjectURL` writes them to a file and returns its path.
 * 2. The pthreads are sent the main script as a `Blob`; the `load` message gets the path of the
 *    same Emscripten glue as a file (`wasm-out/tfjs-backend-wasm-threaded-simd.js`).
 * 3. The module caps its pool at `emscripten_num_logical_cores() / 2`, read once at start from
 *    `os.cpus()`, so a 2-core machine always gets 1 thread; `os.cpus()` reports `2 × threads`
 *    entries while the module starts.
 */
async function withThreadPatches<T>(threads: number, start: () => Promise<T>): Promise<T> {
  const require = createRequire(import.meta.url);
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const mainScript = path.join(wasmDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  if (!fs.existsSync(mainScript)) {
    throw new ValueError('the threaded wasm build of tfjs is missing', { argument: 'threads', expected: `the file ${mainScript} (part of @tensorflow/tfjs-backend-wasm 4.22.0)`, received: 'no such file' });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpn-wasm-threads-'));
  let files = 0;
  const RealBlob = globalThis.Blob;
  const parts = new WeakMap<Blob, readonly unknown[]>();
  const written = new WeakMap<Blob, string>();
  class RecordingBlob extends RealBlob {
    constructor(blobParts?: BlobPart[], options?: BlobPropertyBag) {
      super(blobParts, options);
      parts.set(this, blobParts ?? []);
    }
  }
  const fileOf = (b: Blob): string | undefined => {
    const p = parts.get(b);
    if (!p) return undefined;
    let file = written.get(b);
    if (!file) {
      file = path.join(dir, `script-${files++}.js`);
      fs.writeFileSync(file, p.map(String).join(''));
      written.set(b, file);
    }
    return file;
  };
  const realCreate = URL.createObjectURL;
  const realPost = Worker.prototype.postMessage;
  const realCpus = os.cpus;
  globalThis.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = ((obj: Blob) => fileOf(obj) ?? realCreate(obj)) as typeof URL.createObjectURL;
  Worker.prototype.postMessage = function patchedPost(this: Worker, message: unknown, ...rest: unknown[]) {
    const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
    const msg = m && m.cmd === 'load' && m.urlOrBlob instanceof RealBlob ? { ...m, urlOrBlob: mainScript } : message;
    return (realPost as (this: Worker, ...a: unknown[]) => void).call(this, msg, ...rest);
  } as typeof Worker.prototype.postMessage;
  os.cpus = () => {
    const c = realCpus();
    return Array.from({ length: Math.max(c.length, 2 * threads) }, (_, i) => c[i % c.length]);
  };
  try {
    return await start();
  } finally {
    globalThis.Blob = RealBlob;
    URL.createObjectURL = realCreate;
    Worker.prototype.postMessage = realPost;
    os.cpus = realCpus;
  }
}

/**
 * {@link setupBackend} for Node with wasm threads: `threads > 1` starts tfjs's threaded-SIMD
 * build with a pool of `threads` (the calling thread is one of them), which tfjs does not do in
 * Node by itself (its `WASM_HAS_MULTITHREAD_SUPPORT` is false there, and the build caps the pool
 * at half the cores). The pool's workers do not keep the process alive. Call it once, before any
 * tensor is made: the thread count of a running backend cannot change.
 * tfjs's large matMuls split across the threads, and so do this project's own wasm kernels (the
 * B-spline × identity product, its weight gradient, AdamW: one helper thread, the same bits); small
 * kernels do not (see docs/performance.md).
 */
export async function setupNodeBackend(options: NodeBackendOptions = {}): Promise<BackendInfo> {
  const threads = resolveThreads(options.threads ?? envThreads(), options.threads === undefined && envThreads() !== undefined ? 'RPN_THREADS' : 'threads');
  const { threads: _ignored, ...base } = options;
  void _ignored;
  const name = base.backend ?? (process.env.RPN_BACKEND || undefined) ?? 'wasm';
  if (name !== 'wasm' || threads === 1) return setupBackend(base);
  if (tf.getBackend() === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const have = wasm.getThreadsCount();
    if (have !== threads) throw new ValueError('the wasm backend is already running with another thread count', { argument: 'threads', expected: `${have} (set threads before the backend first starts)`, received: String(threads) });
    return setupBackend(base);
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const info = await withThreadPatches(threads, () => setupBackend({ ...base, threads }));
  const pool = (tf.backend() as unknown as { wasm?: { PThread?: PThreadPool } }).wasm?.PThread;
  if (pool) {
    for (const w of pool.runningWorkers) w.unref();
    // The build starts 8 pool workers whatever the count; tfjs's pthreadpool has taken its
    // threads − 1 by now, and each idle worker holds a V8 isolate with the compiled module
    // (about 5 MB each, 35 MB in all for 2 threads), so the idle ones are ended.
    for (const w of pool.unusedWorkers.splice(0)) { w.unref(); void w.terminate(); }
  }
  // our own wasm kernels (the B-spline product, AdamW) split their work with one helper thread
  setHeapKernelHelperFactory(nodeHeapKernelHelper);
  if (info.threads !== threads) {
    throw new ValueError('the wasm backend started with fewer threads than asked', { argument: 'threads', expected: String(threads), received: String(info.threads) });
  }
  return info;
}
